"""Writing access records. Nothing clinical goes in: who, whose, what, when, where, outcome."""

from __future__ import annotations

from django.http import HttpRequest

from stepwise.audit.models import AccessLog, Outcome


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def record_access(
    request: HttpRequest, action: str, client_id: int | None, *, allowed: bool = True
) -> AccessLog:
    user = request.user if request.user.is_authenticated else None
    return AccessLog.objects.create(
        actor=user,
        client_id=client_id,
        action=action,
        path=request.path[:300],
        ip=client_ip(request),
        outcome=Outcome.ALLOWED if allowed else Outcome.DENIED,
    )
