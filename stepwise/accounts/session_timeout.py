"""Idle timeout and absolute lifetime of signed-in sessions.

Every request by a signed-in person checks two clocks kept in the session: the last activity
(idle timeout, default 30 minutes) and the sign-in time (absolute lifetime, default 12 hours).
Background requests (polling, marked with the ``X-Stepwise-Background`` header) are checked but
do not count as activity, so an open tab alone never keeps a session alive.

A client who chose "keep me signed in on this device" (`device.py`) has other clocks: the session
lives up to 30 days, and after 15 idle minutes it locks and asks for their PIN instead of
signing them out. Staff never have such a session: the middleware drops one it finds.
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
from django.utils.translation import gettext, ngettext

from stepwise.accounts import device
from stepwise.accounts.actions import devices
from stepwise.accounts.clocks import SEEN, STARTED
from stepwise.accounts.rules import is_staff_request
from stepwise.lib.htmx import is_htmx

BACKGROUND_HEADER = "HTTP_X_STEPWISE_BACKGROUND"


@receiver(user_logged_in)
def start_the_clocks(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED] = now
        request.session[SEEN] = now
        # A new sign-in starts with the ordinary limits; "keep me signed in" is chosen again.
        if device.is_remembered(request.session):
            devices.forget(request)


# The last activity is written to the session at most this often: a page that changes nothing
# writes nothing in between. The idle clocks count from the written stamp, so a session may end
# up to this much earlier than the last request would have it, never later.
SEEN_EVERY_SECONDS = 60


def idle_limit_seconds() -> int:
    return int(settings.STEPWISE_IDLE_MINUTES) * 60


def mark_active(session: Any, now: float, *, at_once: bool = False) -> None:
    """Stamp the last activity if the stamp is a minute old (or `at_once`: "Stay signed in")."""
    seen = session.get(SEEN)
    if at_once or seen is None or now - float(seen) >= SEEN_EVERY_SECONDS:
        session[SEEN] = now


def idle_seconds_left(session: Any, limit: int, now: float) -> int:
    """Seconds until the idle clock ends this session (or locks it), from the written stamp: what
    the page's warning counts down from."""
    seen = session.get(SEEN)
    if seen is None:
        return limit
    return max(0, min(limit, limit - int(now - float(seen))))


def expired(session: Any, now: float) -> str | None:
    """Why this session has ended ("idle" or "lifetime"), or None while it is alive.

    A remembered device's session is never "idle": it locks instead (see `needs_pin`).
    """
    started = session.get(STARTED)
    seen = session.get(SEEN)
    if device.is_remembered(session):
        return "lifetime" if now > float(session[device.KEEP_UNTIL]) else None
    if started is None or seen is None:
        return None
    if now - float(started) > settings.STEPWISE_SESSION_HOURS * 3600:
        return "lifetime"
    if now - float(seen) > idle_limit_seconds():
        return "idle"
    return None


def needs_pin(session: Any, now: float) -> bool:
    """A remembered device that is locked, or has been idle for 15 minutes."""
    if not device.is_remembered(session):
        return False
    if device.is_locked(session):
        return True
    seen = session.get(SEEN)
    return seen is not None and now - float(seen) > device.pin_idle_seconds()


def _is_staff(request: HttpRequest) -> bool:
    """`device.may_keep_signed_in`'s answer from what the session keeps (no query)."""
    return is_staff_request(request)


def _open_while_locked() -> tuple[str, ...]:
    return (
        reverse("accounts:unlock"),
        reverse("account_logout"),
        "/static/",
        "/favicon",
        "/jsi18n/",
    )


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            if device.is_remembered(session) and _is_staff(request):
                devices.forget(request)  # became staff: the staff limits apply from now on
            reason = expired(session, now)
            if reason is not None:
                return self._signed_out(request, reason)
            if needs_pin(session, now):
                device.lock(session)
                if not request.path.startswith(_open_while_locked()):
                    return self._ask_for_pin(request)
                return self.get_response(request)  # the PIN page itself, or signing out
            if STARTED not in session:  # sessions from before this feature
                session[STARTED] = now
            if not request.META.get(BACKGROUND_HEADER):
                mark_active(session, now)
        return self.get_response(request)

    def _ask_for_pin(self, request: HttpRequest) -> HttpResponse:
        unlock_url = f"{reverse('accounts:unlock')}?{urlencode({'next': request.get_full_path()})}"
        background = is_htmx(request) or request.META.get(BACKGROUND_HEADER)
        if background or request.path == reverse("accounts:keepalive"):
            response = HttpResponse(status=401)
            response["HX-Redirect"] = unlock_url
            return response
        return HttpResponseRedirect(unlock_url)

    def _signed_out(self, request: HttpRequest, reason: str) -> HttpResponse:
        path = request.get_full_path()
        logout(request)
        if reason == "idle":
            minutes = settings.STEPWISE_IDLE_MINUTES
            text = ngettext(
                "You were signed out after %(minutes)d minute without activity.",
                "You were signed out after %(minutes)d minutes without activity.",
                minutes,
            ) % {"minutes": minutes}
        else:
            text = gettext(
                "You were signed out because you signed in a long time ago. Please sign in again."
            )
        messages.info(request, text)
        login_url = f"{reverse('account_login')}?{urlencode({'next': path})}"
        if is_htmx(request) or request.META.get(BACKGROUND_HEADER):
            response = HttpResponse(status=401)
            response["HX-Redirect"] = login_url
            return response
        return HttpResponseRedirect(login_url)
