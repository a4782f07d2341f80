#!/usr/bin/env python3
"""The two commands a newcomer needs, on a machine with only Python 3.11+.

    python3 run.py start         set up the store and run its main job
    python3 run.py test [ARGS]   run the test suite (ARGS go to pytest)
    python3 run.py manage ARGS   any manage.py command, inside the project's virtualenv

Each creates ``.venv`` and installs ``requirements.txt`` into it the first time (and
again whenever it changes); ``test`` installs ``requirements-dev.txt`` (the runtime plus
pytest, ruff, mypy...). With ``DATABASE_URL`` unset everything runs
on an embedded PostgreSQL kept in ``.pgdata/``; set it to use a server instead. They run
with ``DJANGO_DEBUG=true`` (development) unless the environment sets it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("ODDS_VENV", ROOT / ".venv"))
REQUIREMENTS = ROOT / "requirements.txt"
DEV_REQUIREMENTS = ROOT / "requirements-dev.txt"
# One "<file> <sha256>" line per requirements file installed: a change to either file, or
# the first `test` after a runtime-only install, installs again.
STAMP = VENV / ".requirements.sha256"
USAGE = __doc__.split("\n\n")[1]


def venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return VENV / scripts / ("python.exe" if os.name == "nt" else "python")


def stamp_lines(files: list[Path]) -> set[str]:
    return {f"{path.name} {hashlib.sha256(path.read_bytes()).hexdigest()}" for path in files}


def ensure_venv(*, dev: bool) -> Path:
    python = venv_python()
    if not python.exists():
        print(f"Creating a virtualenv in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    # requirements-dev.txt includes requirements.txt: one pip run installs both.
    wanted = stamp_lines([REQUIREMENTS, DEV_REQUIREMENTS] if dev else [REQUIREMENTS])
    installed = set(STAMP.read_text().splitlines()) if STAMP.exists() else set()
    if not wanted <= installed:
        target = DEV_REQUIREMENTS if dev else REQUIREMENTS
        print(f"Installing {target.name} ...", flush=True)
        pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check"]
        subprocess.run([*pip, "--quiet", "-r", str(target)], check=True)
        STAMP.write_text("\n".join(sorted(wanted)) + "\n")
    return python


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file must run on any python3
        print(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
        return 2
    if not argv or argv[0] not in {"start", "test", "manage"}:
        print(USAGE)
        return 2
    command, rest = argv[0], argv[1:]
    python = str(ensure_venv(dev=command == "test"))
    os.chdir(ROOT)
    # Development mode for a newcomer's machine (settings default to production-safe
    # DJANGO_DEBUG=false); an explicit DJANGO_DEBUG wins.
    os.environ.setdefault("DJANGO_DEBUG", "true")
    if command == "start":
        args = [python, "manage.py", "quickstart", *rest]
    elif command == "test":
        args = [python, "-m", "pytest", *rest]
    else:
        args = [python, "manage.py", *rest]
    return subprocess.call(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
