import argparse
import json

from django.core.management.base import BaseCommand, CommandError

from scraping.management.commands.scrape import duration
from scraping.schedules import schedule_scrape
from scraping.sources import registry
from scraping.sources.base import SourceError


def _json_object(value: str) -> dict:
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as error:
        raise argparse.ArgumentTypeError(f"not JSON ({error}): {value!r}") from None
    if not isinstance(parsed, dict):
        raise argparse.ArgumentTypeError(f"must be a JSON object {{...}}, got {value!r}")
    return parsed


class Command(BaseCommand):
    help = (
        "Create or update a periodic scrape job for Celery beat (the same as adding a "
        "periodic task for scraping.tasks.run_scrape_job in the admin)."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="The job's name; its runs carry it as job_name.")
        parser.add_argument(
            "source",
            help=f"One of {', '.join(registry.names())} (an unknown one is refused).",
        )
        parser.add_argument(
            "--parameters",
            type=_json_object,
            default={},
            help='The job\'s parameters as JSON, e.g. \'{"sport": "soccer_epl", '
            '"regions": ["eu"], "markets": ["h2h", "totals"]}\'. Never an API key: they are '
            "stored in plain text, so one is refused; set ODDS_API_KEY where the job runs.",
        )
        when = parser.add_mutually_exclusive_group(required=True)
        when.add_argument("--every", type=duration, help="Interval: 90s, 5m, 2h, 1d.")
        when.add_argument(
            "--crontab", help='Five fields, UTC: "minute hour day-of-month month day-of-week".'
        )
        parser.add_argument("--disabled", action="store_true", help="Create it disabled.")
        parser.add_argument(
            "--queue",
            default="",
            help="Send it to this queue (workers started with -Q QUEUE), e.g. to run The "
            "Odds API jobs only where ODDS_API_KEY is set. Default: the default queue.",
        )

    def handle(self, *args, **options):
        try:
            task, created = schedule_scrape(
                name=options["name"],
                source=options["source"],
                parameters=options["parameters"],
                every=options["every"],
                crontab=options["crontab"],
                enabled=not options["disabled"],
                queue=options["queue"],
            )
        except SourceError as error:
            raise CommandError(error.message) from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        when = f"every {options['every']}" if options["every"] else f"crontab {task.crontab}"
        state = "enabled" if task.enabled else "disabled"
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} periodic job {task.name!r} ({state}, {when}): {task.kwargs}")
