from django.core.management import call_command
from django.core.management.base import BaseCommand

from odds.overview import StoreOverview, refresh_estimates, store_overview
from scraping.services.items import simulated_parameters
from scraping.services.runs import run_job, summary_line


def _size(num_bytes: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if num_bytes < 1024 or unit == "GB":
            return f"{num_bytes:.0f} {unit}" if unit == "B" else f"{num_bytes:.1f} {unit}"
        num_bytes /= 1024
    return f"{num_bytes} B"


class Command(BaseCommand):
    help = (
        "Set up the odds store and show it working: apply migrations, create the time "
        "partitions ahead (none is retired), scrape a few rounds of the simulated feed as "
        "scrape runs, and print a summary of what is stored and where to browse it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rounds",
            type=int,
            default=3,
            help="Simulated scrape rounds to run, the latest ones up to now (3; 0 for none).",
        )
        parser.add_argument(
            "--events", type=int, default=30, help="Events in the simulated feed (30)."
        )
        parser.add_argument(
            "--bookmakers", type=int, default=8, help="Bookmakers in the simulated feed (8)."
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        self.stdout.write("Applying migrations...")
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        self.stdout.write("Creating partitions ahead...")
        call_command("pgpartition", yes=True, skip_delete=True)
        if options["rounds"] > 0:
            self.stdout.write(f"Scraping {options['rounds']} rounds of the simulated feed...")
            latest = simulated_parameters(
                events=options["events"], bookmakers=options["bookmakers"]
            )["round"]
            for index in range(max(latest - options["rounds"] + 1, 0), latest + 1):
                parameters = simulated_parameters(
                    events=options["events"], bookmakers=options["bookmakers"], round_index=index
                )
                run = run_job(source="simulated", parameters=parameters)
                self.stdout.write("  " + summary_line(run))
        refresh_estimates()
        self._print(store_overview())

    def _print(self, overview: StoreOverview) -> None:
        write = self.stdout.write
        write("")
        write(self.style.SUCCESS("The odds store is ready."))
        write(f"  database:   {overview.database}")
        write(f"  layout:     {overview.layout}")
        write("  entities:   " + ", ".join(f"{n} {k}" for k, n in overview.entity_counts.items()))
        write(f"  runs:       {overview.runs}")
        for table in overview.tables:
            ranged = [p for p in table.partitions if not p.is_default]
            span = f"{ranged[0].start:%Y-%m-%d} .. {ranged[-1].end:%Y-%m-%d}" if ranged else "none"
            write(
                f"  {table.table}: {len(ranged)} partitions ({span}), "
                f"~{table.estimated_rows} rows, {_size(table.total_bytes)}"
            )
        write("")
        write("Browse it: python3 run.py manage createsuperuser")
        write("           python3 run.py manage runserver   -> http://127.0.0.1:8000/admin/")
        write("More data: python3 run.py manage scrape simulated --rounds 12")
        write(
            "           python3 run.py manage ingest theoddsapi ../shared/data/theoddsapi-history"
        )
