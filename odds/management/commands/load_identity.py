from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from odds.identity.curated import DATA_FILE, seed


class Command(BaseCommand):
    help = (
        f"Load the curated identity data ({DATA_FILE.name}: leagues with each source's key, "
        "teams with their name variants, bookmaker display names) into the database. Adds "
        "what is missing and never overwrites names or aliases edited in the admin; the "
        "migrations run it once, run it again after editing the file."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            added = seed(apps)
        self.stdout.write(
            f"Added {added['tournaments']} tournaments, {added['tournament_aliases']} "
            f"tournament aliases, {added['participants']} teams and {added['aliases']} "
            "team aliases."
        )
