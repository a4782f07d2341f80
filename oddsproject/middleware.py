"""Request checks that apply to every page."""

from __future__ import annotations

from django.http import HttpResponseBadRequest


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
