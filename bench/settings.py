"""The app's settings, served for measuring: `bench.urls` adds the ceiling view, DEBUG is off.

DEBUG off is what production runs with (DEBUG on keeps every query in memory, which would slow the
pages it measures). Everything else, middleware and database options included, is the app's own.
"""

from stepwise.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
WSGI_APPLICATION = "bench.wsgi.application"
