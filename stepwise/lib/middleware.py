"""Request-wide middleware: the reader's time zone and language, headers for pages with client
data, and request bodies bounded by URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from stepwise.lib.language import reader_language
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


class ReaderLanguageMiddleware:
    """A signed-in person reads every page in their own language (`User.language`).

    Placed after AuthenticationMiddleware: the user row it reads is the one loaded for the
    request anyway (no query of its own). Before sign-in, LocaleMiddleware has chosen already
    (the switcher's cookie, else Accept-Language). The person's language also becomes this
    browser's cookie, so the pages after signing out stay in it. `Content-Language` names the
    language of the page; it varies with the cookie (the session's person, the switcher's
    choice) and with Accept-Language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        own = ""
        if user is not None and user.is_authenticated:
            own = reader_language(user.language)
            # Activated, not overridden: LocaleMiddleware's response half reads it too.
            translation.activate(own)
            request.LANGUAGE_CODE = own
        response = self.get_response(request)
        if own:
            response.headers["Content-Language"] = own
            cookie = settings.LANGUAGE_COOKIE_NAME
            if request.COOKIES.get(cookie) != own:
                response.set_cookie(
                    cookie,
                    own,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    path=settings.LANGUAGE_COOKIE_PATH,
                    domain=settings.LANGUAGE_COOKIE_DOMAIN,
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                    httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                )
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        return response


class PrivateDataHeadersMiddleware:
    """Signed-in pages (and their htmx fragments) are never stored by browsers or proxies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        view = getattr(getattr(request, "resolver_match", None), "func", None)
        shared = getattr(view, "same_for_everyone", False)  # e.g. the JavaScript catalogue
        if (
            not shared
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, private, max-age=0"
            patch_vary_headers(response, ["Cookie"])
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        )
        return response


# Room for the multipart envelope and the other fields around an uploaded file.
FORM_OVERHEAD_BYTES = 64 * 1024

BodyLimit = int | Callable[[], int]


def body_limit(limit: BodyLimit) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a view that takes an upload: bodies up to `limit` bytes (plus the form around it)
    reach it; the request-size middleware refuses larger ones before anything reads them."""

    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        view.max_body_bytes = limit  # type: ignore[attr-defined]
        return view

    return mark


def declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0  # as Django's own request handling reads a malformed header


class RequestSizeLimitMiddleware:
    """Answer 413 to a body larger than its URL accepts, from the declared length alone.

    Placed before CsrfViewMiddleware, which parses a POST body (writing uploads to disk) to find
    its token: an oversized upload is refused before a byte of it is read. Views marked with
    `body_limit` accept their upload size; every other URL takes ordinary form data only
    (DATA_UPLOAD_MAX_MEMORY_SIZE). A body without a length (chunked) is bounded by the proxy
    (docs/deployment.md), as Django's WSGI handler reads no more than the declared length.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = declared_length(request)
        if declared:
            limit = self._limit_for(request)
            if limit is not None and declared > limit:
                return render(
                    request,
                    "too_large.html",
                    {"limit_text": _size_text(limit - FORM_OVERHEAD_BYTES)},
                    status=413,
                )
        return self.get_response(request)

    @staticmethod
    def _limit_for(request: HttpRequest) -> int | None:
        form_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # None: the operator turned it off
        default = None if form_limit is None else int(form_limit) + FORM_OVERHEAD_BYTES
        try:
            view = resolve(request.path_info).func
        except Resolver404:
            return default
        limit: BodyLimit | None = getattr(view, "max_body_bytes", None)
        if limit is None:
            return default
        return (limit() if callable(limit) else limit) + FORM_OVERHEAD_BYTES


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size // (1024 * 1024)} MB"
    return f"{max(1, size // 1024)} KB"
