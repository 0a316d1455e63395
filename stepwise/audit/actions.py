"""Writing access records (the app's one write). Nothing clinical goes in: who, whose, what,
when, where, outcome."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from stepwise.audit.models import AccessLog, Outcome


def client_ip(request: HttpRequest) -> str | None:
    """The address login throttling sees too: REMOTE_ADDR, or behind STEPWISE_TRUSTED_PROXIES
    proxies the entry they appended to X-Forwarded-For (never one the client wrote itself)."""
    from allauth.account.adapter import get_adapter
    from django.core.exceptions import ImproperlyConfigured, PermissionDenied

    try:
        return str(get_adapter(request).get_client_ip(request)) or None
    except (PermissionDenied, ImproperlyConfigured, ValueError):
        return None


def record_access(
    request: HttpRequest, action: str, client_id: int | None, *, allowed: bool = True
) -> AccessLog:
    user = request.user if request.user.is_authenticated else None
    if client_id is not None and not -(2**63) <= client_id < 2**63:
        client_id = None  # an id no row can have (a tampered URL); the path still records it
    return AccessLog.objects.create(
        actor=user,
        client_id=client_id,
        action=action,
        path=request.path[:300],
        ip=client_ip(request),
        outcome=Outcome.ALLOWED if allowed else Outcome.DENIED,
    )


def record_unattended(
    action: str, client_id: int | None, path: str, *, actor: AbstractBaseUser | None = None
) -> AccessLog:
    """An access without a request: the worker telling admins about an alert, an operator's
    command erasing a record. `path` names what was reached (a page or the command)."""
    return AccessLog.objects.create(
        actor_id=actor.pk if actor is not None else None,
        client_id=client_id,
        action=action,
        path=path[:300],
        ip=None,
        outcome=Outcome.ALLOWED,
    )
