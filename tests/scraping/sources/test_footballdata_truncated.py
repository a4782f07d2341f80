"""A football-data file cut off mid-row: an error of the run, never a silent loss."""

from __future__ import annotations

from pathlib import Path

import pytest

from odds.captures import Capture, Problem
from odds.models import OddsSnapshot
from scraping.models import ScrapeStatus
from scraping.services.runs import run_job
from scraping.sources import footballdata

E0 = "footballdata/E0-2019-2020.csv"
# The last row of the real file, West Ham v Aston Villa on 26/07/2020, cut after these
# cells: in the team names, in the bet365 h2h prices (a price itself cut, 3.6 -> "3."),
# and one cell short of the end.
CUTS = {
    "in the away team": "E0,26/07/2020,16:00,West Ham,Aston V",
    "mid-price": "E0,26/07/2020,16:00,West Ham,Aston Villa,1,1,D,0,0,D,M Oliver,10,13,1,4,16,"
    "13,0,7,2,1,0,0,3,3.",
}


def _cut_copy(shared_data: Path, tmp_path: Path, *, keep: int | None = None, text=None) -> Path:
    lines = (shared_data / E0).read_bytes().splitlines(keepends=True)
    last = lines[-1].rstrip(b"\r\n")
    tail = text.encode() if text is not None else b",".join(last.split(b",")[:keep])
    assert last.startswith(tail) and tail != last
    path = tmp_path / "E0-cut.csv"
    path.write_bytes(b"".join(lines[:-1]) + tail)
    return path


def _captures_of_full_file(shared_data: Path) -> int:
    return sum(isinstance(i, Capture) for i in footballdata.parse_file(shared_data / E0))


@pytest.mark.parametrize("where", sorted(CUTS))
def test_a_cut_off_last_row_is_a_truncated_row_problem(shared_data, tmp_path, where):
    path = _cut_copy(shared_data, tmp_path, text=CUTS[where])
    items = list(footballdata.parse_file(path))
    (problem,) = [i for i in items if isinstance(i, Problem)]
    assert problem.error_type == "truncated_row"
    assert problem.context["line"] == 381  # the header is line 1, 380 matches follow
    assert problem.message.startswith("Row ends after")  # the cause first, then where
    assert problem.message.endswith("file E0-cut.csv line 381")
    assert "of the header's 106 columns" in problem.message
    assert "download the file again" in problem.message
    # The 379 complete matches are all read: 12 captures each (6 bookmakers x 2 phases).
    assert sum(isinstance(i, Capture) for i in items) == _captures_of_full_file(shared_data) - 12


def test_one_cell_short_is_cut_off_too(shared_data, tmp_path):
    path = _cut_copy(shared_data, tmp_path, keep=105)
    (problem,) = [i for i in footballdata.parse_file(path) if isinstance(i, Problem)]
    assert "ends after 105 of the header's 106 columns (at 'AvgCAHH')" in problem.message


@pytest.mark.slow
@pytest.mark.django_db
def test_the_run_records_the_cut_and_stores_every_complete_match(shared_data, tmp_path):
    path = _cut_copy(shared_data, tmp_path, text=CUTS["mid-price"])
    run = run_job(source="footballdata", parameters={"paths": [str(path)]}, trigger="manual")
    assert run.status == ScrapeStatus.PARTIAL
    assert list(run.errors.values_list("error_type", flat=True)) == ["truncated_row"]
    assert OddsSnapshot.objects.count() == _captures_of_full_file(shared_data) - 12
