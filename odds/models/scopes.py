"""Which markets a capture reported in full, kept once per distinct scope.

A capture *confirms* a stored price when it reported that market and found it
unchanged; such captures write no market row (change-only history), so the snapshot
must say what it covered. Scopes repeat endlessly (a scraper asks for the same
markets every time), so each distinct one is a row here and snapshots carry its id:
four bytes a capture instead of a list.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models


class CaptureScope(models.Model):
    id = models.AutoField(primary_key=True)  # four bytes on every snapshot, not eight
    signature = models.TextField(unique=True, help_text="Canonical text of entries and skipped.")
    # Identity prefixes as odds.ingest.changes.ident_text writes them ("h2h",
    # "h2h|first_half", "totals|full_time|2.5"), so SQL can test coverage with && .
    entries = ArrayField(
        models.TextField(), default=list, help_text="Covered market identities (prefixes)."
    )
    skipped = ArrayField(
        models.TextField(),
        default=list,
        help_text="Identities with input dropped as bad: reported, but not confirmed.",
    )
    carried = models.BooleanField(
        default=False, help_text="The scope of retention's carry-forward snapshots: covers nothing."
    )

    def __str__(self) -> str:
        return "carried forward" if self.carried else self.signature
