"""Request-wide middleware: the reader's time zone, and headers for pages with client data."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from stepwise.lib.tz import reader_zone


class ReaderTimeZoneMiddleware:
    """Every time a page or fragment shows is in the signed-in reader's own time zone.

    The one place that decides it: templates format instants with `|date` and Django converts
    them to the zone active here. Anonymous visitors read UTC (they see no one's data).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        name = user.time_zone if user is not None and user.is_authenticated else ""
        with timezone.override(reader_zone(name)):
            return self.get_response(request)


class PrivateDataHeadersMiddleware:
    """Signed-in pages (and their htmx fragments) are never stored by browsers or proxies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, private, max-age=0"
            patch_vary_headers(response, ["Cookie"])
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        )
        return response
