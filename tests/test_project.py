from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from oddsproject.env import database_from_url, env_bool, env_int


@pytest.mark.django_db
def test_system_checks_are_clean(capsys):
    call_command("check", fail_level="WARNING")
    assert "no issues" in capsys.readouterr().out


@pytest.mark.django_db
def test_models_and_migrations_agree():
    # Exits non-zero (SystemExit) when a model change has no migration.
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)


def test_database_url_for_a_server():
    parsed = database_from_url("postgres://odds:s%40cret@db.example:6543/store?sslmode=require")
    assert parsed == {
        "NAME": "store",
        "USER": "odds",
        "PASSWORD": "s@cret",
        "HOST": "db.example",
        "PORT": "6543",
        "OPTIONS": {"sslmode": "require"},
    }


def test_database_url_for_a_unix_socket():
    parsed = database_from_url("postgresql://postgres:@/odds?host=/work/main/.pgdata")
    assert (parsed["HOST"], parsed["NAME"], parsed["PORT"]) == ("/work/main/.pgdata", "odds", "")


def test_database_url_of_another_database_is_refused():
    with pytest.raises(ImproperlyConfigured, match="must start with postgres://"):
        database_from_url("mysql://root@localhost/odds")


def test_env_readers_name_the_variable_and_the_fix(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"DJANGO_DEBUG='maybe'.*true or false"):
        env_bool("DJANGO_DEBUG", default=False)
    monkeypatch.setenv("ODDS_PARTITIONS_AHEAD", "0")
    with pytest.raises(ImproperlyConfigured, match="ODDS_PARTITIONS_AHEAD='0' must be at least 1"):
        env_int("ODDS_PARTITIONS_AHEAD", 4, minimum=1)
    monkeypatch.setenv("ODDS_PARTITIONS_AHEAD", "six")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("ODDS_PARTITIONS_AHEAD", 4, minimum=1)
