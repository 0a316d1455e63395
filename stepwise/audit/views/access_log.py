"""Reading the access log: practice admins browse, filter and export it; a client sees which
staff looked at their record. Nothing here can change a record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from stepwise.audit.actions import record_access
from stepwise.audit.forms import AuditFilterForm
from stepwise.audit.models import AccessLog
from stepwise.clinic.access import own_client_profile
from stepwise.clinic.decorators import practice_admin_required
from stepwise.clinic.models import Client, Membership
from stepwise.clinic.roles import roles_for
from stepwise.lib.spreadsheet import csv_line_writer

PAGE_SIZE = 50


def _practice_log(request: HttpRequest) -> QuerySet[AccessLog]:
    practice_id = roles_for(request).practice_id
    assert practice_id is not None  # practice_admin_required
    clients = Client.objects.filter(practice_id=practice_id).values("pk")
    members = Membership.objects.filter(practice_id=practice_id).values("user_id")
    return AccessLog.objects.filter(Q(client_id__in=clients) | Q(actor_id__in=members))


def _filtered(request: HttpRequest, form: AuditFilterForm) -> QuerySet[AccessLog]:
    entries = _practice_log(request)
    if form.is_valid():
        data = form.cleaned_data
        if data.get("actor"):
            entries = entries.filter(actor__email__iexact=data["actor"])
        if data.get("client_id"):
            entries = entries.filter(client_id=data["client_id"])
        if data.get("action"):
            entries = entries.filter(action__startswith=data["action"])
        if data.get("outcome"):
            entries = entries.filter(outcome=data["outcome"])
        zone = timezone.get_current_timezone()
        if data.get("since"):
            entries = entries.filter(at__gte=datetime.combine(data["since"], time.min, zone))
        if data.get("until"):
            entries = entries.filter(at__lte=datetime.combine(data["until"], time.max, zone))
    return entries.select_related("actor").order_by("-at", "-id")


@require_safe
@practice_admin_required
def practice_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    page = Paginator(_filtered(request, form), PAGE_SIZE).get_page(request.GET.get("page"))
    record_access(request, "audit.browse", None)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/practice_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_safe
@practice_admin_required
def practice_log_csv(request: HttpRequest) -> StreamingHttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = _filtered(request, form)
    record_access(request, "audit.export", None)
    writer = csv_line_writer()
    # The header in the reader's language, made now: the rows stream after the view returns.
    header = [
        pgettext("CSV header", "when (UTC)"),
        pgettext("CSV header", "who"),
        pgettext("CSV header", "client id"),
        pgettext("CSV header", "what"),
        pgettext("CSV header", "path"),
        pgettext("CSV header", "ip"),
        pgettext("CSV header", "outcome"),
    ]

    def rows() -> Iterator[str]:
        yield writer.writerow(header)
        for entry in entries.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    entry.at.astimezone(UTC).isoformat(),
                    entry.actor.email if entry.actor else "",
                    entry.client_id or "",
                    entry.action,
                    entry.path,
                    entry.ip or "",
                    entry.outcome,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="access-log.csv"'
    return response


@require_safe
def my_record_views(request: HttpRequest) -> HttpResponse:
    """Which staff opened my record, and when (names of staff only)."""
    profile = own_client_profile(request.user)
    if profile is None:
        raise Http404("Not found.")
    record_access(request, "audit.own_views", profile.pk)
    staff = Membership.objects.filter(practice_id=profile.practice_id).values("user_id")
    entries = (
        AccessLog.objects.filter(client_id=profile.pk, outcome="allowed", actor_id__in=staff)
        .select_related("actor")
        .order_by("-at", "-id")[:200]
    )
    return render(request, "audit/my_record_views.html", {"entries": entries})
