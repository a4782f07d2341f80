"""What keeps the runs and errors lists within 1400 px: one counts column, long text cut
with its whole in a tooltip; and an error's details_url as a link (tests/admin/data.py)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from scraping.admin.errors import details_url
from scraping.models import ScrapeError


@pytest.mark.django_db
def test_runs_list_has_one_counts_column_with_each_count_named_in_its_tooltip(admin_client, store):
    html = admin_client.get(reverse("admin:scraping_scraperun_changelist")).content.decode()
    headers = re.findall(r'<th scope="col" class="([^"]*)"', html)
    assert len(headers) == 8  # the action checkbox and seven columns
    # make_run: 2 events, 4 snapshots, 12 markets written, 3 unchanged
    assert (
        'title="2 events, 4 snapshots written, 12 markets written, 3 markets unchanged">'
        "2 · 4 · 12 (3)</span>"
    ) in html
    assert 'theoddsapi<br><span class="odds-quiet odds-truncate" title="epl-odds">epl-odds' in html


@pytest.mark.parametrize(
    "context,url",
    [
        ({"details_url": "https://example.com/errors#429"}, "https://example.com/errors#429"),
        # The Odds API's error body, kept as text inside the context
        (
            {
                "body": '{"message": "Usage quota has been reached", "error_code": '
                '"OUT_OF_USAGE_CREDITS", "details_url": "https://the-odds-api.com/liveapi/guides/'
                'v4/api-error-codes.html#out_of_usage_credits"}'
            },
            "https://the-odds-api.com/liveapi/guides/v4/api-error-codes.html#out_of_usage_credits",
        ),
        ({"url": "https://api.example/v4"}, ""),
        ({}, ""),
    ],
)
def test_details_url_is_found_in_the_context(context, url):
    assert details_url(context) == url


@pytest.mark.django_db
def test_an_errors_details_url_is_a_link_that_opens_a_new_tab(admin_client, store):
    error = store["error"]
    page = reverse("admin:scraping_scrapeerror_change", args=[error.pk])
    assert "field-details_link" not in admin_client.get(page).content.decode()
    url = "https://the-odds-api.com/liveapi/guides/v4/api-error-codes.html#x"
    ScrapeError.objects.filter(pk=error.pk).update(context={"details_url": url})
    html = admin_client.get(page).content.decode()
    assert f'<a href="{url}" target="_blank" rel="noopener">{url}</a>' in html
