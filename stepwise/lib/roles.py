"""What the signed-in person is here: therapist, admin, client, caregiver (once per request)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from stepwise.accounts.models import User


@dataclass(frozen=True)
class Roles:
    therapist: bool
    admin: bool
    client: bool
    caregiver: bool
    practice_id: int | None


# Where a session keeps the roles it read, with the user's generations they were read at.
SESSION_KEY = "_stepwise_roles"


def generations(user: User) -> list[int]:
    """What a session's kept roles (and second-factor state) are valid for: this user, until
    they sign out everywhere (the second) or what they are changes (the third)."""
    return [user.pk, user.session_generation, user.roles_generation]


def roles_for(request: HttpRequest) -> Roles:
    """The signed-in person's roles: read once a session (and again whenever the user's
    generations move on, see `accounts.actions.roles_changed`), kept in the session between."""
    cached: Roles | None = getattr(request, "_stepwise_roles", None)
    if cached is not None:
        return cached
    from stepwise.clinic.models import CaregiverLink, Client, Membership

    user = request.user
    session = getattr(request, "session", None)
    if not user.is_authenticated:
        roles = Roles(False, False, False, False, None)
    elif (
        session is not None
        and (kept := session.get(SESSION_KEY))
        and (kept.get("generations") == generations(user))
    ):
        roles = Roles(**kept["roles"])
    else:
        membership = Membership.objects.filter(user=user).values("role", "practice_id").first()
        roles = Roles(
            therapist=membership is not None,
            admin=membership is not None and membership["role"] == "admin",
            client=Client.objects.filter(user=user).exists(),
            caregiver=CaregiverLink.objects.filter(caregiver=user).exists(),
            practice_id=membership["practice_id"] if membership else None,
        )
        if session is not None:
            session[SESSION_KEY] = {
                "generations": generations(user),
                "roles": asdict(roles),
            }
    request._stepwise_roles = roles  # type: ignore[attr-defined]
    return roles


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user, typed, for views that only a signed-in person reaches."""
    from stepwise.accounts.models import User

    user = request.user
    assert isinstance(user, User)
    return user
