import sys

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from odds.ingest import DEFAULT_BATCH_SIZE
from scraping.models import ScrapeStatus
from scraping.progress import ProgressLine, bar
from scraping.services.runs import run_job, summary_line
from scraping.sources import registry
from scraping.sources.base import parse_utc

# Errors printed after the summary (all of them are on the run's admin page).
FIRST_ERRORS = 5


def _takers(option: str) -> str:
    """The file formats that take the job parameter ``option``."""
    return " and ".join(
        name for name in registry.file_formats() if option in registry.SOURCES[name].file_options
    )


class Command(BaseCommand):
    help = (
        "Import saved odds files as one scrape run: files, folders (searched recursively) "
        "or globs, read in the time order of their captures. Prints a one-line summary, "
        "how many captures were stored already (duplicates) and the first errors; exits "
        "with status 1 when the run failed (nothing could be stored)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "format",
            choices=registry.file_formats(),
            help="theoddsapi: /v4/sports/{sport}/odds responses or historical envelopes "
            "(.json, .json.gz); oddsharvester: OddsHarvester JSON output (.json); "
            "footballdata: football-data.co.uk season CSVs (.csv); betfair: Betfair "
            "exchange historic stream files (BASIC/ADVANCED/PRO; plain, .gz, .bz2, tar; "
            "every file of a folder).",
        )
        parser.add_argument("paths", nargs="+", help="Files, folders or quoted globs.")
        parser.add_argument(
            "--captured-at",
            help="theoddsapi only: when a bare /odds list was captured (ISO 8601, UTC if no "
            "zone). Default: the newest last_update in the file. Envelopes carry their own.",
        )
        parser.add_argument(
            "--odds-format",
            choices=["auto", "decimal", "american"],
            default="auto",
            help="theoddsapi only: price format of the files. auto (default) detects it "
            "per file: American prices are whole numbers of 100 or more, or negative.",
        )
        parser.add_argument(
            "--interval-ms",
            type=int,
            default=None,
            help="betfair only: store at most one capture per market per this many "
            "milliseconds; the last state before each boundary and the final state are "
            "kept; 0 stores every update (default: the ODDS_BETFAIR_INTERVAL_MS setting, "
            "1000).",
        )
        parser.add_argument(
            "--store-raw",
            action="store_true",
            default=None,
            help="Keep each capture's source fragment in OddsSnapshot.raw_response "
            "(default: the ODDS_STORE_RAW_RESPONSES setting).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help="Captures written per transaction (default %(default)s).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not draw the progress line."
        )

    def handle(self, *args, **options):
        file_format = options["format"]
        takes = registry.file_source(file_format).file_options
        parameters = {"paths": options["paths"]}
        if "odds_format" in takes:
            parameters["odds_format"] = options["odds_format"]
            if options["captured_at"]:
                parameters["captured_at"] = self._time(options["captured_at"])
        elif options["captured_at"] or options["odds_format"] != "auto":
            raise CommandError(
                f"--captured-at and --odds-format apply to {_takers('odds_format')} files only."
            )
        if options["interval_ms"] is not None:
            if "interval_ms" not in takes:
                raise CommandError(f"--interval-ms applies to {_takers('interval_ms')} files only.")
            if options["interval_ms"] < 0:
                raise CommandError("--interval-ms must be 0 or more.")
            parameters["interval_ms"] = options["interval_ms"]
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")

        progress = ProgressLine(self.stderr._out, enabled=not options["no_progress"])
        files = {"done": 0, "total": 0}

        def on_file(path, index, total):
            files.update(done=index, total=total)

        def on_progress(run):
            progress.show(
                f"{bar(files['done'], files['total'])} files, {run.snapshots_written} "
                f"snapshots, {run.markets_written} markets written, {run.errors_count} errors"
            )

        run = run_job(
            source=file_format,
            parameters=parameters,
            store_raw=options["store_raw"],
            batch_size=options["batch_size"],
            on_progress=on_progress,
            on_file=on_file,
        )
        progress.done()
        self.stdout.write(summary_line(run))
        self._report_duplicates(run)
        self._report_errors(run)
        if run.status == ScrapeStatus.FAILED:
            sys.exit(1)

    def _report_duplicates(self, run) -> None:
        duplicates, captures = run.stats.get("duplicates", 0), run.stats.get("captures", 0)
        if duplicates:
            self.stdout.write(
                f"  {duplicates} of {captures} captures were stored already (duplicates): "
                "nothing new was written for them."
            )

    def _report_errors(self, run) -> None:
        """The first errors, one line each, and where to read them all."""
        errors = list(run.errors.in_order()[:FIRST_ERRORS])
        for error in errors:
            first_line = (error.message.strip().splitlines() or [""])[0]
            self.stdout.write(f"  error ({error.error_type}): {first_line}")
        if run.errors_count > len(errors):
            self.stdout.write(f"  ... and {run.errors_count - len(errors)} more.")
        if errors:
            url = reverse("admin:scraping_scraperun_change", args=[run.id])
            self.stdout.write(
                f"  All errors of run {run.id}: python3 run.py manage runserver, then open "
                f"http://127.0.0.1:8000{url}"
            )

    @staticmethod
    def _time(value: str) -> str:
        try:
            return parse_utc(value).isoformat()
        except ValueError as error:
            raise CommandError(f"--captured-at: {error}; use e.g. 2026-01-10T12:00:00Z") from None
