"""The Odds API v4 over HTTP: fetch one sport's odds, with retries, without leaking the key.

The API takes its key as the ``apiKey`` query parameter, and httpx writes full request
URLs into its log records, exception objects and ``Request`` reprs. So the key is
added by a wrapping transport just before the request leaves, and every URL this
module reports (log, SourceError, :class:`OddsResponse`) is built without it.
"""

from __future__ import annotations

import logging
import re
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings

from scraping.sources.base import Item, SourceError
from scraping.sources.theoddsapi import answers
from scraping.sources.theoddsapi.events import parse_events
from scraping.sources.theoddsapi.problems import located
from scraping.sources.theoddsapi.tables import scope_for

logger = logging.getLogger(__name__)

_KEY_PARAM = "apiKey"
_KEY_IN_URL = re.compile(r"(apiKey=)[^&\s'\"]*", re.IGNORECASE)
_HINTS = {
    401: "check ODDS_API_KEY: the key is missing, wrong or expired",
    429: "the request rate or the monthly quota is used up; wait or raise the plan",
}


@dataclass(frozen=True, slots=True)
class OddsResponse:
    """One successful odds request: the events and what the API said about it."""

    events: list
    received_at: datetime  # when the response arrived (UTC): the capture time
    quota: dict[str, int]
    url: str  # without the API key
    attempts: int


class _KeyedTransport(httpx.BaseTransport):
    """Adds ``apiKey`` on the way out, so no httpx object the caller sees holds it."""

    def __init__(self, inner: httpx.BaseTransport, api_key: str):
        self._inner = inner
        self._api_key = api_key

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        keyed = httpx.Request(
            request.method,
            request.url.copy_merge_params({_KEY_PARAM: self._api_key}),
            headers=request.headers,
            stream=request.stream,
            extensions=request.extensions,
        )
        return self._inner.handle_request(keyed)

    def close(self) -> None:
        self._inner.close()

    def __repr__(self) -> str:
        return f"<_KeyedTransport {self._inner!r}>"


