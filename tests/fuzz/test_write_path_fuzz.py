"""Over-long and odd strings through every file adapter into the real write path.

One value in a file (a team name of 151 characters, a bookmaker key of 65, a link of 600,
NUL, a lone surrogate, odd unicode) may cost its own capture, never the file: every
capture of the same file that passes the write path's validation is stored, and the run
never crashes nor calls the database unavailable (issue 10). The simulated feed makes
its own names and takes no text from outside, so it has no case here.

Each example runs ``run_job`` (importer, runner, write path) on a real database inside
a transaction rolled back at its end.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from odds.captures import Capture
from odds.ingest.limits import LIMITS
from odds.ingest.validation import validate_capture
from odds.models import OddsSnapshot
from odds.partitioning import forget_known_partitions
from scraping.models import ScrapeStatus
from scraping.services.runs import run_job
from scraping.sources import footballdata, oddsharvester, theoddsapi
from tests.factories import rolled_back

from .support import fuzz, text_values, to_json, written
from .test_footballdata_fuzz import season
from .test_oddsharvester_fuzz import records
from .test_theoddsapi_fuzz import events

# Around every limit the write path knows (its model fields), and far beyond.
_LENGTHS = sorted({limit.max_length + d for limit in LIMITS for d in (-1, 0, 1, 2)} | {1000})
odd_strings = st.one_of(
    st.sampled_from(_LENGTHS).map(lambda n: "L" * n),
    st.tuples(st.sampled_from(_LENGTHS), st.sampled_from(["é", "\U0001f600", "a\u0301", " "])).map(
        lambda t: t[1] * t[0]
    ),
    st.text(min_size=60, max_size=700),
    text_values,
    st.sampled_from(["\x00", "\ud800", "\\u0000", '"', "\\", "\n", "\u202e", "  x  "]),
)
_CRASHES = {"crash", "database_error", "database_unavailable", "interrupted"}


def _run_and_check(source: str, module, path) -> None:
    """Every capture of the file the write path accepts is stored by one run."""
    options = {"odds_format": "auto"} if source == "theoddsapi" else {}
    try:
        items = list(module.parse_file(path, **options))
    except Exception:  # a SourceError part-way: the run reports it
        items = []
    valid = {
        (c.event.source_event_id, c.bookmaker.key, c.captured_at)
        for c in items
        if isinstance(c, Capture) and validate_capture(c) is None
    }
    with rolled_back():
        forget_known_partitions()  # partitions made in the rolled-back transaction go too
        run = run_job(source=source, parameters={"paths": [str(path)]}, trigger="manual")
        errors = set(run.errors.values_list("error_type", flat=True))
        assert not errors & _CRASHES, list(run.errors.values_list("message", flat=True))
        assert run.status in (ScrapeStatus.COMPLETED, ScrapeStatus.PARTIAL, ScrapeStatus.FAILED)
        stored = {
            (alias, key, at)
            for alias, key, at in OddsSnapshot.objects.filter(scrape_run=run).values_list(
                "event__aliases__external_id", "bookmaker__key", "captured_at"
            )
        }
        assert stored >= valid, sorted(valid - stored)[:3]
    forget_known_partitions()


@pytest.mark.django_db
@fuzz(25)
@given(documents=events(max_events=3), data=st.data())
def test_theoddsapi_files(documents, data):
    assume(any(e["bookmakers"] for e in documents))
    event = data.draw(st.sampled_from(documents))
    value = data.draw(odd_strings)
    where = data.draw(
        st.sampled_from(["id", "home_team", "away_team", "sport_title", "book", "title", "market"])
    )
    if where in ("book", "title", "market") and event["bookmakers"]:
        book = data.draw(st.sampled_from(event["bookmakers"]))
        if where == "market" and book["markets"]:
            data.draw(st.sampled_from(book["markets"]))["key"] = value
        else:
            book["key" if where == "book" else "title"] = value
    elif where not in ("book", "title", "market"):
        event[where] = value
    with written(to_json(documents), name="odds.json") as path:
        _run_and_check("theoddsapi", theoddsapi, path)


@pytest.mark.django_db
@fuzz(25)
@given(documents=records(), data=st.data())
def test_oddsharvester_files(documents, data):
    assume(documents)
    record = data.draw(st.sampled_from(documents))
    value = data.draw(odd_strings)
    where = data.draw(
        st.sampled_from(["home_team", "away_team", "league_name", "match_link", "bookmaker_name"])
    )
    if where == "match_link":
        record[where] = "https://www.oddsportal.com/football/england/x/" + value
    elif where == "bookmaker_name":
        entries = [e for k, v in record.items() if k.endswith("_market") for e in v]
        data.draw(st.sampled_from(entries))["bookmaker_name"] = value
    else:
        record[where] = value
    with written(to_json(documents), name="records.json") as path:
        _run_and_check("oddsharvester", oddsharvester, path)


@pytest.mark.django_db
@fuzz(25)
@given(chosen=season(), data=st.data())
def test_footballdata_files(chosen, data):
    header, rows, _ = chosen
    assume(rows)
    value = data.draw(odd_strings)
    where = data.draw(st.sampled_from(["HomeTeam", "AwayTeam", "Div", "bookmaker"]))
    if where == "bookmaker":  # a bookmaker of the file's own naming: its prefix is the key
        prefix = value.replace(",", "").replace("\n", "") or "X"
        header = [*header, f"{prefix}H", f"{prefix}D", f"{prefix}A"]
        rows = [[*row, "2.1", "3.3", "3.6"] for row in rows]
    else:
        data.draw(st.sampled_from(rows))[header.index(where)] = value
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    body = out.getvalue().encode("utf-8", errors="surrogatepass")
    with written(body, name="E0.csv") as path:
        _run_and_check("footballdata", footballdata, path)
