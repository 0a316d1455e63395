"""Public pages and the role-based home redirect."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import last_modified, require_safe
from django.views.i18n import JavaScriptCatalog

from stepwise.clinic.decorators import therapist_required
from stepwise.clinic.roles import roles_for
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


# The catalogue changes only with a deploy: a browser may keep it for an hour, then asks again
# (If-Modified-Since) and gets a 304 until the server restarts with new words.
_STARTED = timezone.now().replace(microsecond=0)
CATALOGUE_MAX_AGE = 60 * 60
_catalogue = JavaScriptCatalog.as_view(domain="djangojs")


@login_not_required
@require_safe
@last_modified(lambda request, language: _STARTED)
def javascript_catalog(request: HttpRequest, language: str) -> HttpResponseBase:
    """The words of `static/js/` in `language` (gettext, ngettext, interpolate for the scripts).

    The language is in the address, not taken from the visitor: the answer is the same for
    everyone, holds no personal data, and may be cached (PrivateDataHeadersMiddleware leaves it
    alone, see `same_for_everyone`)."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    with translation.override(language):
        response = _catalogue(request)
    patch_cache_control(response, public=True, max_age=CATALOGUE_MAX_AGE)
    return response


javascript_catalog.same_for_everyone = True  # type: ignore[attr-defined]


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
    ("--text-2xl", pgettext_lazy("style page", "Page title (h1)")),
    ("--text-xl", pgettext_lazy("style page", "Big numbers")),
    ("--text-lg", pgettext_lazy("style page", "Section title (h2), task titles")),
    ("--text-base", pgettext_lazy("style page", "Body text")),
    ("--text-sm", pgettext_lazy("style page", "Small print, captions")),
]
