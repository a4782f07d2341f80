"""What every workbench page shares: the permission, the error message, the writing of
prices, moves and times, and the links between the pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse

from odds.admin.workbench.params import WINDOW_LABELS

# The pages in the order the admin index and each page's tabs list them.
PAGES = (
    ("odds_dropping", "Dropping odds"),
    ("odds_movers", "Movers"),
    ("odds_arbitrage", "Arbitrage"),
    ("odds_best_grid", "Best prices grid"),
    ("odds_opening_closing", "Opening vs closing"),
)
# Pages about one event are reached from its page, not from the tabs of the others.
NEEDS_EVENT = frozenset({"odds_opening_closing"})
PERMISSION = "odds.view_event"


def render(
    request: HttpRequest,
    *,
    template: str,
    title: str,
    build: Callable[[Mapping[str, str]], dict],
    pickers: Callable[[], dict] = dict,
) -> TemplateResponse:
    """The page with what ``build`` made of the query; a parameter ``build`` (or the read
    API it calls) cannot use is a 400 page that names it and its fix, with the choices of
    the form (``pickers``) still there to correct it with."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    status, error = 200, None
    try:
        context = build(request.GET)
    except ValueError as exc:  # BadParameter, or the read API's own argument check
        status, error, context = 400, str(exc), pickers()
    context = {
        **admin.site.each_context(request),
        "title": title,
        "query": request.GET,
        "error": error,
        "window_choices": WINDOW_LABELS,
        "pages": [
            (reverse(name), text, text == title)
            for name, text in PAGES
            if name not in NEEDS_EVENT or text == title
        ],
        **context,
    }
    return TemplateResponse(request, template, context, status=status)


def move_percent(before: Decimal, after: Decimal) -> str:
    """after / before - 1 in percent, two places, signed: "-13.64 %"."""
    change = (Fraction(after) / Fraction(before) - 1) * 100
    value = (Decimal(change.numerator) / Decimal(change.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_EVEN
    )
    return f"{value:+} %"


def ratio_percent(value: Decimal | None) -> str:
    """A read-API ratio (6 places) in percent with two places: 0.036005 -> "3.60 %"."""
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_EVEN)} %"


def market_text(market_key: str, period: str, line: Decimal | None) -> str:
    parts = [market_key]
    if line is not None:
        parts.append(str(line))
    if period != "full_time":
        parts.append(period)
    return " ".join(parts)


def event_url(event_id: int) -> str:
    return reverse("admin:odds_event_change", args=[event_id])
