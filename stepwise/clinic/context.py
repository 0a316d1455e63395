"""Template context shared by every page: the signed-in person's roles for the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from stepwise.accounts import device
from stepwise.accounts.session_timeout import idle_limit_seconds
from stepwise.clinic.roles import roles_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": None}
    if device.is_remembered(request.session):  # a client's device that locks behind a PIN
        return {
            "roles": roles_for(request),
            "idle_seconds": device.pin_idle_seconds(),
            "pin_lock": True,
        }
    return {"roles": roles_for(request), "idle_seconds": idle_limit_seconds()}
