"""The Celery app for scheduled and distributed scraping.

Workers and beat read their configuration from the Django settings prefixed ``CELERY_``
(broker from ``CELERY_BROKER_URL``, beat's schedule from the database through
django-celery-beat) and find the tasks in each app's ``tasks`` module::

    celery -A oddsproject worker --loglevel INFO
    celery -A oddsproject beat --loglevel INFO      # exactly one, anywhere
"""

from __future__ import annotations

import os

from celery import Celery

from oddsproject.embedded_db import use_embedded_database_if_unset

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oddsproject.settings")

app = Celery("oddsproject")


# Not at import: every Django process imports this module (oddsproject/__init__.py), and
# importing must not start a server. A worker or beat reads its configuration first thing,
# so this joins the embedded server (DATABASE_URL unset) before settings load.
@app.on_configure.connect
def _start_embedded_database(**kwargs: object) -> None:
    use_embedded_database_if_unset()


app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
