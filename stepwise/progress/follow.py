"""Stored dashboard figures follow what homework, assessments and clinic announce.

Those apps come before progress in the dependency direction and must not import it, so their
actions send named domain signals (`homework.signals`, `assessments.signals`, `clinic.signals`),
each sent inside the action's transaction, and each is connected here to
`progress.actions.mark_changed` for the clients whose figures it changes. There are no
model-signal receivers: a write that bypasses the actions sends nothing, so a bulk write
(`bulk_create`, a queryset `.update()`) calls `progress.actions.mark_changed` itself.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection

from stepwise.assessments.models import AssessmentResponse, EpisodeStart, ScoreRevision
from stepwise.assessments.signals import (
    episode_started,
    instruments_changed,
    response_submitted,
    score_revised,
)
from stepwise.clinic.models import Client
from stepwise.clinic.signals import client_added, client_schedule_changed
from stepwise.homework.models import Assignment, Completion, Submission
from stepwise.homework.signals import (
    assignment_changed,
    assignment_created,
    completion_recorded,
    occurrences_created,
    submission_made,
)
from stepwise.progress import actions
from stepwise.progress.models import ClientFigures


def _submission_made(sender: Any, *, submission: Submission, **kwargs: Any) -> None:
    actions.mark_changed([submission.client_id])


def _completion_recorded(sender: Any, *, completion: Completion, **kwargs: Any) -> None:
    actions.mark_changed([completion.client_id])


def _assignment_written(sender: Any, *, assignment: Assignment, **kwargs: Any) -> None:
    """A new assignment, a new schedule, a pause, a resumption or an end."""
    actions.mark_changed([assignment.client_id])


def _occurrences_created(
    sender: Any, *, assignment_ids: list[int], opens_from: date, until: date, **kwargs: Any
) -> None:
    actions.mark_assignments_changed(assignment_ids)


def _response_submitted(sender: Any, *, response: AssessmentResponse, **kwargs: Any) -> None:
    actions.mark_changed([response.client_id])


def _score_revised(sender: Any, *, revision: ScoreRevision, **kwargs: Any) -> None:
    actions.mark_responses_changed([revision.response_id])


def _episode_started(sender: Any, *, episode: EpisodeStart, **kwargs: Any) -> None:
    actions.mark_changed([episode.client_id])


def _instruments_changed(sender: Any, *, practice_id: int | None, **kwargs: Any) -> None:
    """A practice's import, or new shipped versions (None: every practice's clients). Shipped
    versions arrive after `migrate`, which may have stopped short of this app's table."""
    if (
        practice_id is None
        and ClientFigures._meta.db_table not in connection.introspection.table_names()
    ):
        return
    actions.mark_practice_changed(practice_id)


def _client_added(sender: Any, *, client: Client, **kwargs: Any) -> None:
    actions.add_row(client.pk)


def _client_schedule_changed(sender: Any, *, client: Client, **kwargs: Any) -> None:
    """A new time zone moves the client's local days; discharge or return changes nothing
    stored but costs one UPDATE, so it is marked too, as any client change was before."""
    actions.mark_changed([client.pk])


def connect() -> None:
    """Connect each domain signal to the figures it puts out of date (`ProgressConfig.ready`)."""
    uid = "progress.follow"
    submission_made.connect(_submission_made, dispatch_uid=f"{uid}.submission_made")
    completion_recorded.connect(_completion_recorded, dispatch_uid=f"{uid}.completion_recorded")
    assignment_created.connect(_assignment_written, dispatch_uid=f"{uid}.assignment_created")
    assignment_changed.connect(_assignment_written, dispatch_uid=f"{uid}.assignment_changed")
    occurrences_created.connect(_occurrences_created, dispatch_uid=f"{uid}.occurrences_created")
    response_submitted.connect(_response_submitted, dispatch_uid=f"{uid}.response_submitted")
    score_revised.connect(_score_revised, dispatch_uid=f"{uid}.score_revised")
    episode_started.connect(_episode_started, dispatch_uid=f"{uid}.episode_started")
    instruments_changed.connect(_instruments_changed, dispatch_uid=f"{uid}.instruments_changed")
    client_added.connect(_client_added, dispatch_uid=f"{uid}.client_added")
    client_schedule_changed.connect(
        _client_schedule_changed, dispatch_uid=f"{uid}.client_schedule_changed"
    )
