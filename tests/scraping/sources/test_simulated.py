"""The simulated feed: deterministic, stateless per round, valid vocabulary, realistic rates."""

import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from odds.captures import FULL_TIME, OPEN, SUSPENDED, Capture
from odds.prices import canonical
from scraping.sources.simulated import (
    EXCHANGE_MARGIN_RANGE,
    MARGIN_RANGE,
    MARKET_KEYS,
    SimulatedFeed,
    bookmaker_profiles,
)

START = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
SLUG = re.compile(r"^[a-z0-9_]+$")
ROLES = {
    ("h2h", 3): ("home", "draw", "away"),
    ("h2h", 2): ("home", "away"),
    ("totals", 2): ("over", "under"),
    ("spreads", 2): ("home", "away"),
}


def _feed(**overrides) -> SimulatedFeed:
    return SimulatedFeed(**{"seed": 7, "start": START, **overrides})


def _prices(captures) -> dict[tuple[str, str, str], tuple[Decimal, ...]]:
    """(event, bookmaker, market) -> its prices, for the markets present in a round."""
    return {
        (c.event.source_event_id, c.bookmaker.key, m.key): tuple(o.price for o in m.outcomes)
        for c in captures
        for m in c.markets
    }


def _changes(feed: SimulatedFeed, rounds: int, first: int = 0) -> tuple[int, int]:
    """(markets whose prices differ from the previous round, markets compared)."""
    previous = _prices(feed.round_captures(first))
    changed = compared = 0
    for round_index in range(first + 1, first + rounds):
        current = _prices(feed.round_captures(round_index))
        for key, prices in current.items():
            if key in previous:
                compared += 1
                changed += prices != previous[key]
        previous = current
    return changed, compared


def test_a_round_has_one_capture_per_event_and_bookmaker_at_one_time():
    feed = _feed(events=5, bookmakers=4)
    captures = list(feed.round_captures(3))

    assert len(captures) == 5 * 4
    assert {(c.event.source_event_id, c.bookmaker.key) for c in captures} == {
        (e.source_event_id, b.ref.key) for e in feed.events for b in feed.bookmakers
    }
    assert feed.captured_at(3) == START + 3 * timedelta(minutes=5)
    for capture in captures:
        assert isinstance(capture, Capture)
        assert capture.captured_at == feed.captured_at(3)
        assert capture.event.source == "simulated"
        assert capture.scope == frozenset(MARKET_KEYS)
        assert capture.external_event_id.isdigit()
        assert START <= capture.source_updated_at <= capture.captured_at


