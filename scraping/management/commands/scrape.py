import argparse
import sys
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from scraping.models import ScrapeStatus
from scraping.repeat import repeat_job
from scraping.services.items import simulated_parameters
from scraping.services.runs import run_job, summary_line
from scraping.sources.base import parse_utc


def _csv(value: str) -> list[str]:
    items = [v.strip() for v in value.split(",") if v.strip()]
    if not items:
        raise argparse.ArgumentTypeError(f"{value!r} is empty: give comma-separated values")
    return items


def duration(value: str) -> timedelta:
    """'90s', '5m', '2h', '1d' or plain seconds."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    text = value.strip().lower()
    try:
        if text and text[-1] in units:
            seconds = float(text[:-1]) * units[text[-1]]
        else:
            seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a duration like 90s, 5m, 2h or 1d"
        ) from None
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be longer than zero")
    return timedelta(seconds=seconds)


class Command(BaseCommand):
    help = (
        "Run one scrape of a live or simulated source as a scrape run and print a one-line "
        "summary; exits with status 1 when the run failed. With --every, repeat it in the "
        "foreground as a scheduled job until Ctrl-C (or --times rounds). "
        "See 'scrape theoddsapi --help' and 'scrape simulated --help'."
    )

    def add_arguments(self, parser):
        sources = parser.add_subparsers(dest="source", required=True, metavar="SOURCE")
        api = sources.add_parser(
            "theoddsapi",
            help="The Odds API v4 over HTTP (key from ODDS_API_KEY, base URL ODDS_API_BASE_URL).",
            description="One request to /v4/sports/{sport}/odds. The API key is read from "
            "the ODDS_API_KEY environment variable and never stored or logged; quota headers "
            "are kept on the run. 429 and 5xx answers are retried with backoff.",
        )
        api.add_argument("--sport", required=True, help="Sport key, e.g. soccer_epl.")
        api.add_argument(
            "--regions", type=_csv, default=["eu"], help="Comma-separated, e.g. eu,uk (eu)."
        )
        api.add_argument(
            "--markets",
            type=_csv,
            default=["h2h"],
            help="Comma-separated market keys, e.g. h2h,totals,spreads (h2h).",
        )
        api.add_argument(
            "--bookmakers", type=_csv, default=None, help="Comma-separated bookmaker keys."
        )
        api.add_argument(
            "--odds-format",
            choices=["decimal", "american"],
            default="decimal",
            help="Format to request (decimal). Both are stored as decimal odds.",
        )
        sim = sources.add_parser(
            "simulated",
            help="A deterministic simulated feed (no network), for demos and benchmarks.",
            description="Seeded events, bookmakers and moving prices with a margin. Each "
            "round is one scrape run; by default the feed starts at today's midnight UTC and "
            "--rounds N scrapes the N latest rounds up to now.",
        )
        sim.add_argument("--events", type=int, default=20, help="Number of events (20).")
        sim.add_argument("--bookmakers", type=int, default=8, help="Number of bookmakers (8).")
        sim.add_argument("--rounds", type=int, default=1, help="Rounds to scrape (1).")
        sim.add_argument("--seed", type=int, default=0, help="Random seed (0).")
        sim.add_argument(
            "--change-rate",
            type=float,
            default=0.03,
            help="Share of markets whose prices move per round, 0..1 (0.03).",
        )
        sim.add_argument(
            "--interval", type=duration, default=timedelta(minutes=5), help="Round length (5m)."
        )
        sim.add_argument(
            "--start",
            help="ISO time of round 0 (default: today 00:00 UTC). With --start the rounds "
            "are 0..N-1 instead of the latest ones.",
        )
        for sub in (api, sim):
            sub.add_argument(
                "--store-raw",
                action="store_true",
                default=None,
                help="Keep each capture's source fragment in OddsSnapshot.raw_response.",
            )
            sub.add_argument(
                "--every",
                type=duration,
                default=None,
                help="Repeat in the foreground every DURATION (90s, 5m, 2h, 1d) until Ctrl-C, "
                "as a scheduled job: one run per round with trigger 'schedule', the job's "
                "lock (a round is skipped while another execution runs) and, for "
                "theoddsapi, the quota rule. simulated scrapes the latest round each time.",
            )
            sub.add_argument(
                "--times",
                type=int,
                default=None,
                help="With --every: stop after this many rounds.",
            )
            sub.add_argument(
                "--name",
                default="",
                help="With --every: the job's name, kept on its runs; a Celery periodic job "
                "with the same job_name shares its lock.",
            )

    def handle(self, *args, **options):
        if options["every"] is not None:
            return self._repeat(options)
        if options["times"] is not None or options["name"]:
            raise CommandError("--times and --name go with --every.")
        if options["source"] == "theoddsapi":
            jobs = [("theoddsapi", self._api_parameters(options))]
        else:
            jobs = [("simulated", p) for p in self._simulated_rounds(options)]
        failed = False
        for source, parameters in jobs:
            run = run_job(source=source, parameters=parameters, store_raw=options["store_raw"])
            self.stdout.write(summary_line(run))
            failed = failed or run.status == ScrapeStatus.FAILED
            if run.status != ScrapeStatus.COMPLETED:
                first = run.errors.in_order().first()
                if first:
                    self.stdout.write(f"  first error ({first.error_type}): {first.message}")
        if failed:
            sys.exit(1)

    def _repeat(self, options) -> None:
        """``--every``: one scheduled execution per round, until --times or Ctrl-C."""
        source, template = self._job_template(options)
        times = options["times"]
        if times is not None and times < 1:
            raise CommandError("--times must be at least 1.")
        try:
            failed = repeat_job(
                source=source,
                parameters=template,
                every=options["every"],
                times=times,
                job_name=options["name"],
                store_raw=options["store_raw"],
                report=self._report,
                say=self.stdout.write,
                warn=self.stderr.write,
            )
        except KeyboardInterrupt:
            self.stdout.write("Interrupted: the current run was recorded as failed.")
            sys.exit(130)
        if failed:
            sys.exit(1)

    def _report(self, outcome) -> None:
        self.stdout.write(outcome.summary)
        run = outcome.run
        if run is not None and run.status != ScrapeStatus.COMPLETED:
            first = run.errors.in_order().first()
            if first:
                self.stdout.write(f"  first error ({first.error_type}): {first.message}")
        self.stdout.flush()

    def _job_template(self, options) -> tuple[str, dict]:
        """The job's parameter template: for simulated without a round, so each
        execution takes the latest round up to its own time."""
        if options["source"] == "theoddsapi":
            return "theoddsapi", self._api_parameters(options)
        if options["rounds"] != 1:
            raise CommandError("--rounds does not go with --every: each round scrapes the latest.")
        self._simulated_rounds(options)  # checks the flags
        template = {
            "seed": options["seed"],
            "events": options["events"],
            "bookmakers": options["bookmakers"],
            "change_rate": options["change_rate"],
            "interval_seconds": int(options["interval"].total_seconds()),
        }
        if options["start"]:
            template["start"] = parse_utc(options["start"]).isoformat()
        return "simulated", template

    @staticmethod
    def _api_parameters(options) -> dict:
        return {
            "sport": options["sport"],
            "regions": options["regions"],
            "markets": options["markets"],
            "bookmakers": options["bookmakers"] or [],
            "odds_format": options["odds_format"],
        }

    @staticmethod
    def _simulated_rounds(options) -> list[dict]:
        for name in ("events", "bookmakers", "rounds"):
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        if not 0 <= options["change_rate"] <= 1:
            raise CommandError("--change-rate must be between 0 and 1.")
        start = None
        if options["start"]:
            try:
                start = parse_utc(options["start"])
            except ValueError as error:
                raise CommandError(f"--start: {error}") from None
        common = {
            "seed": options["seed"],
            "events": options["events"],
            "bookmakers": options["bookmakers"],
            "change_rate": options["change_rate"],
            "interval": options["interval"],
            "start": start,
        }
        if start is not None:
            rounds = range(options["rounds"])
        else:
            latest = simulated_parameters(**common)["round"]
            rounds = range(max(latest - options["rounds"] + 1, 0), latest + 1)
        return [simulated_parameters(**common, round_index=r) for r in rounds]
