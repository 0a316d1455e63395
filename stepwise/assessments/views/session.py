"""In session: the therapist starts a questionnaire from the client's page and hands the device
over; the respondent answers; the therapist takes it back by entering their password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from stepwise.accounts.models import User
from stepwise.accounts.signed_in import signed_in_user
from stepwise.assessments import actions, catalog, lock
from stepwise.assessments.crisis import crisis_message_for
from stepwise.assessments.forms import AssessmentForm, PasswordConfirmForm, StartInSessionForm
from stepwise.assessments.models import (
    AssessmentResponse,
    InstrumentVersion,
    Mode,
    Respondent,
)
from stepwise.assessments.wording import language_of, wording_of
from stepwise.audit.actions import record_access
from stepwise.clinic.access import get_client_for_therapist
from stepwise.clinic.decorators import therapist_required
from stepwise.clinic.models import Client

# The page after in-session mode ends removes the browser's draft with this id, if one is left.
CLEAR_DRAFT_KEY = "stepwise_clear_draft"


def _therapist(request: HttpRequest) -> User:
    user = signed_in_user(request)
    return user


def _client_or_end(request: HttpRequest, state: lock.InSession, action: str) -> Client:
    """The client being assessed; if the therapist has lost access meanwhile, end the mode."""
    try:
        return get_client_for_therapist(request, state.client_id, action)
    except Http404:
        lock.end(request)
        raise


@require_POST
@therapist_required
def start_in_session(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(request, client_id, "assessment.start")
    back = redirect("assessments:client_assessments", client_id=client.pk)
    if client.discharged_at is not None:
        messages.error(
            request,
            _("%(name)s is discharged. Make them active first.") % {"name": client.display_name},
        )
        return back
    available = catalog.enabled_instruments(client.practice_id)
    form = StartInSessionForm(request.POST, available=available)
    if not form.is_valid():
        messages.error(request, str(form.errors["instrument"][0]))
        return back
    chosen = next(a for a in available if a.key == form.cleaned_data["instrument"])
    lock.begin(request, client_id=client.pk, instrument_id=chosen.version.pk)
    return redirect("assessments:in_session")


@require_http_methods(["GET", "HEAD", "POST"])
@therapist_required
def in_session(request: HttpRequest) -> HttpResponse:
    state = lock.current(request)
    if state is None:
        messages.info(request, _("No questionnaire is running in session."))
        return redirect("home")
    if state.state == lock.DONE:
        return redirect("assessments:in_session_done")
    posted = request.method == "POST"
    client = _client_or_end(
        request, state, "assessment.submit" if posted else "assessment.in_session"
    )
    version = get_object_or_404(InstrumentVersion, pk=state.instrument_id)
    definition = catalog.definition_of(version)
    # The respondent reads it in their language (an official translation, else the English).
    wording = wording_of(version, language_of(client))
    form = AssessmentForm(definition, request.POST if posted else None, wording=wording)
    if posted and form.is_valid():
        try:
            submission = actions.submit_assessment(
                client=client,
                instrument=version,
                answers=form.answers(),
                supplementary=form.supplementary(),
                sex=form.sex(),
                mode=Mode.IN_SESSION,
                respondent=(
                    Respondent.CAREGIVER if version.is_caregiver_report else Respondent.CLIENT
                ),
                administered_by=_therapist(request),
                not_asked=form.not_asked(),
                language=wording.wanted,
            )
        except actions.AssessmentError as exc:
            form.add_error(None, exc.message)
        else:
            state.state = lock.DONE
            state.response_id = submission.response.pk
            state.show_crisis_message = submission.alert is not None
            lock.save(request, state)
            return redirect("assessments:in_session_done")
    return render(
        request,
        "assessments/in_session.html",
        {
            "client": client,
            "version": version,
            "definition": definition,
            "data": version.definition,
            "attribution": catalog.attribution(version),
            "form": form,
            "state": state,
            "end_form": PasswordConfirmForm(),
        },
        status=400 if posted else 200,
    )


@require_safe
@therapist_required
def in_session_done(request: HttpRequest) -> HttpResponse:
    state = lock.current(request)
    if state is None:
        return redirect("home")
    if state.state != lock.DONE:
        return redirect("assessments:in_session")
    client = _client_or_end(request, state, "assessment.in_session_done")
    response = (
        AssessmentResponse.objects.filter(pk=state.response_id or 0, client=client)
        .select_related("instrument")
        .first()
    )
    if response is not None and response.instrument.in_session_only:
        # The clinician holds the device and recorded the answers: show them the result and
        # the instrument's next steps at once, not the client's crisis message.
        definition = catalog.definition_of(response.instrument)
        return render(
            request,
            "assessments/in_session_screen_done.html",
            {
                "state": state,
                "client": client,
                "version": response.instrument,
                "result": response.band,
                "positive": bool(response.critical_items),
                "not_asked": response.not_asked,
                "next_steps": definition.next_steps(response.band),
                "end_form": PasswordConfirmForm(),
            },
        )
    crisis_message = None
    if state.show_crisis_message:
        crisis_message = crisis_message_for(client)
    return render(
        request,
        "assessments/in_session_done.html",
        {"state": state, "crisis_message": crisis_message, "end_form": PasswordConfirmForm()},
    )


@require_POST
@therapist_required
def in_session_end(request: HttpRequest) -> HttpResponse:
    """Leave in-session mode: only with the therapist's password. Repeated failures sign out."""
    state = lock.current(request)
    if state is None:
        return redirect("home")
    user = _therapist(request)
    form = PasswordConfirmForm(request.POST)
    if form.is_valid() and user.check_password(form.cleaned_data["password"]):
        lock.end(request)
        record_access(request, "assessment.in_session_end", state.client_id)
        request.session[CLEAR_DRAFT_KEY] = state.draft_id
        messages.success(request, _("Welcome back. In-session mode has ended."))
        # The results page is named by the answered version's id: no instrument key in URLs.
        version_id = (
            AssessmentResponse.objects.filter(pk=state.response_id or 0, client_id=state.client_id)
            .values_list("instrument_id", flat=True)
            .first()
        )
        if version_id is not None:
            return redirect(
                "assessments:results", client_id=state.client_id, instrument_id=version_id
            )
        return redirect("assessments:client_assessments", client_id=state.client_id)
    if form.is_valid():
        state.password_failures += 1
        record_access(request, "assessment.in_session_end", state.client_id, allowed=False)
        if state.password_failures >= lock.MAX_PASSWORD_FAILURES:
            logout(request)
            messages.error(
                request, _("Too many wrong passwords, so you have been signed out. Sign in again.")
            )
            return redirect("account_login")
        lock.save(request, state)
        form.add_error("password", _("That is not the right password."))
    return render(
        request,
        "assessments/in_session_end.html",
        {"form": form, "state": state},
        status=400,
    )