def test_captured_at_is_utc_whatever_zone_start_is_given_in():
    paris = datetime(2025, 3, 1, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    feed = SimulatedFeed(start=paris, interval=timedelta(seconds=90))

    assert feed.captured_at(0) == START
    assert feed.captured_at(0).utcoffset() == timedelta(0)
    assert feed.captured_at(10) == START + timedelta(seconds=900)


def test_same_seed_gives_identical_captures_in_any_round_order():
    first, second = _feed(), _feed()
    expected = list(first.round_captures(5))
    for round_index in (400, 2, 7, 6):  # a fresh feed, rounds out of order, far ahead first
        list(second.round_captures(round_index))

    assert list(second.round_captures(5)) == expected
    assert list(_feed().round_captures(5)) == expected
    assert list(first.round_captures(5)) == expected  # asking again changes nothing


def test_a_far_round_needs_no_earlier_round():
    walked = _feed(events=3, bookmakers=3)
    for round_index in range(0, 1200, 7):
        list(walked.round_captures(round_index))

    assert list(_feed(events=3, bookmakers=3).round_captures(1197)) == list(
        walked.round_captures(1197)
    )


def test_a_market_keeps_its_prices_whatever_the_feed_size():
    small = _feed(events=5, bookmakers=3, markets=("spreads", "h2h"))
    large = _feed(events=12, bookmakers=9)
    for round_index in (0, 1, 40, 300):
        seen = _prices(small.round_captures(round_index))
        expected = _prices(large.round_captures(round_index))
        assert seen == {key: expected[key] for key in seen}
    assert large.events[:5] == small.events


def test_a_different_seed_gives_different_events_and_prices():
    one = _feed(seed=1, suspend_rate=0, withdraw_rate=0)
    other = _feed(seed=2, suspend_rate=0, withdraw_rate=0)

    assert [e.name for e in one.events] != [e.name for e in other.events]
    one_prices = list(_prices(one.round_captures(0)).values())
    other_prices = list(_prices(other.round_captures(0)).values())
    assert len(one_prices) == len(other_prices)
    assert one_prices != other_prices


def test_every_market_uses_the_store_vocabulary():
    feed = _feed(events=60, bookmakers=6, suspend_rate=0.05)
    statuses = Counter()
    for capture in feed.iter_rounds(0, 3):
        assert SLUG.match(capture.bookmaker.key)
        assert SLUG.match(capture.event.sport_key)
        three_way = capture.event.sport_key == "soccer"
        for market in capture.markets:
            assert market.key in MARKET_KEYS
            assert market.period == FULL_TIME
            names = tuple(o.name for o in market.outcomes)
            assert names == ROLES[(market.key, 3 if three_way and market.key == "h2h" else 2)]
            if market.key == "h2h":
                assert market.line is None
            else:
                assert isinstance(market.line, Decimal)
                assert abs(market.line) % 1 == Decimal("0.5")  # half lines: no pushes
            for outcome in market.outcomes:
                assert isinstance(outcome.price, Decimal)
                assert outcome.price > Decimal("1.01")
                assert outcome.price == canonical(outcome.price)
                assert outcome.price.as_tuple().exponent >= -2  # rounded to 2 decimals
                statuses[outcome.status] += 1
    assert set(statuses) == {OPEN, SUSPENDED}


def test_lines_are_the_main_lines_of_each_sport():
    lines: dict[tuple[str, str], set[Decimal]] = {}
    for capture in _feed(events=300, bookmakers=1).round_captures(0):
        for market in capture.markets:
            if market.line is not None:
                key = (capture.event.tournament_key, market.key)
                lines.setdefault(key, set()).add(market.line)

    assert lines[("soccer_epl", "totals")] == {Decimal("2.5")}
    assert lines[("soccer_epl", "spreads")] <= {
        Decimal(v) for v in ("-2.5", "-1.5", "-0.5", "0.5", "1.5", "2.5")
    }
    assert lines[("icehockey_nhl", "spreads")] <= {Decimal("-1.5"), Decimal("1.5")}
    assert lines[("icehockey_nhl", "totals")] <= {Decimal("5.5"), Decimal("6.5")}
    assert all(195 < line < 255 for line in lines[("basketball_nba", "totals")])
    assert all(-20 < line < 20 for line in lines[("basketball_nba", "spreads")])
    assert all(33 < line < 57 for line in lines[("americanfootball_nfl", "totals")])


def test_every_market_carries_its_bookmakers_margin():
    feed = _feed(events=80, bookmakers=30)
    margins = {profile.ref.key: profile.margin for profile in feed.bookmakers}
    checked = 0
    for capture in feed.iter_rounds(0, 3):
        for market in capture.markets:
            prices = [float(o.price) for o in market.outcomes]
            overround = sum(1 / p for p in prices) - 1
            # Rounding to the nearest cent moves 1/p by at most 0.005 / (p * (p - 0.005)).
            slack = sum(0.005 / (p * (p - 0.005)) for p in prices) + 1e-9
            assert abs(overround - margins[capture.bookmaker.key]) <= slack, (capture, market)
            checked += 1
    assert checked > 80 * 30 * 3 * 3 * 0.99


def test_bookmakers_look_real_and_keep_their_margins_in_range():
    profiles = bookmaker_profiles(250)
    keys = [p.ref.key for p in profiles]

    assert keys[:5] == ["bet365", "pinnacle", "williamhill", "unibet", "betfair_ex_uk"]
    assert len(set(keys)) == 250
    assert all(SLUG.match(key) for key in keys)
    assert profiles[4].ref.is_exchange
    for profile in profiles:
        low, high = EXCHANGE_MARGIN_RANGE if profile.ref.is_exchange else MARGIN_RANGE
        assert low <= profile.margin <= high, profile
    assert bookmaker_profiles(8) == profiles[:8]  # the same set whatever the count or seed
    assert [p.ref for p in _feed(bookmakers=8).bookmakers] == [p.ref for p in profiles[:8]]


def test_events_mix_sports_and_start_a_few_days_after_start():
    events = _feed(events=400).events
    sports = Counter(e.sport_key for e in events)

    assert set(sports) == {"soccer", "basketball", "icehockey", "americanfootball"}
    assert 0.3 < sports["soccer"] / len(events) < 0.6
    assert len({e.source_event_id for e in events}) == 400
    for event in events:
        assert START + timedelta(days=1) <= event.commence_time <= START + timedelta(days=7)
        assert event.home_team != event.away_team
        assert event.tournament_key.startswith(event.sport_key + "_")
        assert event.commence_time.utcoffset() == timedelta(0)


def test_no_team_plays_twice_on_one_matchday():
    # 8 fixtures make a matchday of 16 teams; the first 8 of a tournament share one.
    by_tournament: dict[str, list] = {}
    for event in _feed(events=200).events:
        by_tournament.setdefault(event.tournament_key, []).append(event)
    for fixtures in by_tournament.values():
        first_matchday = fixtures[:8]
        teams = [t for e in first_matchday for t in (e.home_team, e.away_team)]
        assert len(teams) == len(set(teams))


@pytest.mark.parametrize("rate", [0.03, 0.1, 0.3])
def test_measured_change_rate_is_close_to_the_requested_one(rate):
    changed, compared = _changes(_feed(change_rate=rate), rounds=50)

    assert compared > 20 * 8 * 3 * 49 * 0.95
    assert rate * 0.7 <= changed / compared <= rate * 1.3


def test_change_rate_holds_far_from_the_start():
    changed, compared = _changes(_feed(seed=3), rounds=50, first=5000)

    assert 0.03 * 0.7 <= changed / compared <= 0.03 * 1.3


def test_change_rate_one_moves_every_market_every_round():
    # 140 rounds cross the forced changes at epoch boundaries (every 64 rounds) twice.
    feed = _feed(events=6, bookmakers=4, change_rate=1.0, suspend_rate=0, withdraw_rate=0)
    changed, compared = _changes(feed, rounds=140)

    assert feed.epoch_length == 64
    assert compared == 6 * 4 * 3 * 139
    assert changed == compared


def test_change_rate_zero_moves_nothing():
    feed = _feed(change_rate=0.0, suspend_rate=0, withdraw_rate=0)
    changed, compared = _changes(feed, rounds=50)

    assert compared == 20 * 8 * 3 * 49
    assert changed == 0
    assert _prices(feed.round_captures(10**7)) == _prices(feed.round_captures(0))


def test_change_rate_zero_still_suspends_and_withdraws_without_moving_prices():
    feed = _feed(change_rate=0.0, suspend_rate=0.05, withdraw_rate=0.05)
    changed, compared = _changes(feed, rounds=20)
    statuses = Counter(
        o.status for c in feed.iter_rounds(0, 20) for m in c.markets for o in m.outcomes
    )

    assert changed == 0
    assert compared < 20 * 8 * 3 * 19  # some markets were missing from a round
    assert statuses[SUSPENDED] > 0


def test_suspensions_and_withdrawals_come_at_their_rates():
    feed = _feed(events=30, bookmakers=8, suspend_rate=0.02, withdraw_rate=0.03)
    rounds = 40
    captures = list(feed.iter_rounds(0, rounds))
    present = sum(len(c.markets) for c in captures)
    outcomes = [o for c in captures for m in c.markets for o in m.outcomes]
    withdrawn = 1 - present / feed.count_observations(rounds)
    suspended = sum(o.status == SUSPENDED for o in outcomes) / len(outcomes)

    assert 0.03 * 0.7 <= withdrawn <= 0.03 * 1.3
    assert 0.02 * 0.7 <= suspended <= 0.02 * 1.3
    # The feed always reports all its market keys, so a missing market is gone.
    assert all(c.scope == frozenset(MARKET_KEYS) for c in captures)


def test_suspensions_and_withdrawals_never_move_a_price():
    disrupted = _feed(suspend_rate=0.05, withdraw_rate=0.05)
    calm = _feed(suspend_rate=0, withdraw_rate=0)
    for round_index in range(0, 30):
        seen = _prices(disrupted.round_captures(round_index))
        expected = _prices(calm.round_captures(round_index))
        assert len(seen) < len(expected)
        assert seen == {key: expected[key] for key in seen}


def test_no_suspension_or_withdrawal_when_their_rates_are_zero():
    feed = _feed(suspend_rate=0, withdraw_rate=0)
    captures = list(feed.iter_rounds(0, 30))

    assert all(len(c.markets) == 3 for c in captures)
    assert all(o.status == OPEN for c in captures for m in c.markets for o in m.outcomes)


def test_iter_rounds_is_rounds_in_order_and_observations_are_counted():
    feed = _feed(events=4, bookmakers=3, markets=("h2h", "totals"))
    captures = list(feed.iter_rounds(2, 3))

    assert captures == [*feed.round_captures(2), *feed.round_captures(3), *feed.round_captures(4)]
    assert feed.count_observations(3) == 4 * 3 * 2 * 3
    assert {m.key for c in captures for m in c.markets} <= {"h2h", "totals"}
    assert captures[0].scope == frozenset({"h2h", "totals"})
    assert list(feed.iter_rounds(5, 0)) == []


def test_describe_is_json_and_replays_the_feed():
    feed = _feed(events=3, bookmakers=2, change_rate=0.2, markets=("spreads",))
    described = json.loads(json.dumps(feed.describe()))

    assert described == {
        "source": "simulated",
        "seed": 7,
        "events": 3,
        "bookmakers": 2,
        "change_rate": 0.2,
        "start": "2025-03-01T09:30:00+00:00",
        "interval_seconds": 300.0,
        "markets": ["spreads"],
        "suspend_rate": 0.002,
        "withdraw_rate": 0.001,
    }
    replay = SimulatedFeed(
        seed=described["seed"],
        events=described["events"],
        bookmakers=described["bookmakers"],
        change_rate=described["change_rate"],
        start=datetime.fromisoformat(described["start"]),
        interval=timedelta(seconds=described["interval_seconds"]),
        markets=tuple(described["markets"]),
        suspend_rate=described["suspend_rate"],
        withdraw_rate=described["withdraw_rate"],
    )
    assert list(replay.iter_rounds(0, 5)) == list(feed.iter_rounds(0, 5))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"seed": "1"}, r"seed must be an integer"),
        ({"seed": True}, r"seed must be an integer"),
        ({"events": 0}, r"events must be an integer from 1 to 100000, got 0"),
        ({"events": 2.5}, r"events must be an integer from 1 to 100000"),
        ({"bookmakers": 1001}, r"bookmakers must be an integer from 1 to 1000, got 1001"),
        ({"change_rate": 1.5}, r"change_rate must be a number from 0 to 1"),
        ({"change_rate": -0.1}, r"change_rate must be a number from 0 to 1"),
        ({"change_rate": float("nan")}, r"change_rate must be a number from 0 to 1"),
        ({"suspend_rate": "0.1"}, r"suspend_rate must be a number from 0 to 1"),
        ({"withdraw_rate": 2}, r"withdraw_rate must be a number from 0 to 1"),
        ({"start": datetime(2025, 1, 1)}, r"start must be a timezone-aware datetime"),
        ({"start": "2025-01-01"}, r"start must be a timezone-aware datetime"),
        ({"interval": timedelta(0)}, r"interval must be a positive timedelta"),
        ({"interval": 300}, r"interval must be a positive timedelta"),
        ({"markets": ()}, r"markets must be a non-empty tuple .* from h2h, totals, spreads"),
        ({"markets": ("h2h", "btts")}, r"markets must be .* from h2h, totals, spreads"),
        ({"markets": ("h2h", "h2h")}, r"markets must be a non-empty tuple of distinct"),
        ({"markets": "h2h"}, r"markets must be a non-empty tuple"),
        ({"events": 100_000, "bookmakers": 30}, r"events x bookmakers x markets must be at most"),
    ],
)
def test_bad_arguments_are_refused_with_the_argument_and_its_range(overrides, message):
    with pytest.raises(ValueError, match=message):
        _feed(**overrides)


def test_start_is_required():
    with pytest.raises(TypeError):
        SimulatedFeed()  # type: ignore[call-arg]


@pytest.mark.parametrize("bad", [-1, 1.0, "3", None])
def test_bad_round_indexes_are_refused(bad):
    feed = _feed(events=1, bookmakers=1)
    with pytest.raises(ValueError, match="round_index must be an integer of at least 0"):
        list(feed.round_captures(bad))
    with pytest.raises(ValueError, match="rounds must be an integer of at least 0"):
        feed.count_observations(bad)


def test_a_round_beyond_the_calendar_is_refused():
    feed = _feed(events=1, bookmakers=1, interval=timedelta(days=365))
    with pytest.raises(ValueError, match="round_index 9000 is past the last representable time"):
        feed.captured_at(9000)
