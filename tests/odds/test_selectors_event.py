"""odds.selectors.whole_event answers what the one-market read API answers, for every market at
once, in a constant number of statements (real captures of The Odds API history)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from odds import selectors
from odds.selectors.pricing import best_prices_of, margins_of
from odds.selectors.whole_event import event_history
from tests.admin.test_event_charts import ingest_cavs

pytestmark = pytest.mark.django_db


def test_event_history_is_market_history_of_every_market(shared_data):
    event = ingest_cavs(shared_data)
    since = event.commence_time - timedelta(hours=1)  # some rows before, some after
    until = event.commence_time + timedelta(hours=1)
    with CaptureQueriesContext(connection) as queries:
        history = event_history(event, since=since, until=until)
    assert len(queries) <= 5
    idents = {(q.market_key, q.period, q.line) for q in selectors.latest_odds(event)}
    assert len(history) >= 8
    for ident in idents | set(history):
        key, period, line = ident
        one = selectors.market_history(
            event, key, period=period, line=line, since=since, until=until
        )
        assert history.get(ident, []) == one, ident
    totals = event_history(event, since=since, until=until, markets=[("totals", "full_time")])
    assert totals and {i[0] for i in totals} == {"totals"}
    assert totals == {i: h for i, h in history.items() if i[0] == "totals"}


def test_best_prices_and_margins_of_quotes_are_the_read_apis(shared_data):
    event = ingest_cavs(shared_data)
    latest = selectors.latest_odds(event)
    sport = event.tournament.sport.key
    idents = {(q.market_key, q.period, q.line) for q in latest}
    for key, period, line in idents:
        quotes = [q for q in latest if (q.market_key, q.period, q.line) == (key, period, line)]
        live = {"period": period, "line": line, "in_play": True, "max_age": None}
        assert best_prices_of(quotes) == selectors.best_prices(event, key, **live)
        assert margins_of(quotes, sport=sport) == selectors.margins(event, key, **live)
