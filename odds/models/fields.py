from __future__ import annotations

from django.db import models


class PartitionedBigAutoField(models.BigAutoField):
    """A bigint identity column that is one half of a composite primary key.

    On a partitioned table the primary key must contain the partition key, so psqlextra
    makes it ``(captured_at, id)`` and clears ``primary_key`` on ``id``. Django's
    BigAutoField then fails its own check (fields.E100) and, when it deconstructs with
    ``primary_key=True``, migrations try to create two primary keys. This field keeps
    the identity default and drops both.
    """

    def _check_primary_key(self) -> list:
        return []

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("primary_key", None)
        return name, path, args, kwargs
