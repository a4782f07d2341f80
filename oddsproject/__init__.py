"""The odds store's Django project. Importing it loads the Celery app, so that
``@shared_task`` functions bind to it wherever Django starts (worker, beat, runserver)."""

from oddsproject.celery import app as celery_app

__all__ = ("celery_app",)
