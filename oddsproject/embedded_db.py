"""An embedded PostgreSQL for machines without a database server.

Settings never start a server: they read ``DATABASE_URL``, or else the URL that a
launcher put in ``ODDS_EMBEDDED_DATABASE_URL``. The launchers (``manage.py``,
``wsgi.py``/``asgi.py``, the Celery app, the test settings, the benchmarks) call
:func:`use_embedded_database_if_unset` before settings load; with ``DATABASE_URL``
unset it starts (or joins) a PostgreSQL 16 server from the ``pgserver`` wheel. Its
data lives in a git-ignored folder of the checkout, and it listens only on a Unix
socket inside that folder, so two checkouts never collide on a port.

``pgserver`` counts the processes that use the server in a file beside the data
and stops it when the last one exits, so several ``manage.py`` processes (a
runserver and two ingests, say) share one server and none stops it under the
others' feet. A process killed with SIGKILL never takes its pid out of that file, so
dead pids are pruned when a process joins and again just before one leaves: the
server stops when the last *live* user exits.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import sys
import threading
import warnings
from pathlib import Path

DEFAULT_DATABASE = "odds"
# pgserver's list of the pids using the server, beside the data.
HANDLE_FILE = ".handle_pids.json"
# Where a launcher leaves the started server's URL for settings to read.
URL_VARIABLE = "ODDS_EMBEDDED_DATABASE_URL"
PROJECT_DIR = Path(__file__).resolve().parent.parent

# The URL this process joined, if it did: pgserver counts processes, not calls.
_joined_url: str | None = None


def use_embedded_database_if_unset() -> None:
    """With ``DATABASE_URL`` unset, start or join the embedded server and export its URL
    in ``ODDS_EMBEDDED_DATABASE_URL`` for settings. Call before settings load.

    A URL inherited from a parent process is not trusted: the parent may exit first and
    stop the server, so every launcher joins (and is counted) itself."""
    global _joined_url
    if os.environ.get("DATABASE_URL"):
        return
    if _joined_url is None:
        _joined_url = embedded_database_url(default_pgdata())
    os.environ[URL_VARIABLE] = _joined_url


def embedded_database_url(pgdata: Path, *, database: str = DEFAULT_DATABASE) -> str:
    """Start or join the embedded server in ``pgdata`` and return a URL to ``database``."""
    # pgserver asks platformdirs for a runtime dir; without XDG_RUNTIME_DIR it warns on
    # every start, which would be noise on every manage.py call.
    warnings.filterwarnings("ignore", module="platformdirs")
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    import pgserver  # imported late: only needed when no server is configured

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    _exit_cleanly_on_sigterm()
    prune_dead_handles(pgdata)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    # atexit runs hooks last-in first-out: this prune runs before pgserver's own exit
    # hook (registered by get_server) decides whether we are its last user.
    atexit.register(prune_dead_handles, pgdata)
    _ensure_database(server.get_uri(), database)
    return server.get_uri(database)


def prune_dead_handles(pgdata: Path) -> list[int]:
    """Drop the pids of processes that are gone (killed with -9, say) from pgserver's
    handle file; return the pids kept. Under pgserver's own inter-process lock, as
    pgserver reads and writes the file."""
    from pgserver.postgres_server import PostgresServer
    from pgserver.utils import DiskList

    handles = DiskList(pgdata / HANDLE_FILE)
    with PostgresServer._lock:
        pids = handles.get()
        alive = [pid for pid in pids if pid == os.getpid() or _is_alive(pid)]
        if alive != pids:
            handles.put(alive)
    return alive


def _is_alive(pid: int) -> bool:
    import psutil

    try:
        # A zombie (killed, not yet reaped by its parent) will never let go either.
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _exit_cleanly_on_sigterm() -> None:
    """pgserver lets go of the server in an atexit hook, which a default SIGTERM skips:
    the server would then outlive its last user. Turn SIGTERM into a normal exit, unless
    the process (a worker, an app server) has a handler of its own."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _ensure_database(admin_uri: str, database: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if exists:
            return
        # Another process may create it between our check and our CREATE.
        with contextlib.suppress(psycopg.errors.DuplicateDatabase):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def default_pgdata(base_dir: Path = PROJECT_DIR) -> Path:
    return Path(os.environ.get("ODDS_EMBEDDED_PGDATA", base_dir / ".pgdata"))
