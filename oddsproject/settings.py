"""Settings for the odds store, read from the environment.

Every variable is listed, with its default, in the README's Configuration section.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from oddsproject import embedded_db
from oddsproject.env import (
    database_from_url,
    env_bool,
    env_choice,
    env_decimal,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

# Off unless asked for: a deployment that forgets it must not run with debug and the
# development key. `python3 run.py ...` and the test suite turn it on.
DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is false (its default): "
            "set it to a long random string in production, or DJANGO_DEBUG=true for "
            "development (python3 run.py sets it)."
        )
    SECRET_KEY = "insecure-development-key-set-DJANGO_SECRET_KEY-in-production"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "psqlextra",
    "django_celery_beat",
    "odds",
    "scraping",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oddsproject.middleware.RejectNulBytesMiddleware",
    "oddsproject.middleware.ViewerPreferencesMiddleware",
]

ROOT_URLCONF = "oddsproject.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The admin's base_site.html (the viewer's odds style and time zone in the
        # header) must win over django.contrib.admin's, which comes first in the apps.
        "DIRS": [BASE_DIR / "oddsproject" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "oddsproject.wsgi.application"
ASGI_APPLICATION = "oddsproject.asgi.application"

# --- Database -------------------------------------------------------------------------
# DATABASE_URL set: that server. Unset: an embedded PostgreSQL 16 (pgserver wheel) whose
# data lives in ODDS_EMBEDDED_PGDATA (default .pgdata/ in the checkout), started by the
# launcher (manage.py, wsgi/asgi, Celery, the test settings), never by importing settings.
DATABASE_URL = env_str("DATABASE_URL")
EMBEDDED_DATABASE = not DATABASE_URL
if EMBEDDED_DATABASE:
    DATABASE_URL = env_str(embedded_db.URL_VARIABLE)
    if not DATABASE_URL:
        raise ImproperlyConfigured(
            "DATABASE_URL is not set and no embedded PostgreSQL was started: set "
            "DATABASE_URL=postgres://user:password@host:5432/dbname, or start Django through "
            "manage.py (python3 run.py manage), wsgi.py/asgi.py or the Celery app, which "
            "start the embedded server; other entry points call "
            "oddsproject.embedded_db.use_embedded_database_if_unset() before settings load."
        )

DATABASES = {
    "default": {
        **database_from_url(DATABASE_URL),
        "ENGINE": "psqlextra.backend",
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
    }
}
# The embedded server has no hstore and the project does not use it.
POSTGRES_EXTRA_AUTO_EXTENSION_SET_UP = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Partitioning of the odds time series ---------------------------------------------
# RANGE partitions on captured_at, aligned to midnight UTC. See odds/partitioning/.
ODDS_PARTITION_SIZE = env_choice("ODDS_PARTITION_SIZE", "week", ("day", "week", "month"))
ODDS_PARTITIONS_AHEAD = env_int("ODDS_PARTITIONS_AHEAD", 4, minimum=1)
# Unset or 0: keep history forever. N: pgpartition retires partitions whose every row is
# older than N days.
ODDS_RETENTION_DAYS = env_int("ODDS_RETENTION_DAYS", 0) or None
PSQLEXTRA_PARTITIONING_MANAGER = "odds.partitioning.manager"

# --- What an answer means (read API) ----------------------------------------------------
# A quote not confirmed by a capture within this many seconds of the time asked about is
# stale: best prices, margins and arbitrage ignore it unless told otherwise.
ODDS_QUOTE_MAX_AGE_SECONDS = env_int("ODDS_QUOTE_MAX_AGE_SECONDS", 3600, minimum=1)
# Commission on net winnings of exchanges that have none of their own (Bookmaker.commission).
ODDS_EXCHANGE_COMMISSION = env_decimal("ODDS_EXCHANGE_COMMISSION", "0.05", minimum="0", below="1")

# --- Ingestion and scraping -----------------------------------------------------------
# Keep each capture's source fragment in OddsSnapshot.raw_response (costs space).
ODDS_STORE_RAW_RESPONSES = env_bool("ODDS_STORE_RAW_RESPONSES", default=False)
# The Odds API key: read from the environment only, never stored or logged.
ODDS_API_KEY = env_str("ODDS_API_KEY")
ODDS_API_BASE_URL = env_str("ODDS_API_BASE_URL", "https://api.the-odds-api.com")
# Betfair stream files: at most one capture per market per this many milliseconds (the
# last state before each boundary and the final state are kept); 0 keeps every update.
ODDS_BETFAIR_INTERVAL_MS = env_int("ODDS_BETFAIR_INTERVAL_MS", 1000)
# A running scrape run whose heartbeat is older than this is reaped as failed.
SCRAPE_STALE_AFTER_SECONDS = env_int("SCRAPE_STALE_AFTER_SECONDS", 900, minimum=30)

# --- Celery: scheduled and distributed scraping (oddsproject/celery.py) ----------------
# Without a broker (the embedded default) use `manage.py scrape ... --every 5m` instead.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
CELERY_RESULT_BACKEND = None  # runs are recorded as ScrapeRuns, not as task results
CELERY_TASK_ACKS_LATE = True  # a task whose worker dies is redelivered, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # long tasks: do not hoard them on one worker
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 1800, minimum=60)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
# Scheduled jobs that failed on a transient error (network, 429, 5xx, database) retry.
SCRAPE_RETRY_MAX = env_int("SCRAPE_RETRY_MAX", 3)
SCRAPE_RETRY_BACKOFF_SECONDS = env_int("SCRAPE_RETRY_BACKOFF_SECONDS", 30, minimum=1)
SCRAPE_RETRY_BACKOFF_MAX_SECONDS = env_int("SCRAPE_RETRY_BACKOFF_MAX_SECONDS", 600, minimum=1)
# Below this many requests left on the key, scheduled The Odds API jobs pause; while
# paused, one probe execution goes through this long after the newest request.
ODDS_API_MIN_REMAINING = env_int("ODDS_API_MIN_REMAINING", 50)
ODDS_API_QUOTA_RECHECK_SECONDS = env_int("ODDS_API_QUOTA_RECHECK_SECONDS", 21600, minimum=60)

# --- Auth, i18n, static ---------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}

# --- Security (production) ---
# Active when DJANGO_DEBUG=false; `manage.py check --deploy` is then clean. Behind a proxy
# or load balancer that terminates TLS: DJANGO_SECURE_PROXY_SSL_HEADER=true (it sets
# X-Forwarded-Proto), and DJANGO_SECURE_SSL_REDIRECT=false if the proxy redirects HTTP.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not SECURE_SSL_REDIRECT:
        # The proxy in front redirects HTTP to HTTPS; Django need not (and must not, or
        # a proxy speaking plain HTTP to it would loop).
        SILENCED_SYSTEM_CHECKS = ["security.W008"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