class TheOddsApiClient:
    """A small client for ``/v4/sports/{sport}/odds``; retries 429, 5xx and network errors."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        max_retries: int = 3,
        backoff_seconds: float = 1.0,
        max_delay_seconds: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 20.0,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        if not isinstance(api_key, str) or not api_key.strip():
            raise SourceError(
                "missing_api_key",
                "Set ODDS_API_KEY to your The Odds API key (get one at "
                "https://the-odds-api.com); no request was made",
                {"base_url": base_url},
            )
        self._api_key = api_key.strip()
        # The default lives in settings only (ODDS_API_BASE_URL).
        self.base_url = (base_url or settings.ODDS_API_BASE_URL).rstrip("/")
        self.max_retries = max_retries
        self.backoff_seconds = backoff_seconds
        self.max_delay_seconds = max_delay_seconds
        self._sleep = sleep
        self._now = now
        inner = transport if transport is not None else _default_transport(self.base_url)
        # trust_env would only matter without a transport; proxies are set in _default_transport.
        self._http = httpx.Client(
            transport=_KeyedTransport(inner, self._api_key), timeout=timeout, trust_env=False
        )

    def __repr__(self) -> str:
        return f"TheOddsApiClient(base_url={self.base_url!r}, api_key=<hidden>)"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TheOddsApiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fetch_odds(
        self,
        *,
        sport: str,
        regions: list[str],
        markets: list[str],
        odds_format: str = "decimal",
        bookmakers: list[str] | None = None,
    ) -> OddsResponse:
        """GET one sport's odds; SourceError when the API refuses or cannot be reached."""
        params = {
            "regions": ",".join(regions),
            "markets": ",".join(markets),
            "oddsFormat": odds_format,
            "dateFormat": "iso",
        }
        if bookmakers:
            params["bookmakers"] = ",".join(bookmakers)
        url = str(
            httpx.URL(f"{self.base_url}/v4/sports/{quote(sport, safe='')}/odds", params=params)
        )
        response, attempts = self._get_with_retries(url)
        received_at = self._now()
        quota = answers.quota(response.headers)
        if not response.is_success:
            raise self._http_error(response, url, attempts, quota)
        events = answers.json_body(response, url)
        if not isinstance(events, list):
            raise SourceError(
                "unknown_format",
                located(
                    f"The Odds API answered with a JSON {type(events).__name__}, "
                    "not a list of events",
                    url,
                ),
                {"url": url, "attempts": attempts, "quota": quota},
            )
        logger.info(
            "The Odds API %s: %d events after %d attempt(s), %s requests remaining",
            url,
            len(events),
            attempts,
            quota.get("x-requests-remaining", "?"),
        )
        return OddsResponse(events, received_at, quota, url, attempts)

    def _get_with_retries(self, url: str) -> tuple[httpx.Response, int]:
        """The last response (maybe an error) and how many attempts it took."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._http.get(url)
            except httpx.TransportError as exc:
                detail = self._redact(f"{type(exc).__name__}: {exc}")
                if attempt > self.max_retries:
                    raise SourceError(
                        "network_error",
                        located(
                            f"cannot reach The Odds API after {attempt} attempt(s): {detail}", url
                        ),
                        {"url": url, "attempts": attempt, "error": detail},
                    ) from None
                self._wait(attempt, None, url, detail)
                continue
            except httpx.HTTPError as exc:  # a broken body or redirect loop: retrying won't help
                detail = self._redact(f"{type(exc).__name__}: {exc}")
                raise SourceError(
                    "network_error",
                    located(f"The Odds API answer could not be read: {detail}", url),
                    {"url": url, "attempts": attempt, "error": detail},
                ) from None
            retryable = response.status_code == 429 or response.status_code >= 500
            if not retryable or attempt > self.max_retries:
                return response, attempt
            retry_after = answers.retry_after(response.headers.get("retry-after"), self._now())
            if retry_after is not None and retry_after > self.max_delay_seconds:
                return response, attempt  # waiting that long belongs to the next scheduled run
            self._wait(attempt, retry_after, url, f"HTTP {response.status_code}")

    def _wait(self, attempt: int, retry_after: float | None, url: str, why: str) -> None:
        delay = (
            retry_after if retry_after is not None else self.backoff_seconds * 2 ** (attempt - 1)
        )
        delay = min(max(delay, 0.0), self.max_delay_seconds)
        logger.warning(
            "The Odds API %s failed (%s), attempt %d of %d; retrying in %.1fs",
            url,
            why,
            attempt,
            self.max_retries + 1,
            delay,
        )
        self._sleep(delay)

    def _http_error(
        self, response: httpx.Response, url: str, attempts: int, quota: dict
    ) -> SourceError:
        status = response.status_code
        body = answers.error_body(response)
        api_message = self._redact(str(body.get("message") or response.reason_phrase or ""))
        error_code = body.get("error_code")
        cause = f"The Odds API answered HTTP {status}"
        if api_message:
            cause += f": {api_message}"
        if error_code:
            cause += f" (error_code {error_code})"
        if hint := _HINTS.get(status):
            cause += f"; {hint}"
        message = located(cause, f"{url}, after {attempts} attempt(s)")
        context = {
            "status": status,
            "error_code": error_code,
            "api_message": api_message,
            "url": url,
            "attempts": attempts,
            "quota": quota,
        }
        if retry_after := response.headers.get("retry-after"):
            context["retry_after"] = retry_after
        return SourceError(f"http_{status}", self._redact(message), context)

    def _redact(self, text: str) -> str:
        # The key may also sit URL-encoded in a quoted URL, so blank any apiKey value too.
        return _KEY_IN_URL.sub(r"\1<hidden>", text.replace(self._api_key, "<hidden>"))


def scrape_odds(
    client: TheOddsApiClient,
    *,
    sport: str,
    regions: list[str],
    markets: list[str],
    odds_format: str = "decimal",
    bookmakers: list[str] | None = None,
) -> tuple[list[Item], dict[str, Any]]:
    """Fetch and parse one sport: (captures and problems, stats for the run record).

    The capture time is when the response arrived, and the scope is the (key, period)
    of each market asked for, so a bookmaker that stops offering one counts as gone,
    while markets not asked for are left alone.
    """
    response = client.fetch_odds(
        sport=sport,
        regions=regions,
        markets=markets,
        odds_format=odds_format,
        bookmakers=bookmakers,
    )
    items = list(
        parse_events(
            response.events,
            captured_at=response.received_at,
            odds_format=odds_format,
            scope=scope_for(markets),
            origin=response.url,
        )
    )
    stats = {
        "quota": response.quota,
        "url": response.url,
        "attempts": response.attempts,
        "received_at": response.received_at.isoformat(),
        "events": len(response.events),
    }
    return items, stats


def _default_transport(base_url: str) -> httpx.BaseTransport:
    """A real transport that still honours HTTPS_PROXY/NO_PROXY from the environment.

    httpx ignores the environment once a transport is given, and ours always is.
    """
    url = httpx.URL(base_url)
    proxies = urllib.request.getproxies()
    proxy = proxies.get(url.scheme) or proxies.get("all")
    if proxy and not urllib.request.proxy_bypass(url.host):
        return httpx.HTTPTransport(proxy=proxy)
    return httpx.HTTPTransport()
