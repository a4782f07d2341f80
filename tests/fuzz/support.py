"""What every fuzz test shares: the settings, JSON-like values, and the adapter contract.

Settings: ``derandomize=True`` (examples drawn from a seed derived from each test's
name) with no example database. CI then runs the same examples on every run and every
machine, so a red build is reproducible and never flaky, and nothing is written into
``.hypothesis/``. The cost is that CI never explores new inputs; explore locally with
``ODDS_FUZZ_RANDOM=1`` (fresh random examples) and ``ODDS_FUZZ_SCALE=20`` (twenty times
the examples), and keep any failure found as an ``@example``.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from odds.captures import OPEN, SUSPENDED, Capture, Problem
from odds.ingest.validation import validate_capture
from odds.prices import canonical
from scraping.sources.base import SourceError

SNAKE = re.compile(r"^[a-z0-9_]+$")
_SCALE = max(1, int(os.environ.get("ODDS_FUZZ_SCALE", "1")))
_RANDOM = os.environ.get("ODDS_FUZZ_RANDOM", "") not in ("", "0")


def fuzz(max_examples: int) -> settings:
    """Settings for one fuzz test: deterministic, no deadline (CI machines stall)."""
    return settings(
        max_examples=max_examples * _SCALE,
        derandomize=not _RANDOM,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- values ----------------------------------------------------------------------------

text_values = (
    st.text(max_size=12)
    | st.text(st.characters(codec=None, categories=["Cs", "Cc", "Zs", "Mn"]), max_size=4)
    | st.sampled_from(
        [
            *("", " ", "-", "Draw", "Over", "nan", "NaN", "inf", "-0", "1e999", "\ufeff"),
            *("\u0000", "\ud800", "a\udc00", "\U0001f600", "\\u0000", "\\ud800"),
        ]
    )
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.decimals(allow_nan=True, allow_infinity=True)
    | text_values
)
json_like = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(text_values, children, max_size=4)
    ),
    max_leaves=12,
)


@contextmanager
def written(content: bytes | str, *, name: str):
    """A temporary file holding ``content`` (hypothesis cannot share pytest's tmp_path)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8", errors="surrogatepass")
        else:
            path.write_bytes(content)
        yield path


# --- the contract ----------------------------------------------------------------------


def drain(
    items: Iterable, *, stored: bool = True
) -> tuple[list[Capture], list[Problem], SourceError | None]:
    """Every item an adapter yields, split; SourceError is the only exception allowed.

    Items yielded before a SourceError are kept: a streaming adapter may fail late.
    ``stored``: the input came through the adapter's own loader (a file, an HTTP body),
    so no text may hold NUL or a lone surrogate, which PostgreSQL cannot store. Python
    values handed straight to ``parse_events``/``parse_records`` are the caller's to clean.
    """
    captures: list[Capture] = []
    problems: list[Problem] = []
    try:
        for item in items:
            if isinstance(item, Capture):
                captures.append(item)
            elif isinstance(item, Problem):
                problems.append(item)
            else:
                raise AssertionError(f"an adapter yielded {item!r}, not a Capture or Problem")
    except SourceError as error:
        check_source_error(error)
        for item in (*problems, *captures):
            (check_problem if isinstance(item, Problem) else check_capture)(item, stored=stored)
        return captures, problems, error
    for problem in problems:
        check_problem(problem, stored=stored)
    for capture in captures:
        check_capture(capture, stored=stored)
    return captures, problems, None


def storable(value: object) -> str:
    """JSON as the runner stores a ScrapeError's context: DjangoJSONEncoder into jsonb,
    which refuses NaN and infinities."""
    return json.dumps(value, cls=DjangoJSONEncoder, allow_nan=False)


# What PostgreSQL text and jsonb refuse: NUL and lone surrogates (psycopg cannot encode them).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable_strings(*values: object) -> None:
    """Every string in ``values`` (nested in dicts and lists too) is one PostgreSQL stores:
    one NUL or lone surrogate in a team name or a Problem fails the whole import."""
    for value in values:
        if isinstance(value, str):
            assert not _UNSTORABLE.search(value), value
        elif isinstance(value, dict):
            storable_strings(*value.keys(), *value.values())
        elif isinstance(value, list | tuple):
            storable_strings(*value)


def check_source_error(error: SourceError) -> None:
    assert SNAKE.match(error.error_type), error.error_type
    assert isinstance(error.message, str) and error.message.strip()
    assert isinstance(error.context, dict)
    storable(error.context)
    storable_strings(error.message, error.context)


def check_problem(problem: Problem, *, stored: bool = True) -> None:
    assert SNAKE.match(problem.error_type), problem.error_type
    assert isinstance(problem.message, str) and problem.message.strip(), problem
    assert isinstance(problem.context, dict), problem
    storable(problem.context)
    assert problem.bookmaker_key is None or SNAKE.match(problem.bookmaker_key)
    if stored:
        storable_strings(problem.message, problem.context)


def _utc(moment) -> bool:
    return moment.tzinfo is not None and moment.utcoffset() == timedelta(0)


def check_capture(capture: Capture, *, stored: bool = True) -> None:
    problem = validate_capture(capture)
    if problem is not None and problem.error_type == "value_too_long":
        # Lengths are the write path's to check (from the model fields, in one place): the
        # capture becomes a Problem there and the rest of its file is stored.
        problem = None
    if stored:
        assert problem is None, problem
    else:
        # Python values handed straight to an adapter are not cleaned of what PostgreSQL
        # refuses; the write path's last guard turns such a capture into a Problem.
        assert problem is None or "NUL or an unpaired surrogate" in problem.message, problem
    assert _utc(capture.captured_at), capture.captured_at
    assert _utc(capture.event.commence_time), capture.event.commence_time
    assert capture.source_updated_at is None or _utc(capture.source_updated_at)
    assert SNAKE.match(capture.bookmaker.key), capture.bookmaker.key
    assert SNAKE.match(capture.event.sport_key), capture.event.sport_key
    if capture.event.kind == "match":
        assert capture.event.home_team.strip() and capture.event.away_team.strip()
    else:  # races and outrights: a title and competitors instead of teams
        assert capture.event.name.strip(), capture.event
    for market in capture.markets:
        for outcome in market.outcomes:
            assert all(SNAKE.match(k) and isinstance(v, str) for k, v in outcome.extra), outcome
    identities = [market.identity for market in capture.markets]
    assert len(set(identities)) == len(identities), identities
    for market in capture.markets:
        assert SNAKE.match(market.key) and SNAKE.match(market.period), market
        assert market.line is None or (isinstance(market.line, Decimal) and market.line.is_finite())
        names = [outcome.name for outcome in market.outcomes]
        assert market.outcomes and len(set(names)) == len(names), market
        for outcome in market.outcomes:
            assert isinstance(outcome.name, str) and outcome.name, market
            assert outcome.status in (OPEN, SUSPENDED), outcome
            assert isinstance(outcome.price, Decimal) and outcome.price > 1, outcome
            # Canonical: the very digits canonical() writes, not merely an equal value.
            assert str(outcome.price) == str(canonical(outcome.price)), outcome
    # The write path stores raw with json.dumps(default=str) into jsonb (--store-raw).
    json.dumps(capture.raw, default=str, allow_nan=False)
    if stored:
        event, book = capture.event, capture.bookmaker
        storable_strings(
            capture.raw,
            *(event.source_event_id, event.tournament_key, event.tournament_name),
            *(event.home_team, event.away_team, event.country, book.name),
            *(capture.external_event_id, capture.event_url),
            *(o.name for m in capture.markets for o in m.outcomes),
            event.title,
            *(c.name for c in event.competitors),
        )


def finite(value: float) -> bool:
    return isinstance(value, float) and math.isfinite(value)


# --- plausible but wrong -----------------------------------------------------------------

# What a field is most likely to be replaced by when a feed goes wrong.
odd_values = st.sampled_from(
    [
        None,
        True,
        0,
        -1,
        1,
        1.0,
        -0.0,
        float("nan"),
        float("inf"),
        -float("inf"),
        1e308,
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("-Infinity"),
        Decimal("1E+999999"),
        Decimal("1.00001"),
        Decimal("-1E-999999"),
        10**40,
        "",
        " ",
        "-",
        "NaN",
        "1,5",
        "2.5.1",
        "\u0661\u066b\u0665",  # Arabic-Indic 1.5
        "Draw",
        "2024-02-30T25:61:00Z",
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+23:59",
        "x" * 300,
        "\u0000",
        [],
        {},
        [None],
        {"": None},
    ]
)


def _paths(value, prefix=()):
    """Every (path, container) inside a JSON document, the document itself first."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


def _at(document, path):
    for step in path:
        document = document[step]
    return document


@st.composite
def mutated(draw, documents: st.SearchStrategy, *, max_mutations: int = 3):
    """A valid document with a few fields removed, retyped, renamed, emptied or repeated."""
    document = draw(documents)
    for _ in range(draw(st.integers(min_value=1, max_value=max_mutations))):
        paths = list(_paths(document))
        path = draw(st.sampled_from(paths))
        if not path:
            continue
        parent, step = _at(document, path[:-1]), path[-1]
        action = draw(
            st.sampled_from(["delete", "odd", "any", "rename", "empty", "repeat", "wrap"])
        )
        if action == "delete":
            del parent[step]
        elif action == "odd":  # a copy: odd_values' lists and dicts are shared objects
            parent[step] = _copy(draw(odd_values))
        elif action == "any":
            parent[step] = _copy(draw(json_like))
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(text_values)] = parent.pop(step)
        elif action == "empty":
            old = parent[step]
            parent[step] = type(old)() if isinstance(old, list | dict | str) else None
        elif action == "repeat" and isinstance(parent, list):
            parent.insert(step, _copy(parent[step]))
        elif action == "wrap":
            parent[step] = [parent[step]]
    return document


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def to_json(document) -> str:
    """A document as a file holds it: Decimals as numbers, NaN as the NaN literal."""

    def number(value):
        if isinstance(value, Decimal):
            return float("nan") if value.is_snan() else float(value)
        raise TypeError(value)

    return json.dumps(document, default=number)
