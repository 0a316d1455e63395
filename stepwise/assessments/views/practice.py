"""A practice's instruments (which are on, licence confirmations, imports), its crisis message,
and the alerts its admins were told about.

Every therapist may see which instruments are available; only practice admins change anything.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from stepwise.accounts.models import User
from stepwise.accounts.signed_in import signed_in_user
from stepwise.assessments import actions, catalog, crisis
from stepwise.assessments.forms import (
    AssessmentSettingsForm,
    CutoffForm,
    EnableInstrumentForm,
    ImportInstrumentForm,
)
from stepwise.assessments.results import waiting_for_admins
from stepwise.audit.actions import record_access
from stepwise.clinic import actions as clinic_actions
from stepwise.clinic.decorators import practice_admin_required, therapist_required
from stepwise.clinic.models import Practice
from stepwise.clinic.roles import roles_for
from stepwise.lib.middleware import body_limit


def _practice(request: HttpRequest) -> Practice:
    practice_id = roles_for(request).practice_id
    assert practice_id is not None  # every view here requires a membership
    return Practice.objects.get(pk=practice_id)


def _admin(request: HttpRequest) -> User:
    user = signed_in_user(request)
    return user


@require_safe
@therapist_required
def instrument_list(request: HttpRequest) -> HttpResponse:
    practice = _practice(request)
    return render(
        request,
        "assessments/instruments.html",
        {
            "practice": practice,
            "groups": catalog.group_by_category(catalog.catalogue(practice.pk)),
            "is_admin": roles_for(request).admin,
        },
    )


def _switch(request: HttpRequest, key: str, *, enabled: bool) -> HttpResponse:
    practice = _practice(request)
    available = catalog.find_available(practice.pk, key)
    if available is None:
        raise Http404("No such instrument.")
    form = EnableInstrumentForm(request.POST)
    confirmed = form.is_valid() and bool(form.cleaned_data["confirm_licence"])
    try:
        actions.set_instrument_enabled(
            practice, key, enabled=enabled, by=_admin(request), licence_confirmed=confirmed
        )
    except actions.AssessmentError as exc:
        messages.error(request, exc.message)
    else:
        name = available.version.abbreviation
        messages.success(
            request,
            (
                _("%(name)s is now on for your practice.")
                if enabled
                else _("%(name)s is now off for your practice.")
            )
            % {"name": name},
        )
    return redirect("assessments:instrument_list")


@require_POST
@practice_admin_required
def instrument_enable(request: HttpRequest, key: str) -> HttpResponse:
    return _switch(request, key, enabled=True)


@require_POST
@practice_admin_required
def instrument_disable(request: HttpRequest, key: str) -> HttpResponse:
    return _switch(request, key, enabled=False)


@require_POST
@practice_admin_required
def instrument_cutoff(request: HttpRequest, key: str) -> HttpResponse:
    practice = _practice(request)
    available = catalog.find_available(practice.pk, key)
    if available is None:
        raise Http404("No such instrument.")
    form = CutoffForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(next(iter(form.errors.values()))[0]))
        return redirect("assessments:instrument_list")
    try:
        actions.set_instrument_cutoff(
            practice, key, cutoff=form.cleaned_data["cutoff"], by=_admin(request)
        )
    except actions.AssessmentError as exc:
        messages.error(request, exc.message)
    else:
        updated = catalog.find_available(practice.pk, key)
        shown = updated.cutoff if updated is not None else form.cleaned_data["cutoff"]
        messages.success(
            request,
            _(
                "%(name)s now screens positive at %(cutoff)s or more for questionnaires scored "
                "from now on."
            )
            % {"name": available.version.abbreviation, "cutoff": shown},
        )
    return redirect("assessments:instrument_list")


@body_limit(actions.MAX_IMPORT_BYTES)
@require_http_methods(["GET", "HEAD", "POST"])
@practice_admin_required
def instrument_import(request: HttpRequest) -> HttpResponse:
    form = ImportInstrumentForm(request.POST or None, request.FILES or None)
    error, problems = "", []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        raw = upload.read(actions.MAX_IMPORT_BYTES + 1)
        try:
            version = actions.import_instrument(
                _practice(request), _admin(request), raw, licence_confirmed=True
            )
        except actions.AssessmentError as exc:
            error, problems = exc.message, exc.problems
        else:
            messages.success(
                request,
                _("%(name)s version %(version)s is imported and switched on for your practice.")
                % {"name": version.abbreviation, "version": version.version},
            )
            return redirect("assessments:instrument_list")
    return render(
        request,
        "assessments/instrument_import.html",
        {"form": form, "error": error, "problems": problems},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@practice_admin_required
def assessment_settings(request: HttpRequest) -> HttpResponse:
    practice = _practice(request)
    current = catalog.assessment_settings(practice.pk)
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and "reset" in data:
        # "Use the default messages": the lines for each client's country, adult and youth.
        data["crisis_message"] = ""
        data["youth_crisis_message"] = ""
    for name, value in (
        ("escalate_after_hours", str(current.escalate_after_hours)),
        ("country", practice.country),
    ):
        if data is not None and name not in data:
            data[name] = value  # a form that did not post it leaves it as it was
    form = AssessmentSettingsForm(
        data,
        initial={
            "country": practice.country,
            "crisis_message": current.crisis_message,
            "youth_crisis_message": current.youth_crisis_message,
            "email_alerts": current.email_alerts,
            "escalate_after_hours": current.escalate_after_hours,
        },
    )
    if data is not None and form.is_valid():
        try:
            actions.update_assessment_settings(practice, _admin(request), **form.cleaned_data)
        except actions.AssessmentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Assessment settings saved."))
            return redirect("assessments:assessment_settings")
    return render(
        request,
        "assessments/settings.html",
        {"form": form, "practice": practice, "countries": crisis.crisis_lines().values()},
        status=400 if data is not None else 200,
    )


@require_safe
@practice_admin_required
def practice_alerts(request: HttpRequest) -> HttpResponse:
    """Alerts the practice's admins were told about and nobody has acknowledged yet.

    Who and when only: what fired is for the care team, which an admin can join to act on it.
    """
    practice = _practice(request)
    admin = _admin(request)
    alerts = list(waiting_for_admins(practice.pk))
    for alert in alerts:
        record_access(request, "alert.escalated_list", alert.client_id)
    return render(
        request,
        "assessments/practice_alerts.html",
        {"alerts": alerts, "admin": admin, "time_zone": admin.time_zone},
    )


@require_POST
@practice_admin_required
def practice_alert_join(request: HttpRequest, alert_id: int) -> HttpResponse:
    """An admin joins the client's care team to see and acknowledge a waiting alert."""
    practice = _practice(request)
    alert = waiting_for_admins(practice.pk).filter(pk=alert_id).first()
    if alert is None:
        record_access(request, "alert.admin_join", None, allowed=False)
        raise Http404("No such alert.")
    clinic_actions.join_care_team(alert.client, _admin(request))
    record_access(request, "alert.admin_join", alert.client_id)
    messages.success(
        request,
        _("You are now on %(name)s's care team.") % {"name": alert.client.display_name},
    )
    url = reverse("clinic:client_detail", args=[alert.client_id])
    return redirect(f"{url}#alert-{alert.pk}")
