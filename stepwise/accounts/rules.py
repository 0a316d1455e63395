"""Who is staff, and who may sign in by an emailed link: one answer for every caller.

A sign-in link skips the password and the second factor, so it is only for people who have
neither to lose: clients and carers. Anyone who can reach client data or the Django admin
(Django staff or superusers, practice members) or who has enrolled an authenticator is refused,
both when a link is asked for and when one is used, so a link issued before someone became
staff dies with the change.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from stepwise.accounts.models import User

# Where a session keeps whether its user is a practice member, with the user's generations it
# was read at (`is_staff_request`).
MEMBER_KEY = "_stepwise_member"


def generations(user: User) -> list[int]:
    """What a session's kept roles, membership and second-factor state are valid for: this
    user, until they sign out everywhere (the second) or what they are changes (the third,
    moved on by `accounts.actions.roles_changed`)."""
    return [user.pk, user.session_generation, user.roles_generation]


def is_staff_account(user: User | AnonymousUser) -> bool:
    """Therapists, practice admins, and Django staff or superusers."""
    if not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or hasattr(user, "membership"))


def may_sign_in_by_link(user: User) -> bool:
    if not user.is_active or is_staff_account(user):
        return False
    # Someone who set up a second factor has chosen to be asked for it.
    return not Authenticator.objects.filter(user=user).exists()


def is_staff_request(request: HttpRequest) -> bool:
    """`is_staff_account` for the signed-in person of this request, asking the database once a
    session: whether they are a practice member is kept in the session for their generations
    (accounts sits below clinic, so it reads the membership by the user's own relation)."""
    user = request.user
    if not isinstance(user, User):
        return False
    if user.is_staff or user.is_superuser:
        return True
    session = getattr(request, "session", None)
    kept = session.get(MEMBER_KEY) if session is not None else None
    if kept is not None and kept[0] == generations(user):
        return bool(kept[1])
    member = hasattr(user, "membership")
    if session is not None:
        session[MEMBER_KEY] = [generations(user), member]
    return member
