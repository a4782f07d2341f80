"""Peak memory of ``manage.py ingest`` as the input grows: it should stay flat.

The import streams: one event of a file and one batch of rows in memory at a time. We
run the real command in a fresh process on 10, 41 and 164 history envelopes (the 41
real ones, then copies shifted by whole days into a temporary folder outside the
project), and on one envelope of 29,264 events (about 50 MB, made there from the real
events under new ids), and print each process's peak resident memory.

    .venv/bin/python bench/ingest_memory.py
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from itertools import count
from pathlib import Path

from common import ROOT, bench_database, database_label, history_files
from django.db import connection

PEAK = (
    "import resource, runpy, sys\n"
    "sys.argv = ['manage.py', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_path('manage.py', run_name='__main__')\n"
    "finally:\n"
    "    print('PEAK_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
)


def shifted_copies(files: list[Path], days: int, folder: Path) -> list[Path]:
    """The envelopes again, ``days`` later: more captures of the same events."""
    copies = []
    for path in files:
        envelope = json.loads(gzip.decompress(path.read_bytes()))
        moment = datetime.fromisoformat(envelope["timestamp"].replace("Z", "+00:00"))
        envelope["timestamp"] = (moment + timedelta(days=days)).isoformat()
        target = folder / f"d{days}-{path.name}"
        target.write_bytes(gzip.compress(json.dumps(envelope).encode()))
        copies.append(target)
    return copies


BIG_EVENTS = 29_264  # the 50 MB file of issue 10


def big_file(files: list[Path], folder: Path, *, events: int = BIG_EVENTS) -> Path:
    """One historical envelope of ``events`` events (about 50 MB of JSON): the real
    events of the history, each repeated under a new id and a day later each round, so
    the file is real in shape and every event is distinct. Written outside the project,
    one source file at a time: a child process inherits this one's peak memory (Linux
    keeps ``ru_maxrss`` across fork and exec), so the benchmark must stay small."""
    first = json.loads(gzip.decompress(files[0].read_bytes()))
    target = folder / "big.json"
    written = 0
    with target.open("w") as out:
        out.write(f'{{"timestamp": {json.dumps(first["timestamp"])}, "data": [')
        for round_ in count():
            for path in files:
                for event in json.loads(gzip.decompress(path.read_bytes()))["data"]:
                    if written == events:
                        out.write("]}")
                        return target
                    event["id"] = f"{event['id']}-{written}"
                    start = datetime.fromisoformat(event["commence_time"].replace("Z", "+00:00"))
                    start += timedelta(days=round_)
                    event["commence_time"] = start.strftime("%Y-%m-%dT%H:%M:%SZ")
                    out.write(("," if written else "") + json.dumps(event))
                    written += 1
    raise AssertionError("unreachable")


def database_url() -> str:
    params = connection.settings_dict
    host = params["HOST"]
    if host.startswith("/"):
        return f"postgresql://{params['USER']}@/{params['NAME']}?host={host}"
    port = params["PORT"] or "5432"
    return f"postgresql://{params['USER']}@{host}:{port}/{params['NAME']}"


def peak_kb(paths: list[Path]) -> tuple[int, str]:
    env = {**os.environ, "DATABASE_URL": database_url()}
    done = subprocess.run(
        [sys.executable, "-c", PEAK, "ingest", "theoddsapi", *map(str, paths), "--no-progress"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    peak = next(
        int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_KB")
    )
    return peak, done.stdout.strip().splitlines()[-1]


def main() -> None:
    real = history_files()
    with bench_database(), tempfile.TemporaryDirectory() as tmp:
        print(f"Peak memory of manage.py ingest on {database_label()}")
        folder = Path(tmp)
        grown = real + [p for d in (1, 2, 3) for p in shifted_copies(real, d, folder)]
        big = big_file(real, folder)
        results = []
        cases = (
            ("10 files", real[:10]),
            ("41 files", real),
            ("164 files", grown),
            (f"one {big.stat().st_size / 1e6:.0f} MB file", [big]),
        )
        for label, paths in cases:
            kb, summary = peak_kb(paths)
            results.append(kb)
            print(f"  {label:>16}: peak {kb / 1024:7.1f} MB   {summary}")
        print(f"  ratio 164 files / 10 files: {results[2] / results[0]:.2f}x")
        print(f"  ratio 50 MB file / 10 files: {results[3] / results[0]:.2f}x")


if __name__ == "__main__":
    main()
