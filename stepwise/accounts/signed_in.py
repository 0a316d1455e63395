"""The signed-in user, typed: the one way a view that only a signed-in person reaches gets it."""

from __future__ import annotations

from django.http import HttpRequest

from stepwise.accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user, typed, for views that only a signed-in person reaches."""
    user = request.user
    assert isinstance(user, User)
    return user
