"""Practising together: running an exercise with a client in session, and reading the result back.

Answers are stored through `stepwise.homework.actions.submissions.submit_exercise`. A client (or
their parent or carer) does exercises at home through `views.client`, only those assigned to them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from stepwise.accounts.signed_in import signed_in_user
from stepwise.audit.actions import record_access
from stepwise.clinic.access import get_client_for_therapist
from stepwise.clinic.decorators import therapist_required
from stepwise.clinic.models import Client
from stepwise.homework.actions.submissions import raised_alert, submit_exercise
from stepwise.homework.forms import DEFAULT_REMINDER
from stepwise.homework.models import Mode, Submission
from stepwise.lib.htmx import is_htmx
from stepwise.lib.language import base_language
from stepwise.library.access import definitions_for, get_version
from stepwise.library.answers import answered_views, metric_rows
from stepwise.library.models import CATEGORY_LABELS, ExerciseVersion
from stepwise.library.runner import run_exercise
from stepwise.library.titles import english_of_matching


@require_safe
@therapist_required
def practise_pick(request: HttpRequest, client_id: int) -> HttpResponse:
    """Choose an exercise to do together with the client now."""
    client = get_client_for_therapist(request, client_id, "practice.pick")
    query = request.GET.get("q", "").strip()[:80]
    exercises = definitions_for(request).published()
    if query:
        # In English, and in the reader's words (the shipped exercises' translated titles and
        # summaries, read from the files once; no query per exercise).
        exercises = exercises.filter(
            Q(title__icontains=query)
            | Q(summary__icontains=query)
            | Q(title__in=english_of_matching(query))
            | Q(summary__in=english_of_matching(query))
        )
    # The version's translations come with each row: titles in the reader's language, no query
    # per row.
    exercises = exercises.select_related("current_version").order_by("category", "title", "id")
    context = {
        "client": client,
        "query": query,
        # In the order of the titles the reader sees (their language's).
        "exercises": sorted(exercises, key=lambda d: (d.category, d.reader_title.casefold(), d.pk)),
        "category_labels": CATEGORY_LABELS,
    }
    template = (
        "homework/practise_pick.html#choices" if is_htmx(request) else "homework/practise_pick.html"
    )
    return render(request, template, context)


def _store(
    request: HttpRequest, client: Client, version: ExerciseVersion, mode: Mode, data: dict[str, Any]
) -> Submission:
    return submit_exercise(
        client=client,
        version=version,
        data=data,
        mode=mode,
        submitted_by=signed_in_user(request),
        # Done together in session: recorded in the client's language.
        language=client.language if mode == Mode.IN_SESSION else get_language(),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@therapist_required
def practise_together(request: HttpRequest, client_id: int, version_id: int) -> HttpResponse:
    """Therapist and client complete an exercise in session; saved to the client's record."""
    client = get_client_for_therapist(request, client_id, "practice.in_session")
    version = get_version(request, version_id)

    def on_submit(data: dict[str, Any]) -> HttpResponse:
        submission = _store(request, client, version, Mode.IN_SESSION, data)
        messages.success(request, _("Saved to %(name)s's record.") % {"name": client.display_name})
        if raised_alert(submission):
            messages.warning(
                request,
                _(
                    "An answer met one of this exercise's alert rules: it waits in the "
                    "“Needs attention” list on the client's page until you acknowledge it."
                ),
            )
        return redirect("homework:submission", client_id=client.pk, submission_id=submission.pk)

    # The exercise in the client's language (the answers are recorded in it); the page around
    # it in the therapist's.
    document = version.parsed_in(client.language)
    shown_in = document.reader_language
    return run_exercise(
        request,
        document,
        template="library/practise.html",
        context={
            "client": client,
            "version": version,
            "document": document,
            "exercise_language": shown_in if shown_in != base_language() else "",
            "together": True,
            "cancel_url": reverse("clinic:client_detail", kwargs={"client_id": client.pk}),
        },
        on_submit=on_submit,
    )


@require_safe
@therapist_required
def submission_detail(request: HttpRequest, client_id: int, submission_id: int) -> HttpResponse:
    """A submission as the therapist reads it, against the version it answered."""
    client = get_client_for_therapist(request, client_id, "submission.detail")
    submission = (
        Submission.objects.filter(client=client, pk=submission_id)
        .select_related("exercise_version__definition", "submitted_by")
        .first()
    )
    if submission is None:
        record_access(request, "submission.detail", client.pk, allowed=False)
        raise Http404("No such submission.")
    version = submission.exercise_version
    document = version.parsed
    values = {m.name: m.value for m in submission.metric_values.all()}
    return render(
        request,
        "homework/practice_submission.html",
        {
            "client": client,
            "submission": submission,
            "version": version,
            "document": document,
            "is_latest": version.definition.current_version_id == version.pk,
            "answers": answered_views(version, submission.answers, submission.language),
            "metrics": metric_rows(document, values),
            "default_reminder": DEFAULT_REMINDER,
        },
    )
