"""What a scheduled job means: its parameters, its clock, its quota rule, its periodic task.

A *scheduled job* is a source plus a parameter *template*, fired again and again (by
Celery beat, or by ``manage.py scrape ... --every``). The template is what a person
writes in the admin; :func:`resolve_parameters` turns it into the exact parameters of
one execution, which the ScrapeRun keeps so the run can be repeated:

- ``simulated`` without ``"round"`` means *the latest round up to now* (as
  ``scrape simulated`` without ``--start`` does), from ``"start"`` when given, else from
  today's midnight UTC. Omitted fields take the command's defaults.
- ``theoddsapi`` fills ``regions`` (``["eu"]``), ``markets`` (``["h2h"]``),
  ``odds_format`` (``"decimal"``) and ``bookmakers`` (all); a comma-separated string
  is accepted for the lists.

Quota rule (The Odds API): the account's requests left are the
``x-requests-remaining`` header of the newest run that saw one. Below the setting
``ODDS_API_MIN_REMAINING`` (50) scheduled executions of The Odds API jobs pause: they
are skipped, except one every ``ODDS_API_QUOTA_RECHECK_SECONDS`` (6 h), which probes
whether the quota is back (monthly reset, bigger plan); a manual ``scrape theoddsapi``
also refreshes what is known.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery.schedules import crontab as celery_crontab
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from scraping.models import ScrapeRun
from scraping.services.items import simulated_parameters
from scraping.services.secrets import refuse_secrets
from scraping.sources import registry
from scraping.sources.base import SourceError, parse_utc

RUN_SCRAPE_JOB = "scraping.tasks.run_scrape_job"
MAINTAIN_PARTITIONS = "scraping.tasks.maintain_partitions"
REAP_STALE_RUNS = "scraping.tasks.reap_stale_runs"

QUOTA_HEADER = "x-requests-remaining"


# --- Parameter templates ----------------------------------------------------------------
def normalize_parameters(source: str, parameters: Any) -> dict[str, Any]:
    """The template with defaults filled in and types checked, without the clock.

    Two templates that mean the same job normalize to the same dict, so they share a
    lock. Raises SourceError ``bad_parameters`` naming the field and the fix.
    """
    if parameters is None:
        parameters = {}
    if not isinstance(parameters, dict):
        raise _bad(f"parameters must be a JSON object, not {type(parameters).__name__}")
    entry = registry.get(source)
    refuse_secrets(parameters)
    if entry.live_job(parameters):
        return entry.template_builder()(parameters)
    if not parameters.get("paths"):
        raise _bad(f'a {source} file import needs "paths": a list of files, folders or globs')
    return dict(parameters)


def resolve_parameters(
    source: str, template: dict[str, Any], *, now: datetime | None = None
) -> dict[str, Any]:
    """The exact parameters of one execution at ``now`` (a normalized template in)."""
    if not registry.get(source).follows_clock:
        return dict(template)
    start = parse_utc(template["start"]) if "start" in template else None
    return simulated_parameters(
        seed=template["seed"],
        events=template["events"],
        bookmakers=template["bookmakers"],
        change_rate=template["change_rate"],
        interval=timedelta(seconds=template["interval_seconds"]),
        start=start,
        round_index=template.get("round"),
        now=now,
    )


def simulated_template(parameters: dict[str, Any]) -> dict[str, Any]:
    template: dict[str, Any] = {
        "seed": _integer(parameters, "seed", 0, minimum=None),
        "events": _integer(parameters, "events", 20, minimum=1),
        "bookmakers": _integer(parameters, "bookmakers", 8, minimum=1),
        "change_rate": _number(parameters, "change_rate", 0.03),
        "interval_seconds": _integer(parameters, "interval_seconds", 300, minimum=1),
    }
    if not 0 <= template["change_rate"] <= 1:
        raise _bad('"change_rate" must be between 0 and 1')
    if parameters.get("start") is not None:
        try:
            template["start"] = parse_utc(parameters["start"]).isoformat()
        except ValueError as error:
            raise _bad(f'"start": {error}') from None
    if parameters.get("round") is not None:
        template["round"] = _integer(parameters, "round", 0, minimum=0)
    return template


def odds_api_template(parameters: dict[str, Any]) -> dict[str, Any]:
    sport = parameters.get("sport")
    if not isinstance(sport, str) or not sport.strip():
        raise _bad('theoddsapi needs "sport", a sport key such as "soccer_epl"')
    odds_format = parameters.get("odds_format", "decimal")
    if odds_format not in ("decimal", "american"):
        raise _bad('"odds_format" must be "decimal" or "american"')
    return {
        "sport": sport.strip(),
        "regions": _names(parameters, "regions", ["eu"]),
        "markets": _names(parameters, "markets", ["h2h"]),
        "odds_format": odds_format,
        "bookmakers": _names(parameters, "bookmakers", []),
    }


def _names(parameters: dict, field: str, default: list[str]) -> list[str]:
    value = parameters.get(field)
    if value is None:
        return list(default)
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(f'"{field}" must be a list of names or a comma-separated string')
    names = [v.strip() for v in value if v.strip()]
    if not names and default:
        raise _bad(f'"{field}" is empty: give at least one, e.g. {json.dumps(default)}')
    return names


def _integer(parameters: dict, field: str, default: int, *, minimum: int | None) -> int:
    value = parameters.get(field, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(f'"{field}" must be a whole number, not {json.dumps(value, default=str)}')
    if minimum is not None and value < minimum:
        raise _bad(f'"{field}" must be at least {minimum}')
    return value


def _number(parameters: dict, field: str, default: float) -> float:
    value = parameters.get(field, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _bad(f'"{field}" must be a number, not {json.dumps(value, default=str)}')
    return float(value)


def _bad(message: str) -> SourceError:
    return SourceError(
        "bad_parameters",
        f"The job's parameters are wrong: {message}. Fix the job's kwargs.",
    )


# --- Quota rule (The Odds API) ----------------------------------------------------------
@dataclass(frozen=True)
class QuotaRule:
    min_remaining: int
    recheck: timedelta

    @classmethod
    def from_settings(cls) -> QuotaRule:
        return cls(
            min_remaining=settings.ODDS_API_MIN_REMAINING,
            recheck=timedelta(seconds=settings.ODDS_API_QUOTA_RECHECK_SECONDS),
        )


def uses_odds_api_quota(source: str, parameters: dict[str, Any]) -> bool:
    entry = registry.SOURCES.get(source)
    return bool(entry and entry.spends_quota and entry.live_job(parameters))


def known_remaining() -> int | None:
    """Requests left on the account, as the newest run that saw the header says."""
    run = ScrapeRun.objects.newest_with_quota_header("theoddsapi", QUOTA_HEADER)
    if run is None:
        return None
    value = run.stats["quota"][QUOTA_HEADER]
    return value if isinstance(value, int) else None


def quota_pause_reason(
    source: str, parameters: dict[str, Any], *, now: datetime | None = None
) -> str:
    """Why this execution must not spend a request now; "" when it may run."""
    if not uses_odds_api_quota(source, parameters):
        return ""
    rule = QuotaRule.from_settings()
    remaining = known_remaining()
    if remaining is None or remaining >= rule.min_remaining:
        return ""
    now = now or timezone.now()
    last = ScrapeRun.objects.live_of(source).newest()
    if last is not None and now - last.created_at >= rule.recheck:
        return ""  # this execution is the probe that sees whether the quota is back
    return (
        f"quota low: {remaining} requests remaining < ODDS_API_MIN_REMAINING "
        f"{rule.min_remaining}; paused, next probe after "
        f"{int(rule.recheck.total_seconds())}s since the last request"
    )


def note_low_quota(run: ScrapeRun) -> bool:
    """Say on the run when what it saw pauses the schedule; True when it did."""
    remaining = (run.stats.get("quota") or {}).get(QUOTA_HEADER)
    rule = QuotaRule.from_settings()
    if not isinstance(remaining, int) or remaining >= rule.min_remaining:
        return False
    note = (
        f"Quota low: {remaining} requests remaining, below ODDS_API_MIN_REMAINING "
        f"({rule.min_remaining}). Scheduled The Odds API jobs are paused, with one probe "
        f"every {int(rule.recheck.total_seconds())}s, until the quota recovers."
    )
    run.message = f"{run.message} {note}".strip()
    run.save(update_fields=["message"])
    return True


# --- Periodic tasks (django-celery-beat) ------------------------------------------------
def interval_schedule(every: timedelta):
    """An IntervalSchedule for ``every``, in the largest whole unit (shared, not copied)."""
    from django_celery_beat.models import IntervalSchedule

    seconds = every.total_seconds()
    if seconds < 1 or seconds != int(seconds):
        raise ValueError(f"an interval of {seconds}s is not a whole number of seconds >= 1")
    for period, size in (
        (IntervalSchedule.DAYS, 86400),
        (IntervalSchedule.HOURS, 3600),
        (IntervalSchedule.MINUTES, 60),
        (IntervalSchedule.SECONDS, 1),
    ):
        if seconds % size == 0:
            found = IntervalSchedule.objects.filter(every=int(seconds // size), period=period)
            return found.first() or IntervalSchedule.objects.create(
                every=int(seconds // size), period=period
            )
    raise AssertionError("unreachable: seconds is a whole number")


def crontab_schedule(expression: str):
    """A CrontabSchedule (UTC) for ``"minute hour day-of-month month day-of-week"``."""
    from django_celery_beat.models import CrontabSchedule

    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(
            f"crontab {expression!r} needs 5 fields: minute hour day-of-month month day-of-week"
        )
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    celery_crontab(minute, hour, day_of_week, day_of_month, month_of_year)  # validates
    values = {
        "minute": minute,
        "hour": hour,
        "day_of_month": day_of_month,
        "month_of_year": month_of_year,
        "day_of_week": day_of_week,
        "timezone": "UTC",
    }
    found = CrontabSchedule.objects.filter(**values)
    return found.first() or CrontabSchedule.objects.create(**values)


def save_periodic_task(
    *,
    name: str,
    task: str,
    kwargs: dict[str, Any],
    every: timedelta | None = None,
    crontab: str | None = None,
    enabled: bool = True,
    description: str = "",
    queue: str = "",
    replace: bool = True,
):
    """Create the periodic task ``name``, or update it when ``replace``; returns
    (task, created). Exactly one of ``every`` and ``crontab``; ``queue`` "" is the
    default queue."""
    from django_celery_beat.models import PeriodicTask

    if (every is None) == (crontab is None):
        raise ValueError("give exactly one of every= and crontab=")
    with transaction.atomic():
        existing = PeriodicTask.objects.select_for_update().filter(name=name).first()
        if existing is not None and not replace:
            return existing, False
        periodic = existing or PeriodicTask(name=name)
        periodic.task = task
        periodic.kwargs = json.dumps(kwargs, sort_keys=True)
        periodic.args = "[]"
        periodic.interval = interval_schedule(every) if every is not None else None
        periodic.crontab = crontab_schedule(crontab) if crontab is not None else None
        periodic.solar = periodic.clocked = None
        periodic.enabled = enabled
        periodic.description = description
        periodic.queue = queue or None
        periodic.save()
    return periodic, existing is None


def schedule_scrape(
    *,
    name: str,
    source: str,
    parameters: dict[str, Any],
    every: timedelta | None = None,
    crontab: str | None = None,
    enabled: bool = True,
    queue: str = "",
):
    """Create or update the periodic scrape job ``name`` (what the admin form does)."""
    normalize_parameters(source, parameters)  # refuse a job that could never run
    kwargs = {"source": source, "parameters": parameters, "job_name": name}
    return save_periodic_task(
        name=name, task=RUN_SCRAPE_JOB, kwargs=kwargs, every=every, crontab=crontab,
        enabled=enabled, queue=queue, description=f"Scrape {source} as the job {name!r}.",
    )  # fmt: skip


@dataclass(frozen=True)
class DefaultSchedule:
    name: str
    task: str
    every: timedelta | None = None
    crontab: str | None = None
    description: str = ""


DEFAULT_SCHEDULES = (
    DefaultSchedule(
        name="Partition maintenance",
        task=MAINTAIN_PARTITIONS,
        crontab="15 3 * * *",
        description="pgpartition daily at 03:15 UTC: create the partitions ahead and retire "
        "those past ODDS_RETENTION_DAYS.",
    ),
    DefaultSchedule(
        name="Reap stale scrape runs",
        task=REAP_STALE_RUNS,
        every=timedelta(minutes=5),
        description="Mark failed the runs whose process died (no heartbeat for "
        "SCRAPE_STALE_AFTER_SECONDS).",
    ),
)


def ensure_default_schedules(*, reset: bool = False) -> list[tuple[str, str]]:
    """Create the maintenance periodic tasks that are missing; (name, what happened).

    An existing one is left as the admin has it (maybe edited, maybe disabled), unless
    ``reset`` puts it back to the default.
    """
    done = []
    for default in DEFAULT_SCHEDULES:
        _, created = save_periodic_task(
            name=default.name,
            task=default.task,
            kwargs={},
            every=default.every,
            crontab=default.crontab,
            description=default.description,
            replace=reset,
        )
        done.append((default.name, "created" if created else "reset" if reset else "exists"))
    return done
