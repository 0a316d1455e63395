"""Who may use the reminder pages: a client their own (audited), a caregiver theirs; 404
otherwise."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from stepwise.accounts.models import User
from stepwise.audit.actions import record_access
from stepwise.clinic.access import caregiver_clients, own_client_profile
from stepwise.clinic.models import Client


def own_client(request: HttpRequest, action: str) -> Client:
    """The signed-in person's own client record; 404 (audited) for anyone else."""
    client = own_client_profile(request.user)
    if client is None or client.discharged_at is not None:
        record_access(request, action, None, allowed=False)
        raise Http404("Not found.")
    record_access(request, action, client.pk)
    return client


def caregiver_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not caregiver_clients(user).exists():
        raise Http404("Not found.")
    return user
