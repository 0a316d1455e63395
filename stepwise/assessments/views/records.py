"""A client's assessments for the care team: the overview, results over time, and alerts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from stepwise.accounts.models import User
from stepwise.accounts.signed_in import signed_in_user
from stepwise.assessments import actions, catalog
from stepwise.assessments.access import get_alert_for_client, get_instrument_for_client
from stepwise.assessments.forms import AcknowledgeAlertForm, NewEpisodeForm, StartInSessionForm
from stepwise.assessments.models import Alert, SharedResults
from stepwise.assessments.results import (
    build_results,
    describe_alerts,
    episode_starts,
    open_alerts,
    responses_for,
    summarise,
)
from stepwise.assessments.views.session import CLEAR_DRAFT_KEY
from stepwise.audit.actions import record_access
from stepwise.clinic.access import caseload_for, get_client_for_therapist
from stepwise.clinic.decorators import therapist_required
from stepwise.clinic.models import Client
from stepwise.clinic.roles import roles_for


def client_section(client: Client, user: User) -> dict[str, Any]:
    """What the Assessments section of a client's page shows (a few queries, whatever the
    number of responses). The caller has checked access and written the access record."""
    available = catalog.catalogue(client.practice_id)
    enabled = [a for a in available if a.enabled]
    return {
        "client": client,
        "summaries": summarise(client, available, user.time_zone),
        "start_form": StartInSessionForm(available=enabled),
        "can_start": client.discharged_at is None and bool(enabled),
        "results_shared": SharedResults.objects.filter(client=client).exists(),
    }


@require_safe
@therapist_required
def client_assessments(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(request, client_id, "assessment.overview")
    user = signed_in_user(request)
    context = client_section(client, user)
    context["alerts"] = describe_alerts(open_alerts().filter(client=client), user.time_zone)
    context["clear_draft"] = request.session.pop(CLEAR_DRAFT_KEY, "")
    return render(request, "assessments/client_assessments.html", context)


@require_safe
@therapist_required
def results(request: HttpRequest, client_id: int, instrument_id: int) -> HttpResponse:
    """The client's results for one instrument. The URL names it by the id of one of its
    versions, never by its key: the key (``phq9``) would put a clinical name into the address,
    the logs and the browser's history."""
    client = get_client_for_therapist(request, client_id, "assessment.results")
    available = get_instrument_for_client(request, client, instrument_id, "assessment.results")
    responses = list(
        responses_for(client).filter(
            instrument__key=available.key, instrument__practice=available.version.practice_id
        )
    )
    user = signed_in_user(request)
    data = build_results(
        available,
        available.definition,
        responses,
        user.time_zone,
        episode_start=episode_starts(client).get(available.key),
    )
    return render(
        request,
        "assessments/results.html",
        {
            "client": client,
            "results": data,
            "version": available.version,
            "clear_draft": request.session.pop(CLEAR_DRAFT_KEY, ""),
            "episode_form": NewEpisodeForm(),
        },
    )


@require_POST
@therapist_required
def new_episode(request: HttpRequest, client_id: int, instrument_id: int) -> HttpResponse:
    """Start a new episode of care for one instrument (the access log records who and when)."""
    client = get_client_for_therapist(request, client_id, "assessment.new_episode")
    available = get_instrument_for_client(request, client, instrument_id, "assessment.new_episode")
    form = NewEpisodeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if not form.is_valid():
        messages.error(request, str(next(iter(form.errors.values()))[0]))
    else:
        try:
            actions.start_new_episode(client, available.key, signed_in_user(request), note)
        except actions.AssessmentError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _(
                    "A new episode of care has begun: %(name)s's next %(instrument)s will be "
                    "the new baseline."
                )
                % {"name": client.display_name, "instrument": available.version.abbreviation},
            )
    return redirect("assessments:results", client_id=client.pk, instrument_id=available.version.pk)


@require_POST
@therapist_required
def alert_acknowledge(request: HttpRequest, client_id: int, alert_id: int) -> HttpResponse:
    client = get_client_for_therapist(request, client_id, "alert.acknowledge")
    alert = get_alert_for_client(request, client, alert_id, "alert.acknowledge")
    user = signed_in_user(request)
    form = AcknowledgeAlertForm(request.POST)
    if form.is_valid():
        try:
            actions.acknowledge_alert(alert, user, form.cleaned_data["note"])
        except actions.AssessmentError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Alert acknowledged. Your note is kept with it."))
        return redirect("clinic:client_detail", client_id=client.pk)
    return render(
        request,
        "assessments/alert_acknowledge.html",
        {
            "client": client,
            "item": describe_alerts([alert], user.time_zone)[0],
            "form": form,
        },
        status=400,
    )


@require_safe
@therapist_required
def alert_link(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Where an alert email's link leads: the alert on the client's page, for the care team;
    the practice's waiting alerts, for an admin off the care team.

    The link names the alert by its id only, so the email says nothing about who or why.
    """
    alert = Alert.objects.filter(pk=alert_id).select_related("client").first()
    roles = roles_for(request)
    if (
        alert is not None
        and alert.admins_told_at is not None
        and roles.admin
        and alert.client.practice_id == roles.practice_id
        and not caseload_for(request.user).filter(pk=alert.client_id).exists()
    ):
        # An admin told about it (no one on the care team could be, or it escalated).
        record_access(request, "alert.open", alert.client_id)
        return redirect(f"{reverse('assessments:practice_alerts')}#alert-{alert.pk}")
    client = get_client_for_therapist(request, alert.client_id if alert else 0, "alert.open")
    assert alert is not None  # no alert, no client: get_client_for_therapist answered 404
    if alert.acknowledged_at is not None:
        messages.info(request, _("This alert has already been acknowledged."))
    url = reverse("clinic:client_detail", args=[client.pk])
    return redirect(f"{url}#alert-{alert.pk}")


@require_POST
@therapist_required
def share_results(request: HttpRequest, client_id: int) -> HttpResponse:
    """Show or stop showing the client (and linked carers) their questionnaire results."""
    client = get_client_for_therapist(request, client_id, "assessment.share")
    shared = request.POST.get("shared") == "1"
    try:
        actions.set_results_shared(client, signed_in_user(request), shared=shared)
    except actions.AssessmentError as exc:
        messages.error(request, exc.message)
    else:
        if shared:
            messages.success(
                request,
                _("%(name)s can now see their questionnaire results.")
                % {"name": client.display_name},
            )
        else:
            messages.success(
                request,
                _("%(name)s no longer sees their questionnaire results.")
                % {"name": client.display_name},
            )
    return redirect("clinic:client_detail", client_id=client.pk)
