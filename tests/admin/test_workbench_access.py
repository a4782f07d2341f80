"""The workbench pages: staff only, linked from the admin index and the event page, and
a query parameter a page cannot use is a 400 page naming it and its fix, never a 500."""

from __future__ import annotations

from datetime import UTC
from html import unescape

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

PAGES = ["odds_dropping", "odds_movers", "odds_arbitrage", "odds_best_grid"]


def urls(store) -> list[str]:
    event = store["event"].pk
    return [reverse(name) for name in PAGES] + [f"{reverse('odds_opening_closing')}?event={event}"]


@pytest.mark.django_db
def test_staff_see_every_page_and_anonymous_users_are_sent_to_login(admin_client, client, store):
    for url in urls(store):
        assert admin_client.get(url).status_code == 200, url
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


@pytest.mark.django_db
def test_staff_without_the_event_view_permission_are_refused(client, store):
    user = User.objects.create_user("clerk", password="pw-clerk-1", is_staff=True)
    client.force_login(user)
    for url in urls(store):
        assert client.get(url).status_code == 403, url
    assert "odds-workbench-module" not in client.get(reverse("admin:index")).content.decode()
    user.user_permissions.add(Permission.objects.get(codename="view_event"))
    user = User.objects.get(pk=user.pk)  # permissions are cached on the instance
    client.force_login(user)
    for url in urls(store):
        assert client.get(url).status_code == 200, url
    assert "odds-workbench-module" in client.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db
def test_the_admin_index_and_the_event_page_link_the_pages(admin_client, store):
    index = admin_client.get(reverse("admin:index")).content.decode()
    for name in PAGES:
        assert f'href="{reverse(name)}"' in index
    event = store["event"].pk
    page = admin_client.get(reverse("admin:odds_event_change", args=[event])).content.decode()
    assert f'href="{reverse("odds_opening_closing")}?event={event}"' in page


BAD = [
    ("odds_movers", "window=2h", "window='2h': choose one of 1h, 6h, 24h, 7d."),
    ("odds_movers", "limit=0", "limit='0': use a whole number from 1 to 500."),
    ("odds_movers", "at=yesterday", "at='yesterday': not a date and time"),
    ("odds_dropping", "sport=abc", "sport='abc': no sport has this id."),
    ("odds_dropping", "tournament=99999999999999999999", "no tournament has this id"),
    (
        "odds_dropping",
        "since=2026-01-10T12:00Z&until=2026-01-10T11:00Z",
        "since='2026-01-10T12:00Z': must be before until.",
    ),
    ("odds_arbitrage", "min_edge=lots", "min_edge='lots': use a percentage from 0 to 100"),
    ("odds_arbitrage", "at=2026-13-45", "at='2026-13-45': not a date and time"),
    ("odds_best_grid", "market=corners", "market='corners': choose one of h2h, totals, spreads."),
    (
        "odds_opening_closing",
        "",
        "event='': give the event's id (?event=<id>), or open this page from the event's page.",
    ),
    ("odds_opening_closing", "event=0", "event='0': no event has this id."),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "query", "message"), BAD)
def test_a_bad_parameter_is_named_with_its_fix(admin_client, store, name, query, message):
    response = admin_client.get(f"{reverse(name)}?{query}")
    assert response.status_code == 400
    assert message in unescape(response.content.decode())


@pytest.mark.django_db
def test_the_read_apis_own_argument_errors_show_on_the_page(admin_client, store):
    url = reverse("odds_opening_closing")
    event = store["event"].pk
    for query, message in (
        ("market=h2x", "market_key='h2x' is not a market key"),
        ("market=h2h&period=FT", "period='FT' is not a period"),
        ("market=totals&line=two", "line='two' is not a number"),
    ):
        response = admin_client.get(f"{url}?event={event}&{query}")
        assert response.status_code == 400, query
        assert message in unescape(response.content.decode()), query


@pytest.mark.django_db
def test_times_are_read_in_the_viewers_time_zone_or_with_their_offset(admin_client, store):
    url = reverse("odds_movers")
    cases = {
        "at=2026-01-10 13:01": "2026-01-10 13:01",  # no offset: the viewer's zone (UTC)
        "at=2026-01-10T14:01:00%2B01:00": "2026-01-10 13:01",
        "at=2026-01-10T14:01:00+01:00": "2026-01-10 13:01",  # the "+" a URL turns into " "
        "at=2026-01-10T13:01:00Z": "2026-01-10 13:01",
    }
    for query, expected in cases.items():
        response = admin_client.get(f"{url}?{query}&window=6h")
        assert response.status_code == 200, query
        until = response.context["until"].astimezone(UTC)
        assert f"{until:%Y-%m-%d %H:%M}" == expected, query
    admin_client.cookies["odds_tz"] = "Europe/Paris"
    response = admin_client.get(f"{url}?at=2026-01-10 14:01&window=6h")
    assert response.context["until"].isoformat() == "2026-01-10T14:01:00+01:00"
    # The hand-built event's moves up to 13:01 UTC (tests/admin/data.py): book_a home
    # 2.10 -> 2.25 (+7.14 %), away 3.60 -> 3.50 (-2.78 %); book_c home 2.20 -> 2.25 (+2.27 %).
    assert [(r["bookmaker"], r["outcome"], r["change"]) for r in response.context["rows"]] == [
        ("book_a", "home", "+7.14 %"),
        ("book_a", "away", "-2.78 %"),
        ("book_c", "home", "+2.27 %"),
    ]
