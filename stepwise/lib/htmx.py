"""The one way Stepwise detects an htmx request: django-htmx's ``request.htmx``.

`HtmxMiddleware` comes before every Stepwise middleware in settings.MIDDLEWARE, so the session
timeout and MFA middleware read it too; nothing reads the ``HX-Request`` header by hand
(tests/test_one_way.py fails if a module does).
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


def htmx_details(request: HttpRequest) -> HtmxDetails:
    details: HtmxDetails = request.htmx  # type: ignore[attr-defined]  # set by HtmxMiddleware
    return details


def is_htmx(request: HttpRequest) -> bool:
    return bool(htmx_details(request))
