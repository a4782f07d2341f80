"""Every admin page renders for a staff user and sends anyone else to the login page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from odds.admin.timeseries import record_url


def page_urls(store) -> list[str]:
    return [
        reverse("admin:index"),
        reverse("admin:app_list", args=["scraping"]),
        reverse("scraping_health"),
        reverse("admin:scraping_scraperun_changelist"),
        reverse("admin:scraping_scraperun_change", args=[store["failed"].pk]),
        reverse("admin:scraping_scrapeerror_changelist"),
        reverse("admin:scraping_scrapeerror_change", args=[store["error"].pk]),
        reverse("admin:odds_event_changelist"),
        reverse("admin:odds_event_change", args=[store["event"].pk]),
        reverse("admin:odds_snapshotrecord_changelist"),
        record_url(store["snapshot"]),
        reverse("admin:odds_marketoddsrecord_changelist"),
        record_url(store["market"]),
        reverse("admin:odds_bookmaker_changelist"),
        reverse("admin:odds_eventbookmaker_changelist"),
    ]


@pytest.mark.slow
@pytest.mark.django_db
def test_every_page_renders_for_staff(admin_client, store):
    for url in page_urls(store):
        response = admin_client.get(url)
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_login(client, store):
    for url in page_urls(store):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


@pytest.mark.django_db
def test_admin_index_links_the_health_page(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert f'href="{reverse("scraping_health")}"' in response.content.decode()


@pytest.mark.django_db
def test_health_page_needs_the_permission_to_view_runs(client):
    user = User.objects.create_user("clerk", password="pw-clerk-123", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("scraping_health")).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_scraperun"))
    client.force_login(User.objects.get(pk=user.pk))
    assert client.get(reverse("scraping_health")).status_code == 200


@pytest.mark.django_db
def test_logs_and_time_series_are_read_only(admin_client, store):
    """No add, change or delete of runs, errors, events or odds rows in the admin."""
    for name in ["scraping_scraperun", "scraping_scrapeerror", "odds_event"]:
        assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 403
    run_url = reverse("admin:scraping_scraperun_change", args=[store["failed"].pk])
    response = admin_client.post(run_url, {"source": "changed"})
    assert response.status_code == 403
    delete_url = reverse("admin:scraping_scraperun_delete", args=[store["failed"].pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    store["failed"].refresh_from_db()
    assert store["failed"].source == "theoddsapi"
