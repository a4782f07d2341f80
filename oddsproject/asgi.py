"""
ASGI config for oddsproject project.

It exposes the ASGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/asgi/
"""

import os

from django.core.asgi import get_asgi_application

from oddsproject.embedded_db import use_embedded_database_if_unset

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oddsproject.settings")
use_embedded_database_if_unset()

application = get_asgi_application()
