"""The scrape errors admin: list, filters, search, and a detail page with its context."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from odds.models import Bookmaker
from scraping.models import ScrapeError, ScrapeStatus
from tests.admin.data import make_run

LIST = "admin:scraping_scrapeerror_changelist"


def listed(response) -> list[int]:
    return sorted(error.pk for error in response.context["cl"].result_list)


@pytest.mark.django_db
def test_error_page_shows_pretty_context_and_links_run_and_event(admin_client, store):
    error = store["error"]
    html = admin_client.get(reverse("admin:scraping_scrapeerror_change", args=[error.pk]))
    html = html.content.decode()
    blocks = [unescape(b) for b in re.findall(r'<pre class="odds-json">(.*?)</pre>', html, re.S)]
    pretty = json.dumps(error.context, indent=2, sort_keys=True)
    assert pretty in blocks
    assert '\n  "fragment": {\n    "name": "home",' in pretty  # really indented
    run_url = reverse("admin:scraping_scraperun_change", args=[store["failed"].pk])
    event_url = reverse("admin:odds_event_change", args=[store["event"].pk])
    assert f'href="{run_url}"' in html
    assert f'href="{event_url}"' in html


@pytest.mark.django_db
def test_list_shows_the_first_line_of_the_message_and_links_the_run(admin_client, store):
    html = admin_client.get(reverse(LIST)).content.decode()
    first = "outcome &#x27;home&#x27;: price &quot;abc0&quot; is not a number"
    # the first line shown (cut to the column by CSS), the whole message in the tooltip
    assert f'title="{first}\nsecond line 0">{first}</span>' in html
    run_url = reverse("admin:scraping_scraperun_change", args=[store["failed"].pk])
    assert (
        f'<a href="{run_url}">run {store["failed"].pk}</a><br><span class="odds-quiet">theoddsapi'
        in html
    )


@pytest.mark.django_db
def test_list_filters_by_type_source_bookmaker_and_searches_messages(admin_client, store):
    other_run = make_run(ScrapeStatus.PARTIAL, source="footballdata")
    bookmaker = Bookmaker.objects.get(key="book_a")
    other = ScrapeError.objects.create(
        scrape_run=other_run,
        error_type="bad_price",
        message="a cell of column B365H is empty",
        bookmaker=bookmaker,
    )
    mine = sorted(store["failed"].errors.values_list("pk", flat=True))
    bad_price = store["failed"].errors.get(error_type="bad_price").pk
    url = reverse(LIST)
    assert listed(admin_client.get(url, {"error_type": "bad_price"})) == sorted(
        [bad_price, other.pk]
    )
    assert listed(admin_client.get(url, {"scrape_run__source": "theoddsapi"})) == mine
    assert listed(admin_client.get(url, {"bookmaker__id__exact": bookmaker.pk})) == [other.pk]
    assert listed(admin_client.get(url, {"q": "B365H"})) == [other.pk]
    assert listed(admin_client.get(url, {"scrape_run__id__exact": store["failed"].pk})) == mine
