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

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oddsproject.settings")

app = Celery("oddsproject")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
