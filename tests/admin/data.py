"""Hand-built data for the admin tests: one event priced by three bookmakers, and runs.

The prices are chosen so the answers are easy to check by hand: after the last capture
``home`` is best at 2.25 at two bookmakers (a tie), ``draw`` and ``away`` at book_b.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from odds.captures import BookmakerRef, Capture, EventRef, Market, Outcome
from odds.ingest import ingest_captures
from odds.models import Event
from scraping.models import ScrapeError, ScrapeRun, ScrapeStatus

T0 = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
KICKOFF = datetime(2026, 1, 11, 15, 0, tzinfo=UTC)
BOOK_NAMES = {"book_a": "Book A", "book_b": "Book B", "book_c": "Book C"}

# (minutes after T0, bookmaker, h2h home/draw/away, totals 2.5 over/under or None)
CAPTURES = [
    (0, "book_a", ("2.10", "3.40", "3.60"), ("1.90", "1.95")),
    (0, "book_b", ("2.05", "3.50", "3.70"), ("1.95", "1.85")),
    (0, "book_c", ("2.20", "3.30", "3.40"), None),
    (30, "book_a", ("2.25", "3.40", "3.50"), ("1.90", "1.95")),
    (60, "book_b", ("2.05", "3.50", "3.70"), ("1.95", "1.85")),
    (60, "book_c", ("2.25", "3.30", "3.40"), None),
]
# The prices in force after the last capture, per bookmaker.
LATEST_H2H = {
    "book_a": ("2.25", "3.40", "3.50"),
    "book_b": ("2.05", "3.50", "3.70"),
    "book_c": ("2.25", "3.30", "3.40"),
}
LATEST_TOTALS = {"book_a": ("1.90", "1.95"), "book_b": ("1.95", "1.85")}


def event_ref() -> EventRef:
    return EventRef(
        source="handmade",
        source_event_id="admin-ev1",
        sport_key="soccer",
        sport_name="Soccer",
        tournament_key="soccer_epl",
        tournament_name="EPL",
        home_team="Arsenal",
        away_team="Chelsea",
        commence_time=KICKOFF,
    )


def _capture(minutes: int, book: str, h2h: tuple, totals: tuple | None) -> Capture:
    home, draw, away = (Decimal(p) for p in h2h)
    markets = [Market("h2h", (Outcome("home", home), Outcome("draw", draw), Outcome("away", away)))]
    if totals:
        over, under = (Decimal(p) for p in totals)
        markets.append(
            Market("totals", (Outcome("over", over), Outcome("under", under)), line=Decimal("2.5"))
        )
    return Capture(
        event=event_ref(),
        bookmaker=BookmakerRef(book, BOOK_NAMES[book]),
        captured_at=T0 + timedelta(minutes=minutes),
        markets=tuple(markets),
    )


def priced_event() -> Event:
    """The event of :data:`CAPTURES`, stored through the write path."""
    ingest_captures([_capture(*row) for row in CAPTURES])
    return Event.objects.get(name="Arsenal v Chelsea")


def overround_percent(prices: tuple[str, ...]) -> str:
    """sum(1/price) - 1 in percent, two places: worked out here, not by the code under test."""
    total = sum(Fraction(1) / Fraction(p) for p in prices) - 1
    percent = Decimal(total.numerator * 100) / Decimal(total.denominator)
    return f"{percent.quantize(Decimal('0.01'))} %"


def make_run(status: str, *, source: str = "simulated", **fields) -> ScrapeRun:
    now = fields.pop("created_at", timezone.now())
    defaults = {
        "trigger": "manual",
        "parameters": {"seed": 0, "events": 2},
        "stats": {"seconds": 1.5, "quota": {"remaining": 480}},
        "started_at": now,
        "finished_at": now + timedelta(seconds=2),
        "events_count": 2,
        "snapshots_written": 4,
        "markets_written": 12,
        "markets_unchanged": 3,
    }
    return ScrapeRun.objects.create(
        source=source, status=status, created_at=now, **{**defaults, **fields}
    )


def failed_run_with_errors(*, event: Event | None = None, errors: int = 2) -> ScrapeRun:
    run = make_run(
        ScrapeStatus.FAILED,
        source="theoddsapi",
        job_name="epl-odds",
        message="Nothing could be stored. See the errors below.",
        errors_count=errors,
    )
    for n in range(errors):
        ScrapeError.objects.create(
            scrape_run=run,
            error_type="bad_price" if n % 2 == 0 else "http_429",
            message=f"outcome 'home': price \"abc{n}\" is not a number\nsecond line {n}",
            context={"fragment": {"price": f"abc{n}", "name": "home"}, "file": "odds.json"},
            event=event,
        )
    return run
