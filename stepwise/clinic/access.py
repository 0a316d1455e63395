"""Who may see what. Every client lookup goes through here and answers 404 when out of scope.

A client record is visible to its care team (assigned therapists), to the client themself and
to linked caregivers. Practice admins manage members but see client records only where they are
on the care team: being an admin is not a reason to read someone's therapy record.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest

from stepwise.accounts.models import User
from stepwise.audit.actions import record_access
from stepwise.clinic.models import Client, ClientQuerySet, Membership


def membership_of(user: User | AnonymousUser) -> Membership | None:
    if not user.is_authenticated:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def caseload_for(user: User | AnonymousUser) -> ClientQuerySet:
    """Clients this user treats (the therapist's caseload)."""
    if not user.is_authenticated:
        return Client.objects.none()
    return Client.objects.filter(therapists=user, practice__memberships__user=user)


def on_care_team(user: User, client: Client) -> bool:
    """Whether the user treats this client: on the care team and a member of its practice (the
    same rule as `caseload_for`, for actions that are handed a client)."""
    return caseload_for(user).filter(pk=client.pk).exists()


def visible_clients_for(user: User | AnonymousUser) -> ClientQuerySet:
    """Every client whose record this user may open, in any role."""
    if not user.is_authenticated:
        return Client.objects.none()
    return Client.objects.filter(pk__in=_visible_ids_subquery(user))


def _visible_ids_subquery(user: User) -> ClientQuerySet:
    from django.db.models import Q

    return Client.objects.filter(
        Q(therapists=user, practice__memberships__user=user)
        | Q(user=user)
        | Q(caregiver_links__caregiver=user)
    ).values("pk")  # type: ignore[return-value]


def get_client_for_therapist(request: HttpRequest, client_id: int, action: str) -> Client:
    """The client if the signed-in user is on its care team; otherwise 404 (and audited)."""
    client = caseload_for(request.user).filter(pk=client_id).select_related("practice").first()
    if client is None:
        record_access(request, action, client_id, allowed=False)
        raise Http404("No such client.")
    record_access(request, action, client.pk)
    return client


def get_client_for_user(request: HttpRequest, client_id: int, action: str) -> Client:
    """The client if the user may see it in any role (care team, self, caregiver); else 404."""
    client = visible_clients_for(request.user).filter(pk=client_id).first()
    if client is None:
        record_access(request, action, client_id, allowed=False)
        raise Http404("No such client.")
    record_access(request, action, client.pk)
    return client


def own_client_profile(user: User | AnonymousUser) -> Client | None:
    if not user.is_authenticated:
        return None
    try:
        return user.client_profile
    except Client.DoesNotExist:
        return None


def caregiver_clients(user: User | AnonymousUser) -> ClientQuerySet:
    if not user.is_authenticated:
        return Client.objects.none()
    return Client.objects.filter(caregiver_links__caregiver=user, discharged_at__isnull=True)
