"""Settings for the test suite: the project's settings in development mode.

``DJANGO_DEBUG`` defaults to false (a deployment that forgets it must not run with debug
and the development key); the suite, like ``run.py``, turns it on unless the environment
says otherwise. Set in the environment (not only here), so the ``manage.py`` processes
some tests start inherit it.

The suite is a launcher like ``manage.py``: with ``DATABASE_URL`` unset it starts (or
joins) the embedded server here, before the project's settings read the environment.
"""

import os

from oddsproject.embedded_db import use_embedded_database_if_unset

os.environ.setdefault("DJANGO_DEBUG", "true")
use_embedded_database_if_unset()

from oddsproject.settings import *  # noqa: E402, F403
