"""In-session mode: the therapist hands the device over, and only the questionnaire is reachable.

Starting an in-session assessment puts a flag in the therapist's session. While it is there, the
middleware sends every other page (caseload, other clients, settings, the admin) back to the
questionnaire, until the therapist re-enters their password (or signs out). Too many wrong
passwords sign the session out, so guessing is no way round the lock.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from stepwise.lib.htmx import is_htmx

SESSION_KEY = "stepwise_in_session"
MAX_PASSWORD_FAILURES = 5
ANSWERING = "answering"
DONE = "done"

# The pages reachable while the device is handed over.
OPEN_WHILE_LOCKED = frozenset(
    {
        "assessments:in_session",
        "assessments:in_session_done",
        "assessments:in_session_end",
        "account_logout",
        "accounts:keepalive",
        "healthz",
    }
)


@dataclass
class InSession:
    therapist_id: int
    client_id: int
    instrument_id: int
    # A random, non-clinical id: the key of the browser-side draft of the answers.
    draft_id: str
    state: str = ANSWERING
    response_id: int | None = None
    show_crisis_message: bool = False
    password_failures: int = 0


def current(request: HttpRequest) -> InSession | None:
    """The in-session assessment running in this browser session, if any."""
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict) or not request.user.is_authenticated:
        return None
    try:
        state = InSession(**stored)
    except TypeError:
        return None
    return state if state.therapist_id == request.user.pk else None


def begin(request: HttpRequest, *, client_id: int, instrument_id: int) -> InSession:
    assert request.user.pk is not None
    state = InSession(
        therapist_id=int(request.user.pk),
        client_id=client_id,
        instrument_id=instrument_id,
        draft_id=secrets.token_urlsafe(12),
    )
    save(request, state)
    return state


def save(request: HttpRequest, state: InSession) -> None:
    request.session[SESSION_KEY] = asdict(state)


def end(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    # The next page the therapist sees clears the browser's draft of the answers, if any is left.


def page_for(state: InSession) -> str:
    name = "assessments:in_session_done" if state.state == DONE else "assessments:in_session"
    return reverse(name)


class InSessionLockMiddleware:
    """Sends every page but the in-session ones back to the questionnaire while it is running."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not getattr(request, "user", None) or not request.user.is_authenticated:
            return None
        state = current(request)
        if state is None:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_WHILE_LOCKED:
            return None
        target = page_for(state)
        if is_htmx(request):
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return redirect(target)
