"""gunicorn settings for Stepwise: `gunicorn -c python:stepwise.gunicorn_conf stepwise.wsgi`.

The access log leaves out query strings, user agents and referrers, and its handler drops URL
secrets (sign-in links, invitations, reset keys, calendar feeds): see `stepwise.lib.redact`.
Command-line options (bind, workers, timeout) still apply on top of these.
"""

from __future__ import annotations

# Method and path without the query string; status; request time in seconds.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(L)s'

# gunicorn merges this over its own defaults key by key, so the whole of each is given here.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"secret_paths": {"()": "stepwise.lib.redact.RedactSecretPaths"}},
    "formatters": {
        "access": {"format": "%(message)s"},
        "generic": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"},
    },
    "handlers": {
        "access": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "access",
            "filters": ["secret_paths"],
        },
        "error": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "generic",
            "filters": ["secret_paths"],
        },
    },
    "root": {"level": "INFO", "handlers": ["error"]},
    "loggers": {
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
}
