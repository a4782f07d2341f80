"""Settings for the test suite: the project's settings in development mode.

``DJANGO_DEBUG`` defaults to false (a deployment that forgets it must not run with debug
and the development key); the suite, like ``run.py``, turns it on unless the environment
says otherwise. Set in the environment (not only here), so the ``manage.py`` processes
some tests start inherit it.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from oddsproject.settings import *  # noqa: F403
