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
        membership = Membership.objects.filter(user=user).values("role", "practice_id").first()
        roles = Roles(
            therapist=membership is not None,
            admin=membership is not None and membership["role"] == "admin",
            client=Client.objects.filter(user=user).exists(),
            caregiver=CaregiverLink.objects.filter(caregiver=user).exists(),
            practice_id=membership["practice_id"] if membership else None,
        )
    request._stepwise_roles = roles  # type: ignore[attr-defined]
    return roles
