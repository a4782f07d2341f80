"""One execution at a time per job, across processes and machines.

A job (a source plus its parameters, or a named periodic job) is guarded by a
PostgreSQL *session-level* advisory lock taken with ``pg_try_advisory_lock`` on a
connection of its own, held for the whole run. Every worker, beat-driven or
``scrape --every`` loop shares the one database, so the lock works across machines
with nothing else to run. Because the lock belongs to a database session, it dies with
the connection: a worker killed outright (or cut off from the database) never blocks
its job for longer than PostgreSQL takes to notice the dropped connection.

The connection is separate from Django's own so that nothing the run does to its
connection (transactions, ``close_old_connections``, a reconnect after an error) can
release the lock halfway through, and so the lock never sits inside a transaction.
Connection poolers must be in session mode (pgbouncer ``pool_mode = session``) for
session locks to mean anything.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Iterator
from typing import Any

from django.db import connections

logger = logging.getLogger(__name__)


def job_identity(*, source: str, parameters: dict[str, Any], job_name: str = "") -> str:
    """The text a job's lock is derived from: its name when it has one (a periodic job
    stays the same job when its parameters are edited), else source + parameters."""
    if job_name:
        return f"name:{job_name}"
    canonical = json.dumps(parameters, sort_keys=True, separators=(",", ":"), default=str)
    return f"job:{source}:{canonical}"


def job_lock_key(*, source: str, parameters: dict[str, Any], job_name: str = "") -> int:
    """A stable signed 64-bit advisory-lock key for the job.

    A hash (not Python's ``hash()``, which changes per process) so every process on
    every machine computes the same key.
    """
    identity = job_identity(source=source, parameters=parameters, job_name=job_name)
    digest = hashlib.blake2b(identity.encode(), digest_size=8, person=b"odds-job").digest()
    return int.from_bytes(digest, "big", signed=True)


@contextlib.contextmanager
def job_lock(key: int, *, using: str = "default") -> Iterator[bool]:
    """Try to take the advisory lock ``key``; yields whether this process holds it.

    Never waits: a job already running elsewhere is a reason to skip, not to queue
    up behind it. The lock is released (and its connection closed) on leaving the
    block, however the block ends.
    """
    connection = connections.create_connection(using)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            held = bool(cursor.fetchone()[0])
        try:
            yield held
        finally:
            if held:
                _unlock(connection, key)
    finally:
        connection.close()


def _unlock(connection, key: int) -> None:
    # Closing the connection releases the lock anyway; unlocking first just makes it
    # prompt. A connection already lost has released it with the session.
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    except Exception:  # the session is gone, and its lock with it
        logger.info("advisory lock %s: connection lost before unlock (lock released)", key)


def lock_is_held(key: int, *, using: str = "default") -> bool:
    """Whether any session holds the job lock ``key`` now (for diagnostics and tests)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
            "AND granted AND objsubid = 1 "
            "AND ((classid::bigint << 32) | objid::bigint) = CAST(%s AS bigint))",
            [key],
        )
        return bool(cursor.fetchone()[0])
