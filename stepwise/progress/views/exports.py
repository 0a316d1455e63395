"""Downloads and printouts: a client's CSV, printable report and FHIR Bundle; practice figures.

Every export is audited like a page (one access record, denial included) and answers with
`Cache-Control: no-store`. Practice figures are counts and rates only, for practice admins.
"""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from stepwise.audit.actions import record_access
from stepwise.clinic.access import get_client_for_therapist, own_client_profile
from stepwise.lib.decorators import practice_admin_required, therapist_required
from stepwise.lib.roles import roles_for, signed_in_user
from stepwise.lib.tz import local_today
from stepwise.progress import exports, fhir, practice


@require_safe
@therapist_required
def client_csv(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(request, client_id, "export.client_csv")
    body = exports.write_csv(exports.CLIENT_CSV_HEADERS, exports.client_csv_rows(client))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    today = local_today(client.time_zone, timezone.now())
    exports.export_headers(response, f"stepwise-client-{client.pk}-{today.isoformat()}.csv")
    return response


@require_safe
@therapist_required
def client_report(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(request, client_id, "export.report")
    report = exports.build_report(client, signed_in_user(request).time_zone)
    return render(request, "progress/report.html", {"client": client, "report": report})


@require_safe
@therapist_required
def client_fhir(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(request, client_id, "export.fhir")
    bundle = fhir.build_bundle(client, now=timezone.now())
    response = HttpResponse(
        json.dumps(bundle, ensure_ascii=False, indent=1),
        content_type="application/fhir+json; charset=utf-8",
    )
    today = local_today(client.time_zone, timezone.now())
    exports.export_headers(response, f"stepwise-client-{client.pk}-{today.isoformat()}.fhir.json")
    return response


@require_safe
@practice_admin_required
def practice_figures(request: HttpRequest) -> HttpResponse:
    practice_id = roles_for(request).practice_id
    assert practice_id is not None
    figures = practice.practice_figures(practice_id)
    record_access(request, "progress.practice_figures", None)
    return render(request, "progress/practice_figures.html", {"figures": figures})


@require_safe
@practice_admin_required
def practice_csv(request: HttpRequest) -> HttpResponse:
    practice_id = roles_for(request).practice_id
    assert practice_id is not None
    figures = practice.practice_figures(practice_id)
    record_access(request, "export.practice_csv", None)
    body = exports.write_csv(practice.CSV_HEADERS, practice.csv_rows(figures))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    exports.export_headers(
        response, f"stepwise-practice-adherence-{timezone.localdate().isoformat()}.csv"
    )
    return response


@require_safe
def my_data(request: HttpRequest) -> HttpResponse:
    """A client downloads everything Stepwise holds about them: JSON and CSV in one zip."""
    client = own_client_profile(request.user)
    if client is None:
        record_access(request, "export.own_data", None, allowed=False)
        raise Http404("Not found.")
    record_access(request, "export.own_data", client.pk)
    archive = exports.own_data_zip(client, now=timezone.now())
    response = HttpResponse(archive, content_type="application/zip")
    today = local_today(client.time_zone, timezone.now())
    exports.export_headers(response, f"my-stepwise-data-{today.isoformat()}.zip")
    return response
