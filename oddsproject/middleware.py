"""Request checks that apply to every page."""

from __future__ import annotations

import zoneinfo

from django.http import HttpResponseBadRequest
from django.utils import timezone

from odds.admin import odds_style


class RejectNulBytesMiddleware:
    """PostgreSQL text cannot hold a NUL byte: a query parameter carrying one (a typo, a
    forged link) would fail deep inside a query as a 500. Answer 400 up front instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in "".join(values) for key, values in request.GET.lists()):
            return HttpResponseBadRequest(
                "A query parameter of this URL contains a NUL byte (%00): remove it.",
                content_type="text/plain",
            )
        return self.get_response(request)


class ViewerPreferencesMiddleware:
    """The viewer's odds style and time zone, from the cookies the admin's toggle sets:
    prices and times on every page follow them. An unknown value falls back to decimal
    odds and the server's time zone rather than failing the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        odds_style.activate(request.COOKIES.get(odds_style.STYLE_COOKIE, ""))
        zone = _zone(request.COOKIES.get(odds_style.ZONE_COOKIE, ""))
        if zone is not None:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            odds_style.activate(odds_style.DECIMAL)
            timezone.deactivate()


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # "America" is a folder
        return None
