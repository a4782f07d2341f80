from django.core.management import call_command
from django.core.management.base import BaseCommand

from odds.overview import StoreOverview, store_overview


def _size(num_bytes: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if num_bytes < 1024 or unit == "GB":
            return f"{num_bytes:.0f} {unit}" if unit == "B" else f"{num_bytes:.1f} {unit}"
        num_bytes /= 1024
    return f"{num_bytes} B"


class Command(BaseCommand):
    help = (
        "Set up the odds store and show what it holds: apply migrations, create the "
        "time partitions ahead (no partition is retired), and print a summary."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        self.stdout.write("Applying migrations...")
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        self.stdout.write("Creating partitions ahead...")
        call_command("pgpartition", yes=True, skip_delete=True)
        self._print(store_overview())

    def _print(self, overview: StoreOverview) -> None:
        write = self.stdout.write
        write("")
        write(self.style.SUCCESS("The odds store is ready."))
        write(f"  database:   {overview.database}")
        write(f"  layout:     {overview.layout}")
        write("  entities:   " + ", ".join(f"{n} {k}" for k, n in overview.entity_counts.items()))
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
