"""Public pages and the role-based home redirect."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from stepwise.lib.decorators import therapist_required
from stepwise.lib.roles import roles_for
from stepwise.reminders.health import fleet_health
from stepwise.reminders.models import WorkerKind

_WORKER_NAMES: dict[str, str] = {
    WorkerKind.REMINDERS: "reminder_worker",
    WorkerKind.TASKS: "task_worker",
}


@login_not_required
@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "landing.html")


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers and each kind of worker is alive, 503 otherwise.

    A kind (reminder worker, task worker) is reported once one of its workers has ever beaten (or
    STEPWISE_WORKER_EXPECTED / STEPWISE_TASK_WORKER_EXPECTED says it should run), so an install
    that does not run it is not "down"; with several workers of a kind, the newest beat counts and
    `..._alive` says how many beat recently. Says nothing about any client.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        workers = fleet_health()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    body: dict[str, object] = {"status": "ok", "database": "ok"}
    for worker in workers:
        if worker.reported:
            name = _WORKER_NAMES[worker.kind]
            body[name] = "ok" if worker.healthy else "stale"
            body[f"{name}_age_seconds"] = worker.age_seconds
            body[f"{name}s_alive"] = worker.alive
    if not all(worker.healthy for worker in workers):
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


@therapist_required
@require_safe
def style_guide(request: HttpRequest) -> HttpResponse:
    """The living style page: every component of the design system, as the pages use it
    (staff only; sample text, no client data)."""
    return render(request, "style.html", {"scale": range(11), "sizes": _TYPE_SCALE})


_TYPE_SCALE = [
    ("--text-2xl", "Page title (h1)"),
    ("--text-xl", "Big numbers"),
    ("--text-lg", "Section title (h2), task titles"),
    ("--text-base", "Body text"),
    ("--text-sm", "Small print, captions"),
]
