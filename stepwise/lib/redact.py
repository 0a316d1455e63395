"""Secrets that travel in URL paths (sign-in links, invitations, password reset and email
confirmation keys, calendar feeds, unsubscribe links) kept out of request logs.

`RedactSecretPaths` is a logging filter for the app's own server (`runserver`, `serve`), for
Django's request warnings and for gunicorn's access log (`stepwise/gunicorn_conf.py`); nginx uses
the `map` in docs/deployment.md with the same prefixes. A test walks every URL pattern that
takes a token or key and checks it is covered here.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

# The path prefix each secret follows; the secret runs to the next "/", "?", quote or space
# (the calendar feed's to its ".ics").
_SEGMENT = r"[^/?#\s\"']+"
SECRET_PATHS = (
    re.compile(r"(/invite/)" + _SEGMENT),
    re.compile(r"(/accounts/link/)" + _SEGMENT),
    re.compile(r"(/accounts/confirm-email/)" + _SEGMENT),
    re.compile(r"(/accounts/password/reset/key/)(?!done/)" + _SEGMENT),
    re.compile(r"(/r/calendar/)[^/?#\s\"']+?(?=\.ics)"),
    re.compile(r"(/r/unsubscribe/)" + _SEGMENT),
)


def redact_paths(text: str) -> str:
    """`text` (a log line, a request line, a path) with every URL secret replaced."""
    for pattern in SECRET_PATHS:
        text = pattern.sub(r"\g<1>" + REDACTED, text)
    return text


class RedactSecretPaths(logging.Filter):
    """Rewrite a log record whose message carries a URL secret; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_paths(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
