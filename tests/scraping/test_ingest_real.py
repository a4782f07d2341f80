"""The real files of ../shared/data through ``manage.py ingest``: exact counts and prices."""

from __future__ import annotations

import contextlib
import gzip
import json
import random
from collections import Counter
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from odds.captures import Capture
from odds.models import Bookmaker, Event, MarketOdds, OddsSnapshot
from scraping.models import ScrapeRun, ScrapeStatus
from scraping.sources import footballdata, oddsharvester, theoddsapi
from tests.reference import normalized, reference_rows, stored_rows

pytestmark = pytest.mark.slow


def ingest(*args) -> tuple[ScrapeRun, str]:
    out = StringIO()
    with contextlib.suppress(SystemExit):  # a failed run exits 1; the test reads the run
        call_command("ingest", *map(str, args), "--no-progress", stdout=out)
    return ScrapeRun.objects.order_by("-id").first(), out.getvalue()


def parsed(module, paths) -> list[Capture]:
    return [i for p in paths for i in module.parse_file(p) if isinstance(i, Capture)]


# --- an independent reading of The Odds API history ------------------------------------
def american(price) -> Decimal:
    """American odds to decimal odds, written out again here on purpose."""
    p = Decimal(str(price))
    exact = 1 + p / 100 if p > 0 else 1 + Decimal(100) / -p
    return exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN).normalize()


def role(name: str, event: dict) -> str:
    if name == event["home_team"]:
        return "home"
    if name == event["away_team"]:
        return "away"
    return name.lower()  # Draw, Over, Under


def observed_markets(event: dict, bookmaker: dict) -> dict:
    markets = {}
    for market in bookmaker["markets"]:
        line = None
        if market["key"] == "spreads":
            line = next(
                Decimal(str(o["point"]))
                for o in market["outcomes"]
                if role(o["name"], event) == "home"
            )
        elif market["key"] == "totals":
            line = Decimal(str(market["outcomes"][0]["point"]))
        markets[(market["key"], None if line is None else line.normalize())] = frozenset(
            (role(o["name"], event), american(o["price"])) for o in market["outcomes"]
        )
    return markets


def history_rows_by_hand(files) -> tuple[int, int, list]:
    """(snapshots, market rows, observations) of a change-only replay, counted from the
    raw envelopes: a row when a market is new, changed, or gone while its key was
    reported in that capture."""
    snapshots = rows = 0
    current: dict = {}
    observations = []
    envelopes = [json.loads(gzip.decompress(f.read_bytes())) for f in files]
    for envelope in sorted(envelopes, key=lambda e: e["timestamp"]):
        at = datetime.fromisoformat(envelope["timestamp"].replace("Z", "+00:00"))
        keys = {m["key"] for e in envelope["data"] for b in e["bookmakers"] for m in b["markets"]}
        for event in envelope["data"]:
            for bookmaker in event["bookmakers"]:
                snapshots += 1
                state = current.setdefault((event["id"], bookmaker["key"]), {})
                seen = observed_markets(event, bookmaker)
                for ident, value in seen.items():
                    observations.append((event["id"], bookmaker["key"], ident, at, value))
                    if state.get(ident) != value:
                        rows += 1
                        state[ident] = value
                for ident in list(state):
                    if ident not in seen and state[ident] and ident[0] in keys:
                        rows += 1
                        state[ident] = frozenset()
    return snapshots, rows, observations


@pytest.mark.django_db
def test_the_41_historical_captures_store_each_change_once(shared_data):
    files = sorted((shared_data / "theoddsapi-history").glob("*.json.gz"))
    assert len(files) == 41
    snapshots, rows, observations = history_rows_by_hand(files)

    run, out = ingest("theoddsapi", shared_data / "theoddsapi-history")
    assert run.status == ScrapeStatus.COMPLETED, out
    assert OddsSnapshot.objects.count() == snapshots == run.snapshots_written == 34537
    assert MarketOdds.objects.count() == rows == run.markets_written
    assert run.markets_unchanged == len(observations) - run.markets_written + _gone_rows()
    assert Event.objects.count() == 262
    assert f"run {run.id} completed" in out

    # The prices in force at a capture time are the ones observed then.
    rng = random.Random(7)
    for event_id, book, (key, line), at, value in rng.sample(observations, 300):
        row = (
            MarketOdds.objects.filter(
                event__aliases__external_id=event_id,
                bookmaker__key=book,
                market_key=key,
                line=line,
                captured_at__lte=at,
            )
            .order_by("-captured_at")
            .first()
        )
        assert {(o["name"], Decimal(o["price"]).normalize()) for o in row.outcomes} == value

    again, out = ingest("theoddsapi", shared_data / "theoddsapi-history")
    assert again.status == ScrapeStatus.COMPLETED
    assert (again.snapshots_written, again.markets_written) == (0, 0)
    assert again.stats["duplicates"] == snapshots
    assert MarketOdds.objects.count() == rows


