"""The simulated feed: every round a pure function of (seed, parameters, round).

Whatever the seed, size and rates, a round computed by a fresh feed, or by a feed that
already computed other rounds in any order (its memos warm), is the same, and every
capture passes the adapter contract (support.check_capture).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from scraping.sources.simulated import MARKET_KEYS, SimulatedFeed

from .support import check_capture, fuzz

START = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


@st.composite
def feeds(draw) -> dict:
    """SimulatedFeed's keyword arguments: any seed, small sizes, any rates."""
    rate = st.sampled_from([0.0, 1.0, 0.03]) | st.floats(min_value=0.0, max_value=1.0)
    return {
        "seed": draw(st.integers(min_value=-(2**70), max_value=2**70)),
        "events": draw(st.integers(min_value=1, max_value=8)),
        "bookmakers": draw(st.integers(min_value=1, max_value=4)),
        "change_rate": draw(rate),
        "suspend_rate": draw(st.sampled_from([0.0, 0.002]) | rate),
        "withdraw_rate": draw(st.sampled_from([0.0, 0.001]) | rate),
        "markets": tuple(
            draw(st.lists(st.sampled_from(MARKET_KEYS), min_size=1, max_size=3, unique=True))
        ),
        # Up to an hour: 10**6 rounds then end in 2139, well inside datetime's range.
        "interval": timedelta(seconds=draw(st.integers(min_value=1, max_value=3_600))),
        "start": START + timedelta(minutes=draw(st.integers(min_value=0, max_value=10**6))),
    }


rounds = st.integers(min_value=0, max_value=5_000) | st.integers(min_value=0, max_value=10**6)


@fuzz(60)
@given(parameters=feeds(), wanted=st.lists(rounds, min_size=1, max_size=4), data=st.data())
@example(
    parameters={
        "seed": 0,
        "events": 3,
        "bookmakers": 2,
        "change_rate": 1.0,
        "suspend_rate": 1.0,
        "withdraw_rate": 0.0,
        "markets": MARKET_KEYS,
        "interval": timedelta(minutes=5),
        "start": START,
    },
    wanted=[0, 1, 0],
    data=None,
)
@example(  # found: a rate of 1e-310 made a gap of infinity rounds, and int() raised
    parameters={
        "seed": 0,
        "events": 1,
        "bookmakers": 1,
        "change_rate": 0.0,
        "suspend_rate": 0.0,
        "withdraw_rate": 2.225073858507e-311,
        "markets": ("h2h",),
        "interval": timedelta(seconds=1),
        "start": START,
    },
    wanted=[0],
    data=None,
)
def test_a_round_is_the_same_in_any_order_and_from_a_fresh_feed(parameters, wanted, data):
    warm = SimulatedFeed(**parameters)
    # Warm the memos with other rounds first, in an order of their own.
    others = data.draw(st.lists(rounds, max_size=4)) if data is not None else [5, 2]
    for round_index in others:
        list(warm.round_captures(round_index))
    for round_index in wanted:
        fresh = list(SimulatedFeed(**parameters).round_captures(round_index))
        assert list(warm.round_captures(round_index)) == fresh
        _check_round(parameters, round_index, fresh)


def _check_round(parameters: dict, round_index: int, captures: list) -> None:
    expected_time = parameters["start"] + round_index * parameters["interval"]
    assert len(captures) == parameters["events"] * parameters["bookmakers"]
    assert {c.captured_at for c in captures} == {expected_time.astimezone(UTC)}
    pairs = {(c.event.source_event_id, c.bookmaker.key) for c in captures}
    assert len(pairs) == len(captures)  # one capture per (event, bookmaker)
    for capture in captures:
        check_capture(capture)
        assert capture.scope == frozenset(parameters["markets"])
        assert {m.key for m in capture.markets} <= set(parameters["markets"])
        assert capture.source_updated_at is None or capture.source_updated_at <= expected_time


@fuzz(40)
@given(parameters=feeds(), first=rounds, count=st.integers(min_value=0, max_value=4))
def test_iter_rounds_is_its_rounds_one_after_another(parameters, first, count):
    feed = SimulatedFeed(**parameters)
    fresh = SimulatedFeed(**parameters)
    expected = [c for r in range(first, first + count) for c in fresh.round_captures(r)]

    assert list(feed.iter_rounds(first, count)) == expected
    assert feed.count_observations(count) == (
        parameters["events"] * parameters["bookmakers"] * len(parameters["markets"]) * count
    )


@fuzz(40)
@given(parameters=feeds(), round_index=rounds)
def test_the_events_and_bookmakers_do_not_depend_on_the_round_or_the_rates(parameters, round_index):
    feed = SimulatedFeed(**parameters)
    still = SimulatedFeed(**{**parameters, "change_rate": 0.0, "suspend_rate": 0.0})
    list(feed.round_captures(round_index))

    assert feed.events == still.events
    assert [b.ref for b in feed.bookmakers] == [b.ref for b in still.bookmakers]
    assert {c.event for c in feed.round_captures(round_index)} == set(feed.events)
