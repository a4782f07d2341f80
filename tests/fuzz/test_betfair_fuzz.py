"""Betfair stream files under fuzzing: any lines give Captures and Problems (or one
SourceError for an unreadable file), never a crash, and bad lines never lose the others.

Valid messages follow the hand-made fixtures (tests/fixtures/betfair), themselves in
the shape of the real BASIC file (../shared/data/betfair).
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from scraping.sources.betfair import capture_times, parse_file

from .support import drain, fuzz, mutated, to_json, written

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "betfair"
MESSAGES = [
    json.loads(line)
    for name in ("ADVANCED-1.200000001", "PRO-1.200000002", "PRO-1.200000003")
    for line in (FIXTURES / name).read_text().splitlines()
    if line.endswith("}")
]


# A fresh copy per draw (mutated() edits it in place; a mapped sampled_from may hand the
# same object out again).
fresh = st.integers(0, len(MESSAGES) - 1).map(lambda i: json.loads(json.dumps(MESSAGES[i])))


@st.composite
def messages(draw):
    return draw(mutated(fresh))


def _with_ltp(ltp: float) -> dict:
    message = json.loads(json.dumps(MESSAGES[1]))
    message["mc"][0]["rc"][0]["ltp"] = ltp
    return message


@fuzz(200)
@example(lines=[MESSAGES[0], _with_ltp(1e300)], interval_ms=0)  # found: ltp too large to round
@given(
    st.lists(fresh | messages(), min_size=1, max_size=8),
    st.sampled_from([0, 1000]),
)
def test_mutated_messages_never_crash(lines, interval_ms):
    text = "\n".join(to_json(m) for m in lines) + "\n"
    with written(text, name="1.200000009") as path:
        _, _, error = drain(parse_file(path, interval_ms=interval_ms))
        assert error is None
        capture_times(path)


@fuzz(100)
@given(st.binary(max_size=600))
def test_any_bytes_give_problems_or_a_source_error(content):
    with written(content, name="1.200000010") as path:
        drain(parse_file(path))
        capture_times(path)
