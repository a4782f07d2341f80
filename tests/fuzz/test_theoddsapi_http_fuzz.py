"""The Odds API over HTTP under fuzzing: any answer gives items or SourceError.

The transport is httpx.MockTransport serving generated answers: any status, any body
(valid odds lists from the file fuzzer's strategies, broken JSON, random bytes) and any
quota or Retry-After header. Sleeping is recorded, not done.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
from hypothesis import example, given
from hypothesis import strategies as st

from scraping.sources.base import SourceError
from scraping.sources.theoddsapi import TheOddsApiClient, scrape_odds

from .support import check_source_error, drain, fuzz, json_like, mutated, to_json
from .test_theoddsapi_fuzz import events

SECRET = "k3y-s3cr3t-fuzz-0dds-api-9876"
NOW = datetime(2024, 3, 9, 12, tzinfo=UTC)
HEADER_VALUES = st.sampled_from(
    ["487", "0", "-3", "1.5", "1e999999999", "NaN", "inf", "", "x", "12" * 40, "٣"]
) | st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
RETRY_AFTER = HEADER_VALUES | st.sampled_from(
    ["Wed, 21 Oct 2015 07:28:00 GMT", "Mon, 99 Foo 2015 99:99:99 GMT", "1e308", "-1", "nan"]
)
BODIES = (
    events().map(lambda e: to_json(e).encode())
    | mutated(events(max_events=2)).map(lambda e: to_json(e).encode())
    | json_like.map(lambda v: json.dumps(v, default=str).encode())
    | st.binary(max_size=200)
    | st.sampled_from(
        [
            b"",
            b"[" * 5000,
            b"[1" + b"0" * 5000 + b"]",
            b'{"message": "Usage quota has been reached", "error_code": NaN}',
            b'[{"id": "a\\u0000", "sport_key": "soccer_epl"}]',
            "[]".encode("utf-16"),
        ]
    )
)


def _answers(draw_status, body, headers):
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(draw_status, content=body, headers=headers)

    return answer


@fuzz(150)
@given(
    status=st.sampled_from([200, 200, 200, 204, 301, 400, 401, 404, 422, 429, 500, 503]),
    body=BODIES,
    remaining=HEADER_VALUES,
    retry_after=st.none() | RETRY_AFTER,
)
@example(  # found: int() of a quota header of 1e999999999 would build a huge integer
    status=200, body=b"[]", remaining="1e999999999", retry_after=None
)
@example(status=200, body=b"[" * 5000, remaining="1", retry_after=None)  # found: RecursionError
@example(status=200, body=b"[1" + b"0" * 5000 + b"]", remaining="1", retry_after=None)
def test_any_answer_gives_items_or_a_source_error(status, body, remaining, retry_after):
    # Bytes: a server may send any, and httpx refuses non-ASCII str header values.
    headers = {"x-requests-remaining": remaining.encode(), "x-requests-used": b"1"}
    if retry_after is not None:
        headers["retry-after"] = retry_after.encode()
    delays: list[float] = []
    client = TheOddsApiClient(
        SECRET,
        transport=httpx.MockTransport(_answers(status, body, headers)),
        sleep=delays.append,
        now=lambda: NOW,
        max_retries=2,
    )
    try:
        items, stats = scrape_odds(client, sport="soccer_epl", regions=["eu"], markets=["h2h"])
    except SourceError as error:
        check_source_error(error)
        assert SECRET not in error.message and SECRET not in json.dumps(error.context)
        return
    finally:
        client.close()
    drain(iter(items))
    json.dumps(stats, allow_nan=False)
    assert all(isinstance(v, int) and abs(v) < 10**18 for v in stats["quota"].values())
    assert all(0 <= delay <= client.max_delay_seconds for delay in delays)
