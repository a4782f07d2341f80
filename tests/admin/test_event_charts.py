"""The event page's charts and query count, with the real files of ../shared/data.

Expected values are worked out here from the raw files (American odds converted by
``american`` of the ingest tests), not by the code under test.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from statistics import median

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from odds.ingest import ingest_captures
from odds.models import Event, MarketOdds
from odds.series import ident_text
from tests.admin.data import _capture, event_ref
from tests.admin.test_events import chart_data, event_page
from tests.scraping.test_ingest_real import american, ingest

pytestmark = pytest.mark.django_db

EPL = "theoddsapi/soccer_epl.2022-12.json"
# The afternoon and evening of the historical day: Cleveland v Minnesota starts at 18:10
# and is priced in play in the captures after that (BetMGM's away price is 3300, 34.0,
# at 20:15), its total moving from 240.5 to 270.
CAVS_FILES = [
    "2026-01-10T164537Z",
    "2026-01-10T171222Z",
    "2026-01-10T173934Z",
    "2026-01-10T182025Z",
    "2026-01-10T184901Z",
    "2026-01-10T191112Z",
    "2026-01-10T193501Z",
    "2026-01-10T201557Z",
]
CAVS = "Cleveland Cavaliers v Minnesota Timberwolves"


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def one_market_event() -> Event:
    """One bookmaker, one market."""
    ref = replace(event_ref(), source_event_id="one", home_team="Leeds", away_team="Spurs")
    ingest_captures([replace(_capture(0, "book_a", ("2.0", "3.0", "4.0"), None), event=ref)])
    return Event.objects.get(home_team="Leeds United")


def raw_event(shared_data, home: str) -> dict:
    events = json.loads((shared_data / EPL).read_text())
    return next(e for e in events if e["home_team"] == home)


def cavs_captures(shared_data) -> list[tuple[datetime, dict]]:
    """(capture time, raw event) of Cleveland v Minnesota in each ingested file."""
    found = []
    for name in CAVS_FILES:
        path = shared_data / "theoddsapi-history" / f"{name}.json.gz"
        envelope = json.loads(gzip.decompress(path.read_bytes()))
        at = datetime.fromisoformat(envelope["timestamp"].replace("Z", "+00:00"))
        event = next(e for e in envelope["data"] if e["away_team"] == "Minnesota Timberwolves")
        found.append((at, event))
    return found


def ingest_cavs(shared_data) -> Event:
    folder = shared_data / "theoddsapi-history"
    ingest("theoddsapi", *(folder / f"{name}.json.gz" for name in CAVS_FILES))
    return Event.objects.get(name=CAVS)


def page_queries(client, event: Event, **params) -> int:
    url = reverse("admin:odds_event_change", args=[event.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def chart(html: str, chart_id: str) -> dict:
    return next(m for m in chart_data(html)["markets"] if m["id"] == chart_id)


def test_the_query_count_does_not_grow_with_markets_or_bookmakers(admin_client, shared_data):
    small = one_market_event()
    cavs = ingest_cavs(shared_data)
    ingest("theoddsapi", shared_data / EPL)
    leeds = Event.objects.get(name="Leeds United v Manchester City")
    idents = {
        ident_text((m.market_key, m.period, m.line))
        for m in MarketOdds.objects.filter(event=cavs)
        .distinct("market_key", "period", "line")
        .order_by("market_key", "period", "line")
    }
    assert len(idents) >= 8
    assert leeds.bookmakers.count() == 18

    page_queries(admin_client, small)  # Django caches content types on the first page
    one = page_queries(admin_client, small)
    assert page_queries(admin_client, cavs) == one
    assert page_queries(admin_client, leeds) == one
    # charting many markets at once (the page's cap is 20) reads no more either
    assert page_queries(admin_client, cavs, chart=sorted(idents)[:20]) == one


def test_many_bookmakers_open_on_the_best_few_and_the_consensus(admin_client, shared_data):
    ingest("theoddsapi", shared_data / EPL)
    leeds = Event.objects.get(name="Leeds United v Manchester City")
    h2h = chart(event_page(admin_client, leeds), "m-h2h-full-time-")
    raw = raw_event(shared_data, "Leeds United")
    assert len(raw["bookmakers"]) == 18
    assert len(h2h["bookmakers"]) == 18
    colours = [b["colour"] for b in h2h["bookmakers"]]
    assert len(set(colours)) == 18  # a colour each (the page's palette has 20)

    # Best now, by hand (Betfair pays 5 % commission on net winnings): home 10.0 at
    # Barstool, BetRivers, TwinSpires and Unibet; away Betfair (1/2.86 * 0.95 + 1 =
    # 1.332 beats LowVig's 1.3226); draw MyBookie 6.1 (Betfair 1 + 5.2 * 0.95 = 5.94).
    # One best price each and one capture each: the first four by name.
    assert h2h["default_bookmakers"] == ["barstool", "betfair", "betrivers", "mybookieag"]

    books = [d for d in h2h["datasets"] if d["bookmaker"] != "consensus"]
    assert len(books) == 18 * 3
    consensus = {d["outcome"]: d["data"] for d in h2h["datasets"] if d["bookmaker"] == "consensus"}
    roles = {raw["home_team"]: "home", raw["away_team"]: "away", "Draw": "draw"}
    for outcome in ("home", "draw", "away"):
        prices = [
            float(american(o["price"]))
            for b in raw["bookmakers"]
            for m in b["markets"]
            if m["key"] == "h2h"
            for o in m["outcomes"]
            if roles[o["name"]] == outcome
        ]
        assert len(prices) == 18
        assert consensus[outcome][0]["y"] == pytest.approx(median(prices))
    # away: 18 prices from 1.2778 (-360) to 1.3497 (-286); the 9th and 10th are -335
    assert consensus["away"][0]["y"] == pytest.approx(1.2985)

    # The file is one capture: one column, points, and the page says so.
    assert len(h2h["captures"]) == 1 and h2h["axis"] == "captures"
    assert h2h["note"].startswith("One capture, at 2022-12-27 21:40")
    # Not started: the pre-match scale is every price, 1.2778 to 10.0
    assert h2h["scale"]["pre_match"] == h2h["scale"]["all"] == {"min": 1.2778, "max": 10.0}


def test_in_play_spikes_stay_off_the_default_scale(admin_client, shared_data):
    cavs = ingest_cavs(shared_data)
    data = chart_data(event_page(admin_client, cavs))
    h2h = next(m for m in data["markets"] if m["id"] == "m-h2h-full-time-")
    kickoff = cavs.commence_time
    assert data["kickoff"] == ms(kickoff)
    pre, live = [], []
    for at, event in cavs_captures(shared_data):
        prices = [
            float(american(o["price"]))
            for b in event["bookmakers"]
            for m in b["markets"]
            if m["key"] == "h2h"
            for o in m["outcomes"]
        ]
        (pre if at < kickoff else live).extend(prices)
    assert live and max(live) > 3 * max(pre)  # the spike
    assert h2h["scale"]["pre_match"] == {"min": min(pre), "max": max(pre)}
    assert h2h["scale"]["all"] == {"min": min(pre + live), "max": max(pre + live)}
    # more than six captures: time to scale
    assert h2h["axis"] == "time" and len(h2h["captures"]) == len(CAVS_FILES)


def test_spreads_and_totals_follow_the_main_line(admin_client, shared_data):
    cavs = ingest_cavs(shared_data)
    html = event_page(admin_client, cavs)
    (totals,) = [m for m in chart_data(html)["markets"] if m["id"].startswith("m-totals-")]
    assert totals["title"].endswith("following the main line")
    captures = cavs_captures(shared_data)
    # by hand: at each capture, the total most bookmakers quote (ties: the most
    # balanced over/under, then the lower line)
    expected = []
    for at, event in captures:
        quoted = {}
        for b in event["bookmakers"]:
            for m in b["markets"]:
                if m["key"] == "totals":
                    over, under = (float(american(o["price"])) for o in m["outcomes"])
                    quoted.setdefault(Decimal(str(m["outcomes"][0]["point"])), []).append(
                        abs(1 / over - 1 / under)
                    )
        line = min(quoted, key=lambda li: (-len(quoted[li]), sum(quoted[li]) / len(quoted[li]), li))
        if not expected or expected[-1][1] != line:
            expected.append((ms(at), line))
    assert [(p["x"], Decimal(p["line"])) for p in totals["lines"]] == expected
    # a bookmaker's over price at the first capture is its price on that main line
    first_at, first_event = captures[0]
    book = first_event["bookmakers"][0]
    market = next(m for m in book["markets"] if m["key"] == "totals")
    over = next(o for o in market["outcomes"] if o["name"] == "Over")
    series = next(
        d["data"]
        for d in totals["datasets"]
        if d["bookmaker"] == book["key"] and d["outcome"] == "over"
    )
    on_main = Decimal(str(over["point"])) == expected[0][1]
    price = float(american(over["price"])) if on_main else None
    assert series[0] == {"x": ms(first_at), "y": price}
    # the other lines stay in their tables, each can be charted alone
    assert "Chart this line alone" in html


def test_opening_and_closing_get_a_column_each(admin_client, shared_data, tmp_path):
    # One match of the season (West Ham v Man City, Saturday 12:30 UK): its opening
    # prices were taken on the Friday at 16:00 UK, 20.5 hours before its closing ones.
    source = (shared_data / "footballdata" / "E0-2019-2020.csv").read_text(encoding="utf-8-sig")
    header, *rows = source.splitlines()
    row = next(r for r in rows if ",West Ham,Man City," in r)
    path = tmp_path / "E0-one-match.csv"
    path.write_text(f"{header}\n{row}\n")
    ingest("footballdata", path)
    match = Event.objects.get()
    h2h = chart(event_page(admin_client, match), "m-h2h-full-time-")
    kickoff = datetime(2019, 8, 10, 11, 30, tzinfo=UTC)
    assert match.commence_time == kickoff
    assert h2h["axis"] == "captures"
    assert h2h["captures"] == [ms(datetime(2019, 8, 9, 15, 0, tzinfo=UTC)), ms(kickoff)]
    assert "2 captures" in h2h["note"] and "not to time scale" in h2h["note"]
    cells = dict(zip(header.split(","), row.split(","), strict=True))
    pinnacle = {d["outcome"]: d["data"] for d in h2h["datasets"] if d["bookmaker"] == "pinnacle"}
    assert [p["y"] for p in pinnacle["home"]] == [float(cells["PSH"]), float(cells["PSCH"])]
    assert [p["y"] for p in pinnacle["away"]] == [float(cells["PSA"]), float(cells["PSCA"])]
