"""Scraping with 1, 2 and 4 workers into one database: captures/s and the ratio to one.

Each worker is a real ``manage.py scrape simulated`` process scraping its own feed (its
own seed, so its own events: workers do not wait on each other's pair locks) for the
same number of rounds; the figure is all captures stored divided by the wall time from
the first start to the last exit. While they run, the CPU time of the worker processes
and of the PostgreSQL server processes is sampled, which shows where the time goes and
why the curve flattens on this machine.

    .venv/bin/python bench/workers_scaling.py [--events 400] [--bookmakers 10] [--rounds 6]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

import psutil
from common import ROOT, bench_database, database_label
from django.db import connection
from ingest_memory import database_url

from scraping.models import ScrapeRun


def postgres_cpu(seen: dict[int, float]) -> None:
    """Record the CPU seconds of every PostgreSQL process now; backends end with their
    connections, so this is sampled while the workers run and the last figure kept."""
    for proc in psutil.process_iter(["name"]):
        if proc.info["name"] in {"postgres", "postgresql"}:
            try:
                times = proc.cpu_times()
            except psutil.Error:
                continue
            seen[proc.pid] = times.user + times.system


def run_workers(count: int, *, events: int, bookmakers: int, rounds: int, offset: int) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url()}
    before_runs = ScrapeRun.objects.count()
    before: dict[int, float] = {}
    postgres_cpu(before)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "scrape",
                "simulated",
                "--seed",
                str(offset + i),
                "--events",
                str(events),
                "--bookmakers",
                str(bookmakers),
                "--rounds",
                str(rounds),
                "--start",
                "2026-01-05T00:00:00Z",
                "--change-rate",
                "0.03",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(count)
    ]
    during = dict(before)
    while any(p.poll() is None for p in processes):
        postgres_cpu(during)
        time.sleep(0.1)
    wall = time.perf_counter() - started
    postgres_cpu(during)
    for p in processes:
        if p.returncode != 0:
            raise SystemExit(p.stderr.read())
    postgres_seconds = sum(cpu - before.get(pid, 0.0) for pid, cpu in during.items())
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers_cpu = (children.ru_utime - children_before.ru_utime) + (
        children.ru_stime - children_before.ru_stime
    )
    runs = ScrapeRun.objects.order_by("id")[before_runs:]
    captures = sum(r.snapshots_written for r in runs)
    return {
        "workers": count,
        "captures": captures,
        "seconds": wall,
        "rate": captures / wall,
        "worker_cpu": workers_cpu,
        "postgres_cpu": postgres_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--bookmakers", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    with bench_database():
        cores = psutil.cpu_count()
        print(f"Workers scraping the simulated feed into {database_label()}, {cores} cores")
        per_worker = args.events * args.bookmakers * args.rounds
        print(f"  each worker: {args.rounds} rounds x {args.events} events x {args.bookmakers} "
              f"bookmakers = {per_worker:,} captures")  # fmt: skip
        results = []
        for index, count in enumerate((1, 2, 4)):
            result = run_workers(count, offset=100 * index, **vars(args))
            results.append(result)
            busy = (result["worker_cpu"] + result["postgres_cpu"]) / result["seconds"]
            print(
                f"  {count} worker(s): {result['captures']:>7,} captures in "
                f"{result['seconds']:6.1f} s = {result['rate']:>7,.0f}/s, "
                f"x{result['rate'] / results[0]['rate']:.2f} of one worker; CPU: workers "
                f"{result['worker_cpu']:5.1f} s, PostgreSQL {result['postgres_cpu']:5.1f} s "
                f"= {busy:.2f} of {cores} cores busy"
            )
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM odds_oddssnapshot")
            print(f"  snapshots stored: {cursor.fetchone()[0]:,}")


if __name__ == "__main__":
    main()
