"""The therapist's review of homework: the inbox, one completion read in full, feedback.

Views parse, check access (404 outside the care team, audited), call one action, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from stepwise.accounts.signed_in import signed_in_user
from stepwise.audit.actions import record_access
from stepwise.clinic.access import caseload_for
from stepwise.clinic.decorators import therapist_required
from stepwise.homework.access import get_completion_for_therapist
from stepwise.homework.actions import assigning
from stepwise.homework.forms import FeedbackForm
from stepwise.homework.models import Completion, Feedback
from stepwise.homework.overview import (
    REVIEW_FILTERS,
    completion_rows,
    inbox_page,
)
from stepwise.homework.summaries import TIMELINESS_LABELS, timeliness
from stepwise.lib.htmx import is_htmx

PAGE_SIZE = 50


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require_safe
@therapist_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Completions of the caseload, newest unreviewed first; filter by client and by state."""
    user = signed_in_user(request)
    clients = list(
        caseload_for(user).order_by("display_name", "id").values_list("pk", "display_name")
    )
    client_id = _int_or_none(request.GET.get("client"))
    if client_id not in {pk for pk, _ in clients}:
        client_id = None  # a client not on the caseload is no filter at all
    state = request.GET.get("state", "all")
    if state not in REVIEW_FILTERS:
        state = "all"
    page = inbox_page(
        user,
        client_id=client_id,
        state=state,
        number=_int_or_none(request.GET.get("page")) or 1,
        size=PAGE_SIZE,
        caseload_ids=[pk for pk, _ in clients],
    )
    record_access(request, "homework.review_inbox", client_id)
    context = {
        "rows": completion_rows(page.completions, user.time_zone),
        "page": page,
        "clients": clients,
        "client_id": client_id,
        "state": state,
        "filters": REVIEW_FILTERS,
    }
    template = (
        "homework/staff_inbox.html#inbox-table" if is_htmx(request) else "homework/staff_inbox.html"
    )
    return render(request, template, context)


def _assessment_context(completion: Completion) -> dict[str, Any]:
    from stepwise.assessments.results import current_score
    from stepwise.assessments.wording import answer_lines

    response = completion.assessment_response
    assert response is not None
    return {
        "response": response,
        "score": current_score(response),
        # The alerts it raised, so an acknowledged one no longer reads as waiting.
        "alerts": list(response.alerts.select_related("acknowledged_by").order_by("id")),
        "instrument": response.instrument,
        # In the language answered, with the English beside.
        "answer_lines": answer_lines(response),
    }


def _exercise_context(completion: Completion) -> dict[str, Any]:
    from stepwise.library.answers import answered_views, metric_rows

    submission = completion.submission
    assert submission is not None
    version = submission.exercise_version
    document = version.parsed
    values = {m.name: m.value for m in submission.metric_values.all()}
    return {
        "submission": submission,
        "version": version,
        "document": document,
        "is_latest": version.definition.current_version_id == version.pk,
        # In the reader's words, with the prompts as the person read them where they answered
        # in another language.
        "answers": answered_views(version, submission.answers, submission.language),
        "metrics": metric_rows(document, values),
    }


def _detail(
    request: HttpRequest, completion: Completion, form: FeedbackForm, status: int = 200
) -> HttpResponse:
    occurrence = completion.occurrence
    state = timeliness(occurrence.as_slot() if occurrence else None, completion.local_date)
    client = completion.client
    context: dict[str, Any] = {
        "completion": completion,
        "client": client,
        "assignment": completion.assignment,
        "status_label": TIMELINESS_LABELS[state],
        "by_someone_else": (
            completion.completed_by_id is not None and completion.completed_by_id != client.user_id
        ),
        "feedback": Feedback.objects.filter(completion=completion).select_related("author"),
        "form": form,
    }
    if completion.submission_id is not None:
        context.update(_exercise_context(completion))
    elif completion.assessment_response_id is not None:
        context.update(_assessment_context(completion))
    return render(request, "homework/staff_completion.html", context, status=status)


@require_safe
@therapist_required
def completion_detail(request: HttpRequest, completion_id: int) -> HttpResponse:
    """One piece of homework as it was handed in, with the feedback given so far."""
    completion = get_completion_for_therapist(request, completion_id, "homework.completion")
    return _detail(request, completion, FeedbackForm())


@require_POST
@therapist_required
def completion_reviewed(request: HttpRequest, completion_id: int) -> HttpResponse:
    completion = get_completion_for_therapist(request, completion_id, "homework.mark_reviewed")
    if assigning.mark_reviewed([completion], by=signed_in_user(request)):
        messages.success(
            request, _("Marked as reviewed: %(title)s.") % {"title": completion.assignment.title}
        )
    else:
        messages.info(request, _("This was already reviewed."))
    return redirect("homework:inbox")


@require_POST
@therapist_required
def completion_feedback(request: HttpRequest, completion_id: int) -> HttpResponse:
    completion = get_completion_for_therapist(request, completion_id, "homework.feedback")
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            assigning.leave_feedback(
                completion, by=signed_in_user(request), text=form.cleaned_data["text"]
            )
        except assigning.HomeworkError as exc:
            form.add_error("text", str(exc))
        else:
            messages.success(
                request,
                _("Feedback saved. %(name)s sees it with this homework.")
                % {"name": completion.client.display_name},
            )
            return redirect("homework:completion", completion_id=completion.pk)
    return _detail(request, completion, form, status=400)
