"""The columns the write path fills, and the COPY that fills them."""

from __future__ import annotations

SNAPSHOT_COLUMNS = (
    "id, event_id, bookmaker_id, captured_at, source_updated_at, scrape_run_id, raw_response,"
    " scope_id"
)
MARKET_COLUMNS = (
    "snapshot_id, captured_at, event_id, bookmaker_id, market_key, period, line, outcomes"
)


def copy_rows(cursor, table: str, columns: str, rows: list[tuple]) -> None:
    """COPY rows into a table (the benchmarks' raw-COPY floor uses this very function)."""
    if not rows:
        return
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
