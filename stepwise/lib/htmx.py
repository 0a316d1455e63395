"""The one way Stepwise detects an htmx request (django-htmx sets ``request.htmx``)."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))
