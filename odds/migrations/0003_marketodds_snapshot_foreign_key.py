"""The real FOREIGN KEY from MarketOdds to its OddsSnapshot.

Django cannot declare a ForeignKey to a composite primary key, so the model has a
ForeignObject (no database effect) and the constraint is added here. Both tables are
partitioned on captured_at, which is part of the key, so PostgreSQL enforces it
across partitions. Deleting a snapshot deletes its markets.

The initial migration was generated without the DEFAULT partitions pgmakemigrations
adds: every writer makes the partitions it needs (odds.partitioning.ensure_partitions),
and a DEFAULT partition would only hide rows that belong elsewhere.
"""

from django.db import migrations

FORWARD = """
ALTER TABLE odds_marketodds
  ADD CONSTRAINT marketodds_snapshot_fk
  FOREIGN KEY (captured_at, snapshot_id)
  REFERENCES odds_oddssnapshot (captured_at, id)
  ON DELETE CASCADE;
"""

BACKWARD = "ALTER TABLE odds_marketodds DROP CONSTRAINT marketodds_snapshot_fk;"


class Migration(migrations.Migration):
    dependencies = [("odds", "0002_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
