from django.core.management.base import BaseCommand

from scraping.schedules import DEFAULT_SCHEDULES, ensure_default_schedules


class Command(BaseCommand):
    help = (
        "Create the default periodic tasks for Celery beat: partition maintenance daily at "
        "03:15 UTC and stale-run reaping every 5 minutes. Safe to run again: existing ones "
        "are left as edited in the admin unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Put existing default tasks back to their default schedule and enable them.",
        )

    def handle(self, *args, **options):
        schedules = {s.name: s for s in DEFAULT_SCHEDULES}
        for name, what in ensure_default_schedules(reset=options["reset"]):
            default = schedules[name]
            when = f"crontab {default.crontab} UTC" if default.crontab else f"every {default.every}"
            self.stdout.write(f"{name} ({default.task}, {when}): {what}")
