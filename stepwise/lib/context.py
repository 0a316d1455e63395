"""Template context shared by every page: the signed-in person's roles for the navigation."""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest

from stepwise.accounts import device
from stepwise.accounts.session_timeout import idle_limit_seconds, idle_seconds_left
from stepwise.lib.roles import roles_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": None}
    # The warning counts down from the last activity the session has written (at most a minute
    # behind the last request: see session_timeout.mark_active).
    now = time.time()
    if device.is_remembered(request.session):  # a client's device that locks behind a PIN
        return {
            "roles": roles_for(request),
            "idle_seconds": idle_seconds_left(request.session, device.pin_idle_seconds(), now),
            "pin_lock": True,
        }
    return {
        "roles": roles_for(request),
        "idle_seconds": idle_seconds_left(request.session, idle_limit_seconds(), now),
    }
