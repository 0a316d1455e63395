"""Public pages and the role-based home redirect."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from stepwise.lib.roles import roles_for
from stepwise.reminders.health import worker_health


@login_not_required
@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "landing.html")


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers and the reminder worker is alive, 503 otherwise.

    The worker is reported once it has ever beaten (or STEPWISE_WORKER_EXPECTED says it should
    run), so an install that does not use reminders is not "down". Says nothing about any client.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        worker = worker_health()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    body: dict[str, object] = {"status": "ok", "database": "ok"}
    if worker.reported:
        body["reminder_worker"] = "ok" if worker.healthy else "stale"
        body["reminder_worker_age_seconds"] = worker.age_seconds
    if not worker.healthy:
        body["status"] = "unavailable"
        return JsonResponse(body, status=503)
    return JsonResponse(body)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request)
    if roles.therapist:
        return redirect("progress:dashboard")
    if roles.client or roles.caregiver:
        return redirect("homework:client_home")
    return render(request, "no_role.html")
