"""The header control where the viewer picks the odds style and time zone (cookies read by
``oddsproject.middleware.ViewerPreferencesMiddleware``)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from odds.admin import odds_style

register = template.Library()

STYLE_LABELS = {
    odds_style.DECIMAL: "Decimal (2.50)",
    odds_style.FRACTIONAL: "Fractional (3/2)",
    odds_style.AMERICAN: "American (+150)",
}
# Offered in the select; the browser's own zone (set once by preferences.js) or any other
# valid zone in the cookie is added when it is not one of these.
COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Istanbul",
    "Europe/Moscow",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Bangkok",
    "Asia/Singapore",
    "Asia/Hong_Kong",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "America/Mexico_City",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/New_York",
    "America/Toronto",
)


@register.inclusion_tag("admin/odds/viewer_preferences.html", takes_context=True)
def viewer_preferences(context) -> dict:
    request = context.get("request")
    zone = timezone.get_current_timezone_name()
    zones = COMMON_ZONES if zone in COMMON_ZONES else (zone, *COMMON_ZONES)
    return {
        "styles": [(style, STYLE_LABELS[style]) for style in odds_style.STYLES],
        "style": odds_style.active_style(),
        "zones": zones,
        "zone": zone,
        "zone_chosen": bool(request and request.COOKIES.get(odds_style.ZONE_COOKIE)),
        "style_cookie": odds_style.STYLE_COOKIE,
        "zone_cookie": odds_style.ZONE_COOKIE,
    }
