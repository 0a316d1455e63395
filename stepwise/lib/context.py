"""Template context shared by every page: the signed-in person's roles for the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from stepwise.accounts.session_timeout import idle_limit_seconds
from stepwise.lib.roles import roles_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": None}
    return {"roles": roles_for(request), "idle_seconds": idle_limit_seconds()}
