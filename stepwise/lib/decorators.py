"""View decorators for roles. Without the role a page answers 404: it does not exist for you."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from stepwise.audit.actions import record_access
from stepwise.lib.roles import roles_for

View = Callable[..., HttpResponseBase]


def therapist_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not roles_for(request).therapist:
            _deny(request, view, kwargs)
        return view(request, *args, **kwargs)

    return wrapper


def practice_admin_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not roles_for(request).admin:
            _deny(request, view, kwargs)
        return view(request, *args, **kwargs)

    return wrapper


def _deny(request: HttpRequest, view: View, kwargs: dict[str, Any]) -> None:
    """Refuse with 404, and write the attempt to the access log."""
    client_id = kwargs.get("client_id")
    record_access(request, f"denied.{view.__name__}", client_id, allowed=False)
    raise Http404("Not found.")
