"""The Odds API over HTTP, against httpx.MockTransport serving recorded bodies."""

import json
import logging
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from odds.captures import Capture, Problem
from scraping.sources.base import SourceError
from scraping.sources.theoddsapi import TheOddsApiClient, scrape_odds

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "theoddsapi"
SECRET = "k3y-s3cr3t-0f-the-0dds-api-1234"
NOW = datetime(2022, 12, 27, 21, 41, 5, tzinfo=UTC)
QUOTA = {"x-requests-remaining": "487", "x-requests-used": "13", "x-requests-last": "3"}


class Server:
    """Serves queued (status, body, headers) answers and records what it was asked."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, body, headers = answer
        return httpx.Response(status, content=body, headers=headers)


def _client(server: Server, delays: list, **kwargs) -> TheOddsApiClient:
    return TheOddsApiClient(
        SECRET,
        transport=httpx.MockTransport(server),
        sleep=delays.append,
        now=lambda: NOW,
        **kwargs,
    )


def _fetch(client: TheOddsApiClient):
    return client.fetch_odds(
        sport="soccer_epl", regions=["us", "uk"], markets=["h2h", "spreads", "totals"]
    )


@pytest.fixture
def epl_body(shared_data) -> bytes:
    return (shared_data / "theoddsapi" / "soccer_epl.2022-12.json").read_bytes()


def _assert_no_secret(*things) -> None:
    for thing in things:
        assert SECRET not in (thing if isinstance(thing, str) else repr(thing))


def test_success_returns_events_quota_and_a_keyless_url(epl_body, caplog):
    caplog.set_level(logging.DEBUG)
    server = Server((200, epl_body, QUOTA))
    delays: list = []
    client = _client(server, delays)

    response = _fetch(client)

    assert len(response.events) == 22
    assert response.quota == {
        "x-requests-remaining": 487,
        "x-requests-used": 13,
        "x-requests-last": 3,
    }
    assert response.attempts == 1
    assert response.received_at == NOW
    assert delays == []
    (sent,) = server.requests
    assert sent.url.path == "/v4/sports/soccer_epl/odds"
    assert sent.url.params["apiKey"] == SECRET  # the key does reach the API
    assert sent.url.params["regions"] == "us,uk"
    assert sent.url.params["markets"] == "h2h,spreads,totals"
    assert sent.url.params["oddsFormat"] == "decimal"
    assert sent.url.params["dateFormat"] == "iso"
    assert "bookmakers" not in sent.url.params
    url = httpx.URL(response.url)
    assert url.host == "api.the-odds-api.com"
    assert "apiKey" not in url.params
    assert url.params["markets"] == "h2h,spreads,totals"
    _assert_no_secret(response, repr(client), caplog.text)
    assert any("soccer_epl" in r.getMessage() for r in caplog.records)  # httpx did log


def test_scrape_odds_parses_with_receive_time_and_requested_scope(epl_body):
    server = Server((200, epl_body, QUOTA))
    client = _client(server, [])

    items, stats = scrape_odds(
        client,
        sport="soccer_epl",
        regions=["us"],
        markets=["h2h", "h2h_lay", "spreads", "totals", "h2h_h1"],
        odds_format="american",
        bookmakers=["barstool", "betfair"],
    )

    captures = [i for i in items if isinstance(i, Capture)]
    assert [i for i in items if isinstance(i, Problem)] == []
    raw = json.loads(epl_body)
    assert len(captures) == sum(len(e["bookmakers"]) for e in raw) == 333
    assert {c.captured_at for c in captures} == {NOW}
    # Scope is what was asked for, per (key, period).
    assert {c.scope for c in captures} == {
        frozenset(
            {
                ("h2h", "full_time"),
                ("h2h_lay", "full_time"),
                ("spreads", "full_time"),
                ("totals", "full_time"),
                ("h2h", "first_half"),
            }
        )
    }
    scope = captures[0].market_scope
    assert scope.covers(("totals", "full_time", Decimal("2.5")))
    assert scope.covers(("h2h", "first_half", None))
    assert not scope.covers(("h2h", "second_half", None))
    assert not scope.covers(("btts", "full_time", None))
    assert server.requests[0].url.params["bookmakers"] == "barstool,betfair"
    assert server.requests[0].url.params["oddsFormat"] == "american"
    assert stats == {
        "quota": {"x-requests-remaining": 487, "x-requests-used": 13, "x-requests-last": 3},
        "url": stats["url"],
        "attempts": 1,
        "received_at": "2022-12-27T21:41:05+00:00",
        "events": 22,
    }
    assert "apiKey" not in stats["url"] and "soccer_epl" in stats["url"]
    barstool = next(
        c
        for c in captures
        if c.bookmaker.key == "barstool"
        and c.event.source_event_id == "c0b7e9f9418d9e6c9e7ad46b6e0f3352"
    )
    (totals,) = barstool.markets
    assert {o.name: o.price for o in totals.outcomes} == {
        "over": Decimal("2.12"),
        "under": Decimal("1.6757"),
    }
    assert barstool.raw["event_id"] == "c0b7e9f9418d9e6c9e7ad46b6e0f3352"
    _assert_no_secret(stats, items)


def test_decimal_body_stays_exact():
    body = (FIXTURES / "bad-prices-decimal.json").read_bytes()
    client = _client(Server((200, body, {})), [])
    items, stats = scrape_odds(
        client, sport="soccer_italy_serie_a", regions=["eu"], markets=["h2h", "totals"]
    )
    pinnacle = next(i for i in items if isinstance(i, Capture) and i.bookmaker.key == "pinnacle")
    totals = next(m for m in pinnacle.markets if m.key == "totals")
    assert str(totals.outcomes[0].price) == "2.15"
    assert stats["quota"] == {}
    assert sum(isinstance(i, Problem) for i in items) == 3  # the three bad prices


def test_429_then_200_retries_after_backoff(epl_body):
    limit = (FIXTURES / "error-freq-limit.json").read_bytes()
    server = Server((429, limit, {}), (200, epl_body, QUOTA))
    delays: list = []

    response = _fetch(_client(server, delays, backoff_seconds=1.5))

    assert response.attempts == 2
    assert len(server.requests) == 2
    assert delays == [1.5]
    assert len(response.events) == 22


def test_retry_after_header_is_honoured(epl_body):
    limit = (FIXTURES / "error-freq-limit.json").read_bytes()
    server = Server((429, limit, {"Retry-After": "7"}), (200, epl_body, QUOTA))
    delays: list = []
    assert _fetch(_client(server, delays)).attempts == 2
    assert delays == [7.0]


def test_retry_after_beyond_the_limit_fails_now():
    limit = (FIXTURES / "error-freq-limit.json").read_bytes()
    server = Server((429, limit, {"Retry-After": "3600", **QUOTA}))
    delays: list = []
    with pytest.raises(SourceError) as caught:
        _fetch(_client(server, delays))
    assert delays == []
    assert caught.value.error_type == "http_429"
    assert caught.value.context["retry_after"] == "3600"
    assert "EXCEEDED_FREQ_LIMIT" in caught.value.message


def test_500_every_time_fails_after_the_retries(caplog):
    caplog.set_level(logging.DEBUG)
    server = Server(*[(500, b"Internal Server Error", {})] * 4)
    delays: list = []
    client = _client(server, delays, max_retries=3)

    with pytest.raises(SourceError) as caught:
        _fetch(client)

    error = caught.value
    assert len(server.requests) == 4
    assert delays == [1.0, 2.0, 4.0]
    assert error.error_type == "http_500"
    assert error.context["status"] == 500
    assert error.context["attempts"] == 4
    assert "after 4 attempt(s)" in error.message
    assert "apiKey" not in error.context["url"]
    _assert_no_secret(str(error), error.message, json.dumps(error.context), caplog.text)
    assert "retrying in 4.0s" in caplog.text


def test_real_422_error_body_is_not_retried(shared_data):
    body = (shared_data / "theoddsapi" / "error-invalid-market-combo.json").read_bytes()
    server = Server((422, body, QUOTA))
    delays: list = []

    with pytest.raises(SourceError) as caught:
        _fetch(_client(server, delays))

    error = caught.value
    assert len(server.requests) == 1 and delays == []
    assert error.error_type == "http_422"
    assert error.context["error_code"] == "INVALID_MARKET_COMBO"
    assert error.context["quota"]["x-requests-remaining"] == 487
    assert "Invalid parameter combination" in error.message
    assert "INVALID_MARKET_COMBO" in error.message
    # Cause first, then where: lists cut a message after about 120 characters.
    assert error.message.startswith("The Odds API answered HTTP 422: Invalid parameter")
    assert error.message.endswith(f"{error.context['url']}, after 1 attempt(s)")
    _assert_no_secret(str(error), json.dumps(error.context))


def test_401_names_the_key_variable_without_showing_the_key(caplog):
    caplog.set_level(logging.DEBUG)
    body = (FIXTURES / "error-invalid-key.json").read_bytes()
    server = Server((401, body, {}))
    client = _client(server, [])

    with pytest.raises(SourceError) as caught:
        _fetch(client)

    error = caught.value
    assert len(server.requests) == 1
    assert error.error_type == "http_401"
    assert error.context["error_code"] == "INVALID_KEY"
    assert "API key is not valid" in error.message
    assert "ODDS_API_KEY" in error.message
    assert error.as_problem().fatal is True
    _assert_no_secret(str(error), json.dumps(error.context), repr(client), caplog.text)


def test_network_errors_are_retried_then_reported_without_the_key(caplog):
    caplog.set_level(logging.DEBUG)

    def refuse(request: httpx.Request) -> httpx.Response:
        # A real transport's message may quote the URL it tried: the keyed one.
        raise httpx.ConnectError(f"connection refused for {request.url}", request=request)

    delays: list = []
    client = TheOddsApiClient(
        SECRET, transport=httpx.MockTransport(refuse), sleep=delays.append, max_retries=2
    )
    with pytest.raises(SourceError) as caught:
        _fetch(client)

    error = caught.value
    assert error.error_type == "network_error"
    assert error.context["attempts"] == 3
    assert delays == [1.0, 2.0]
    assert "ConnectError" in error.message
    assert error.__cause__ is None and error.__suppress_context__
    _assert_no_secret(str(error), json.dumps(error.context), caplog.text)


def test_network_error_then_success(epl_body):
    server = Server(httpx.ReadTimeout("timed out"), (200, epl_body, QUOTA))
    delays: list = []
    response = _fetch(_client(server, delays))
    assert response.attempts == 2 and delays == [1.0]


@pytest.mark.parametrize("key", ["", "   ", None])
def test_missing_api_key_says_how_to_set_it(key):
    with pytest.raises(SourceError) as caught:
        TheOddsApiClient(key)
    assert caught.value.error_type == "missing_api_key"
    assert "Set ODDS_API_KEY" in caught.value.message


def test_client_repr_hides_the_key():
    client = TheOddsApiClient(SECRET, transport=httpx.MockTransport(Server()))
    assert "hidden" in repr(client)
    _assert_no_secret(repr(client), str(client))


def test_a_200_that_is_not_a_list_of_events_is_a_source_error():
    server = Server((200, b"<html>maintenance</html>", {}), (200, b'{"data": []}', {}))
    client = _client(server, [])
    with pytest.raises(SourceError) as caught:
        _fetch(client)
    assert caught.value.error_type == "bad_json"
    assert "not JSON" in caught.value.message
    with pytest.raises(SourceError) as caught:
        _fetch(client)
    assert caught.value.error_type == "unknown_format"
    _assert_no_secret(str(caught.value), json.dumps(caught.value.context))
