"""What the signed-in person is here: therapist, admin, client, caregiver (once per request)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Roles:
    therapist: bool
    admin: bool
    client: bool
    caregiver: bool
    practice_id: int | None


def roles_for(request: HttpRequest) -> Roles:
    cached: Roles | None = getattr(request, "_stepwise_roles", None)
    if cached is not None:
        return cached
    from stepwise.clinic.models import CaregiverLink, Client, Membership

    user = request.user
    if not user.is_authenticated:
        roles = Roles(False, False, False, False, None)
    else:
        # `user.membership`, not a query of its own: the staff MFA middleware has usually read
        # it already (accounts.rules.is_staff_account), and the user caches it, even absent.
        try:
            membership: Membership | None = user.membership
        except Membership.DoesNotExist:
            membership = None
        roles = Roles(
            therapist=membership is not None,
            admin=membership is not None and membership.role == "admin",
            client=Client.objects.filter(user=user).exists(),
            caregiver=CaregiverLink.objects.filter(caregiver=user).exists(),
            practice_id=membership.practice_id if membership else None,
        )
    request._stepwise_roles = roles  # type: ignore[attr-defined]
    return roles
