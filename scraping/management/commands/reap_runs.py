from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scraping.services.reaping import reap_stale_runs


class Command(BaseCommand):
    help = (
        "Mark failed every scrape run still running without a recent heartbeat (its "
        "process died). Every new run does this too; run it from cron when runs are rare."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=settings.SCRAPE_STALE_AFTER_SECONDS,
            help="Seconds without a heartbeat after which a run is stale "
            "(default: SCRAPE_STALE_AFTER_SECONDS, %(default)s).",
        )

    def handle(self, *args, **options):
        if options["older_than"] < 1:
            raise CommandError("--older-than must be at least 1 second.")
        reaped = reap_stale_runs(older_than=timedelta(seconds=options["older_than"]))
        if reaped:
            self.stdout.write(f"Reaped {len(reaped)} stale run(s): {', '.join(map(str, reaped))}")
        else:
            self.stdout.write("No stale runs.")
