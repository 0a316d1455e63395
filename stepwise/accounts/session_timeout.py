"""Idle timeout and absolute lifetime of signed-in sessions.

Every request by a signed-in person checks two clocks kept in the session: the last activity
(idle timeout, default 30 minutes) and the sign-in time (absolute lifetime, default 12 hours).
Background requests (polling, marked with the ``X-Stepwise-Background`` header) are checked but
do not count as activity, so an open tab alone never keeps a session alive.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

STARTED = "_stepwise_started"
SEEN = "_stepwise_seen"
BACKGROUND_HEADER = "HTTP_X_STEPWISE_BACKGROUND"


@receiver(user_logged_in)
def start_the_clocks(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED] = now
        request.session[SEEN] = now


def idle_limit_seconds() -> int:
    return int(settings.STEPWISE_IDLE_MINUTES) * 60


def expired(session: Any, now: float) -> str | None:
    """Why this session has ended ("idle" or "lifetime"), or None while it is alive."""
    started = session.get(STARTED)
    seen = session.get(SEEN)
    if started is None or seen is None:
        return None
    if now - float(started) > settings.STEPWISE_SESSION_HOURS * 3600:
        return "lifetime"
    if now - float(seen) > idle_limit_seconds():
        return "idle"
    return None


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            reason = expired(request.session, now)
            if reason is not None:
                return self._signed_out(request, reason)
            if STARTED not in request.session:  # sessions from before this feature
                request.session[STARTED] = now
            if not request.META.get(BACKGROUND_HEADER):
                request.session[SEEN] = now
        return self.get_response(request)

    def _signed_out(self, request: HttpRequest, reason: str) -> HttpResponse:
        path = request.get_full_path()
        logout(request)
        if reason == "idle":
            minutes = settings.STEPWISE_IDLE_MINUTES
            text = f"You were signed out after {minutes} minutes without activity."
        else:
            text = (
                "You were signed out because you signed in a long time ago. Please sign in again."
            )
        messages.info(request, text)
        login_url = f"{reverse('account_login')}?{urlencode({'next': path})}"
        if request.headers.get("HX-Request") or request.META.get(BACKGROUND_HEADER):
            response = HttpResponse(status=401)
            response["HX-Redirect"] = login_url
            return response
        return HttpResponseRedirect(login_url)
