"""View decorators for roles. A person without the role gets 404: the page does not exist for them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from stepwise.lib.roles import roles_for

View = Callable[..., HttpResponse]


def therapist_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not roles_for(request).therapist:
            raise Http404("Not found.")
        return view(request, *args, **kwargs)

    return wrapper


def practice_admin_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not roles_for(request).admin:
            raise Http404("Not found.")
        return view(request, *args, **kwargs)

    return wrapper
