"""Changing an assignment from the client's page: pause, resume, end, edit schedule or details.

Every change is a POST through an action of `assigning`; a refused change keeps what was typed
and says why.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from stepwise.accounts.signed_in import signed_in_user
from stepwise.clinic.decorators import therapist_required
from stepwise.homework.access import get_assignment_for_therapist
from stepwise.homework.actions import assigning
from stepwise.homework.forms import DetailsForm, ScheduleForm
from stepwise.homework.models import Assignment, AssignmentStatus, today_for
from stepwise.homework.overview import schedule_initial
from stepwise.homework.schedule import ScheduleError
from stepwise.library.titles import reader_text


def _back_to_client(assignment: Assignment) -> HttpResponse:
    url = reverse("clinic:client_detail", kwargs={"client_id": assignment.client_id})
    return redirect(f"{url}#homework-heading")


def _change_status(request: HttpRequest, assignment: Assignment, status: str, done: str) -> None:
    try:
        assigning.set_status(assignment, status, by=signed_in_user(request))
    except assigning.HomeworkError as exc:
        messages.error(
            request,
            _("%(title)s: %(problem)s") % {"title": reader_text(assignment.title), "problem": exc},
        )
    else:
        messages.success(request, done % {"title": reader_text(assignment.title)})


@require_POST
@therapist_required
def assignment_pause(request: HttpRequest, client_id: int, assignment_id: int) -> HttpResponse:
    assignment = get_assignment_for_therapist(
        request, client_id, assignment_id, "homework.assignment_pause"
    )
    done = _("%(title)s: paused. Nothing new falls due meanwhile.")
    _change_status(request, assignment, AssignmentStatus.PAUSED, done)
    return _back_to_client(assignment)


@require_POST
@therapist_required
def assignment_resume(request: HttpRequest, client_id: int, assignment_id: int) -> HttpResponse:
    assignment = get_assignment_for_therapist(
        request, client_id, assignment_id, "homework.assignment_resume"
    )
    _change_status(
        request, assignment, AssignmentStatus.ACTIVE, _("%(title)s: resumed from today.")
    )
    return _back_to_client(assignment)


@require_http_methods(["GET", "HEAD", "POST"])
@therapist_required
def assignment_end(request: HttpRequest, client_id: int, assignment_id: int) -> HttpResponse:
    """GET asks for confirmation; POST ends the assignment. Its history stays readable."""
    assignment = get_assignment_for_therapist(
        request, client_id, assignment_id, "homework.assignment_end"
    )
    if request.method == "POST":
        done = _("%(title)s: ended. What was done stays in the record.")
        _change_status(request, assignment, AssignmentStatus.ENDED, done)
        return _back_to_client(assignment)
    return render(
        request,
        "homework/staff_assignment_end.html",
        {"assignment": assignment, "client": assignment.client},
    )


def _edit_page(
    request: HttpRequest,
    assignment: Assignment,
    *,
    schedule_form: ScheduleForm | None = None,
    details_form: DetailsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = today_for(assignment.client)
    if schedule_form is None:
        schedule_form = ScheduleForm(initial=schedule_initial(assignment, today))
    if details_form is None:
        details_form = DetailsForm(
            initial={
                "note": assignment.note,
                "reminder_time": assignment.reminder_time,
                "hidden_from_caregiver": assignment.hidden_from_caregiver,
            }
        )
    return render(
        request,
        "homework/staff_assignment_edit.html",
        {
            "assignment": assignment,
            "client": assignment.client,
            "schedule_form": schedule_form,
            "details_form": details_form,
            "is_ended": assignment.status == AssignmentStatus.ENDED,
        },
        status=status,
    )


@require_safe
@therapist_required
def assignment_edit(request: HttpRequest, client_id: int, assignment_id: int) -> HttpResponse:
    assignment = get_assignment_for_therapist(
        request, client_id, assignment_id, "homework.assignment_edit"
    )
    return _edit_page(request, assignment)


@require_POST
@therapist_required
def assignment_schedule(request: HttpRequest, client_id: int, assignment_id: int) -> HttpResponse:
    """A new schedule from the client's today on; the past stays as it was."""
    assignment = get_assignment_for_therapist(
        request, client_id, assignment_id, "homework.assignment_schedule"
    )
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            assigning.edit_schedule(assignment, form.schedule(), by=signed_in_user(request))
        except (ScheduleError, assigning.HomeworkError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(title)s: the new schedule applies from today.")
                % {"title": reader_text(assignment.title)},
            )
            return _back_to_client(assignment)
    return _edit_page(request, assignment, schedule_form=form, status=400)


@require_POST
@therapist_required
def assignment_details(request: HttpRequest, client_id: int, assignment_id: int) -> HttpResponse:
    assignment = get_assignment_for_therapist(
        request, client_id, assignment_id, "homework.assignment_details"
    )
    form = DetailsForm(request.POST)
    if form.is_valid():
        try:
            assigning.update_details(assignment, by=signed_in_user(request), **form.cleaned_data)
        except assigning.HomeworkError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("%(title)s: details saved.") % {"title": reader_text(assignment.title)}
            )
            return _back_to_client(assignment)
    return _edit_page(request, assignment, details_form=form, status=400)
