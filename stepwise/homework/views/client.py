"""The client's (or parent's) side of homework: today's list, doing an item, extra practice."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from stepwise.accounts.models import User
from stepwise.accounts.signed_in import signed_in_user
from stepwise.assessments import catalog
from stepwise.assessments.actions import AssessmentError
from stepwise.assessments.crisis import crisis_message_for
from stepwise.assessments.forms import AssessmentForm
from stepwise.audit.actions import record_access
from stepwise.clinic.models import Client
from stepwise.homework import today
from stepwise.homework.actions import assigning, drafts
from stepwise.homework.actions.submissions import raised_alert
from stepwise.homework.models import Assignment, Draft, ItemKind, Occurrence, today_for
from stepwise.library.runner import run_exercise

CLEAR_DRAFT = "homework_clear_draft"


def _viewer(request: HttpRequest) -> User:
    user = signed_in_user(request)
    return user


@require_safe
def client_home(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    clients = today.people_for(user)
    if not clients:
        raise Http404("Not found.")
    for client in clients:
        record_access(request, "homework.home", client.pk)
    people = today.build_home(user, clients)
    own = next((p for p in people if not p.as_caregiver), None)
    crisis_plan = today.crisis_plan_for(own.client) if own else None
    return render(
        request,
        "homework/client_home.html",
        {"people": people, "own": own, "crisis_plan": crisis_plan},
    )


def _assignment_for(request: HttpRequest, assignment_id: int, action: str) -> Assignment:
    """An assignment the signed-in client or parent may do; 404 (audited) otherwise."""
    user = _viewer(request)
    clients = today.people_for(user)
    found = (
        today.visible_assignments(user, clients)
        .filter(pk=assignment_id)
        .select_related("client", "exercise__current_version")
        .first()
    )
    if found is None:
        record_access(request, action, None, allowed=False)
        raise Http404("Not found.")
    record_access(request, action, found.client_id)
    return found


def _occurrence_for(request: HttpRequest, occurrence_id: int) -> Occurrence:
    user = _viewer(request)
    clients = today.people_for(user)
    found = (
        Occurrence.objects.filter(pk=occurrence_id)
        .filter(Q(assignment__in=today.visible_assignments(user, clients)))
        .select_related("assignment__client", "assignment__exercise__current_version")
        .first()
    )
    if found is None:
        record_access(request, "homework.do", None, allowed=False)
        raise Http404("Not found.")
    record_access(request, "homework.do", found.client_id)
    return found


@require_http_methods(["GET", "HEAD", "POST"])
def do_occurrence(request: HttpRequest, occurrence_id: int) -> HttpResponse:
    occurrence = _occurrence_for(request, occurrence_id)
    if hasattr(occurrence, "completion"):
        messages.info(request, _("You already did this one. Well done!"))
        return redirect("homework:client_home")
    try:
        assigning.check_open_now(occurrence, today_for(occurrence.assignment.client))
    except assigning.NotOpenYet as exc:
        messages.info(request, str(exc))
        return redirect("homework:client_home")
    return _do(request, occurrence.assignment, occurrence)


@require_http_methods(["GET", "HEAD", "POST"])
def extra_practice(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """Practice beyond the schedule is welcome, and counted."""
    assignment = _assignment_for(request, assignment_id, "homework.extra")
    return _do(request, assignment, None)


def _do(
    request: HttpRequest, assignment: Assignment, occurrence: Occurrence | None
) -> HttpResponse:
    if not assignment.is_active:
        messages.info(
            request, _("This practice is paused or has ended. Your therapist can tell you more.")
        )
        return redirect("homework:client_home")
    if assignment.kind == ItemKind.ASSESSMENT:
        return _do_assessment(request, assignment, occurrence)
    return _do_exercise(request, assignment, occurrence)


def _do_exercise(
    request: HttpRequest, assignment: Assignment, occurrence: Occurrence | None
) -> HttpResponse:
    exercise = assignment.exercise
    if exercise is None or exercise.current_version is None:
        raise Http404("Not found.")
    version = exercise.current_version
    user = _viewer(request)
    slot = _slot(occurrence)
    saved = Draft.objects.filter(user=user, assignment=assignment, slot=slot).first()

    def on_submit(data: dict[str, Any]) -> HttpResponse:
        try:
            completion = assigning.complete_exercise(
                assignment=assignment,
                occurrence=occurrence,
                data=data,
                by=_viewer(request),
                # The language of the page the exercise was read and answered on.
                language=get_language(),
            )
        except assigning.AlreadyCompleted:
            messages.info(request, _("This was already saved. Nothing more to do."))
            return redirect("homework:client_home")
        except assigning.HomeworkError as exc:
            messages.error(request, str(exc))
            return redirect("homework:client_home")
        drafts.discard_draft(user=user, assignment=assignment, slot=slot)
        request.session[CLEAR_DRAFT] = _draft_id(assignment, occurrence)
        if completion.submission is not None and raised_alert(completion.submission):
            request.session["homework_show_crisis"] = assignment.client.pk
        return redirect("homework:well_done")

    initial = None
    if saved is not None:
        initial = QueryDict(mutable=True)
        for name, values in saved.data.items():
            initial.setlist(name, [str(v) for v in values])
    return run_exercise(
        request,
        version.parsed,
        template="homework/client_exercise.html",
        context={
            "client": assignment.client,
            "assignment": assignment,
            "version": version,
            "document": version.parsed,
            "together": False,
            "for_someone_else": assignment.client.user_id != request.user.pk,
            "cancel_url": reverse("homework:client_home"),
            "draft_id": _draft_id(assignment, occurrence),
            "draft_url": reverse("homework:save_draft", args=[assignment.pk, slot]),
            "server_draft": saved is not None,
        },
        on_submit=on_submit,
        initial=initial,
    )


def _do_assessment(
    request: HttpRequest, assignment: Assignment, occurrence: Occurrence | None
) -> HttpResponse:
    available = catalog.find_available(assignment.client.practice_id, assignment.instrument_key)
    if available is None:
        raise Http404("Not found.")
    definition = catalog.definition_of(available.version)
    posted = request.method == "POST"
    form = AssessmentForm(definition, request.POST if posted else None)
    if posted and form.is_valid():
        try:
            _completion, alert = assigning.complete_assessment(
                assignment=assignment,
                occurrence=occurrence,
                answers=form.answers(),
                supplementary=form.supplementary(),
                sex=form.sex(),
                by=_viewer(request),
            )
        except assigning.AlreadyCompleted:
            messages.info(request, _("This was already saved. Nothing more to do."))
            return redirect("homework:client_home")
        except assigning.HomeworkError as exc:
            form.add_error(None, str(exc))
        except AssessmentError as exc:  # the scorer's refusal, worded for the person
            form.add_error(None, exc.message)
        else:
            if alert:
                request.session["homework_show_crisis"] = assignment.client.pk
            request.session[CLEAR_DRAFT] = _draft_id(assignment, occurrence)
            return redirect("homework:well_done")
    return render(
        request,
        "homework/client_assessment.html",
        {
            "assignment": assignment,
            "client": assignment.client,
            "version": available.version,
            "data": available.version.definition,
            "attribution": catalog.attribution(available.version),
            "form": form,
            "form_action": request.path,
            "draft_id": _draft_id(assignment, occurrence),
            "for_someone_else": assignment.client.user_id != request.user.pk,
        },
        status=400 if posted else 200,
    )


@require_safe
def well_done(request: HttpRequest) -> HttpResponse:
    crisis_message = None
    client_id = request.session.pop("homework_show_crisis", None)
    client = (
        Client.objects.select_related("practice").filter(pk=int(client_id)).first()
        if client_id is not None
        else None
    )
    if client is not None:
        # The person who answered: the client, or a parent or carer answering for them.
        crisis_message = crisis_message_for(
            client, reader_is_client=client.user_id == request.user.pk
        )
    return render(
        request,
        "homework/well_done.html",
        {"crisis_message": crisis_message, "clear_draft": request.session.pop(CLEAR_DRAFT, "")},
    )


def _slot(occurrence: Occurrence | None) -> str:
    return str(occurrence.pk) if occurrence else "extra"


MAX_DRAFT_BYTES = 100_000


@require_POST
def save_draft(request: HttpRequest, assignment_id: int, slot: str) -> HttpResponse:
    """Autosave: keep what has been typed so far on the server (204), as the person goes."""
    user = _viewer(request)
    assignment = (
        today.visible_assignments(user, today.people_for(user)).filter(pk=assignment_id).first()
    )
    if assignment is None or not assignment.is_active:
        raise Http404("Not found.")
    occurrence = None
    if slot != "extra":
        occurrence = assignment.occurrences.filter(pk=int(slot)).first() if slot.isdigit() else None
        if occurrence is None:
            raise Http404("Not found.")
        try:
            assigning.check_open_now(occurrence, today_for(assignment.client))
        except assigning.NotOpenYet as exc:
            return HttpResponse(str(exc), status=409)
    # The size the browser declared: the body itself may already be read as form data.
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0  # as Django's own request handling reads a malformed header
    if declared > MAX_DRAFT_BYTES:
        return HttpResponse(_("This draft is too large to keep."), status=413)
    data = {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
    drafts.keep_draft(user=user, assignment=assignment, slot=slot, data=data)
    return HttpResponse(status=204)


def _draft_id(assignment: Assignment, occurrence: Occurrence | None) -> str:
    """The browser-draft key: ids only, nothing that says what the homework is."""
    return f"hw-{assignment.pk}-{occurrence.pk if occurrence else 'extra'}"


@require_safe
def crisis_plan(request: HttpRequest) -> HttpResponse:
    """The client's own latest crisis coping plan, one tap from their home page."""
    from stepwise.homework.models import Submission
    from stepwise.library.answers import answered_views

    user = _viewer(request)
    own = next((c for c in today.people_for(user) if c.user_id == user.pk), None)
    plan_id = today.crisis_plan_for(own) if own else None
    if own is None or plan_id is None:
        record_access(request, "homework.crisis_plan", own.pk if own else None, allowed=False)
        raise Http404("Not found.")
    record_access(request, "homework.crisis_plan", own.pk)
    submission = Submission.objects.select_related("exercise_version").get(pk=plan_id)
    document = submission.exercise_version.parsed
    return render(
        request,
        "homework/crisis_plan.html",
        {
            "submission": submission,
            "document": document,
            "answers": answered_views(
                submission.exercise_version, submission.answers, submission.language
            ),
            "crisis": crisis_message_for(own),
        },
    )