def _gone_rows() -> int:
    return sum(1 for o in MarketOdds.objects.values_list("outcomes", flat=True) if o == [])


@pytest.mark.django_db
def test_odds_api_lists_and_an_error_body(shared_data):
    folder = shared_data / "theoddsapi"
    run, _ = ingest("theoddsapi", folder)
    # Three /odds lists stored; the saved error body is one error of the run.
    assert run.status == ScrapeStatus.PARTIAL
    error = run.errors.get()
    assert error.error_type == "api_error" and "INVALID_MARKET_COMBO" in error.message
    assert error.context["file"].endswith("error-invalid-market-combo.json")
    lists = sorted(folder.glob("*.2022-12.json"))
    captures = parsed(theoddsapi, lists)
    raw = [json.loads(p.read_text()) for p in lists]
    assert run.snapshots_written == sum(len(e["bookmakers"]) for r in raw for e in r) == 641
    assert normalized(stored_rows()) == normalized(reference_rows(captures))
    # American -148 is 1 + 100/148 = 1.6757 in decimal odds, +112 is 2.12.
    totals = MarketOdds.objects.get(
        event__aliases__external_id__startswith="c0b7e9f9",
        bookmaker__key="barstool",
        market_key="totals",
        line=Decimal("2.5"),
    )
    assert {o["name"]: o["price"] for o in totals.outcomes} == {"over": "2.12", "under": "1.6757"}
    assert Bookmaker.objects.get(key="betfair").is_exchange


@pytest.mark.django_db
def test_oddsharvester_match_folder(shared_data):
    folder = shared_data / "oddsharvester"
    run, out = ingest("oddsharvester", folder)
    assert run.status == ScrapeStatus.COMPLETED, out
    files = sorted(p for p in folder.rglob("*.json") if p.name != "metadata.json")
    records = [r for f in files for r in json.loads(f.read_text())]
    pairs = {
        (r["scraped_date"], entry["bookmaker_name"])
        for r in records
        for key, entries in r.items()
        if key.endswith("_market") and entries
        for entry in entries
    }
    assert run.snapshots_written == len(pairs) == 97
    captures = parsed(oddsharvester, files)
    expected = reference_rows(captures)
    assert normalized(stored_rows()) == normalized(expected)
    by_key = Counter(MarketOdds.objects.values_list("market_key", "period"))
    assert by_key == Counter((key, period) for _, (key, period, _), _, _ in expected)
    assert set(by_key) == {
        ("h2h", "full_time"),
        ("h2h", "first_half"),
        ("btts", "full_time"),
        ("double_chance", "full_time"),
        ("totals", "full_time"),
    }
    betclic = MarketOdds.objects.filter(
        bookmaker__key="betclic_fr", market_key="h2h", period="full_time"
    ).order_by("captured_at")[0]
    assert {o["name"]: o["price"] for o in betclic.outcomes} == {
        "home": "3.5",
        "draw": "3.67",
        "away": "1.96",
    }


@pytest.mark.django_db
def test_football_data_season_with_closing_odds(shared_data):
    path = shared_data / "footballdata" / "E0-2019-2020.csv"
    run, out = ingest("footballdata", path)
    assert run.status == ScrapeStatus.COMPLETED, out
    assert run.snapshots_written == 4560  # 380 matches x 6 bookmakers x (pre-match, closing)
    assert Event.objects.count() == 380
    captures = parsed(footballdata, [path])
    assert normalized(stored_rows()) == normalized(reference_rows(captures))
    liverpool = Event.objects.get(home_team="Liverpool", away_team="Norwich City")  # canonical
    closing = MarketOdds.objects.filter(
        event=liverpool, bookmaker__key="pinnacle", market_key="h2h"
    ).order_by("-captured_at")[0]
    assert closing.captured_at == liverpool.commence_time
    assert {o["name"]: o["price"] for o in closing.outcomes} == {
        "home": "1.14",
        "draw": "10.43",
        "away": "19.63",
    }
    # 2019 data in 2019 partitions; none in a DEFAULT partition (there is none).
    tables = set(
        MarketOdds.objects.extra(select={"t": "tableoid::regclass::text"}).values_list(
            "t", flat=True
        )
    )
    assert tables and all(
        t.startswith("odds_marketodds_p2019") or t.startswith("odds_marketodds_p2020")
        for t in tables
    )
