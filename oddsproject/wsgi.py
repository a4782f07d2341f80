"""
WSGI config for oddsproject project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

from oddsproject.embedded_db import use_embedded_database_if_unset

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oddsproject.settings")
use_embedded_database_if_unset()

application = get_wsgi_application()
