"""Writes for the homework loop: assign, edit, pause, end, materialise, complete, review.

Views, the API and the tests all go through these functions. Each keeps its rows consistent in
one transaction (an assignment with its schedule and first occurrences; a result with its
completion), so a failure or a rollback leaves nothing half-made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from stepwise.accounts.models import User
from stepwise.clinic.access import on_care_team
from stepwise.clinic.models import Client
from stepwise.homework.models import (
    Assignee,
    Assignment,
    AssignmentStatus,
    Completion,
    Feedback,
    ItemKind,
    Occurrence,
    ScheduleVersion,
    today_for,
    weekdays_text,
)
from stepwise.homework.schedule import DatedSchedule, Schedule, expand_versions
from stepwise.homework.signals import (
    assignment_changed,
    assignment_created,
    completion_recorded,
    feedback_left,
    occurrences_created,
)
from stepwise.library.models import ExerciseDefinition

WINDOW_DAYS = 14  # occurrences exist this far ahead of the client's today


class HomeworkError(Exception):
    """A request about homework that cannot be carried out; the message is for the person."""


class AlreadyCompleted(HomeworkError):
    """This occurrence already has a result (a second tab, a double click)."""


class NotOpenYet(HomeworkError):
    """The occurrence opens on a later day of the client's: it cannot be answered ahead."""


def check_open_now(occurrence: Occurrence, today: date) -> None:
    """Refuse an occurrence that opens after the client's `today` (their local day).

    Answered ahead, it would count as "on time" for a day still to come and the therapist
    would read a result dated before the item was ever given.
    """
    if occurrence.opens > today:
        raise NotOpenYet(
            _("This one opens on %(day)s. You can do it from then.")
            % {"day": dateformat.format(occurrence.opens, _("l j F"))}
        )


@dataclass(frozen=True)
class ItemChoice:
    kind: str
    exercise: ExerciseDefinition | None = None
    instrument_key: str = ""
    title: str = ""
    estimated_minutes: int = 10


def _version_row(
    assignment: Assignment, effective_from: date, schedule: Schedule
) -> ScheduleVersion:
    return ScheduleVersion(
        assignment=assignment,
        effective_from=effective_from,
        frequency=schedule.frequency.value,
        start=schedule.start,
        end=schedule.end,
        max_count=schedule.max_count,
        due=schedule.due,
        times_per_week=schedule.times_per_week,
        weekdays=weekdays_text(schedule.weekdays),
        interval_weeks=schedule.interval_weeks,
    )


def _check_care_team(client: Client, by: User) -> None:
    if not on_care_team(by, client):
        raise HomeworkError(_("You can assign homework only to clients on your caseload."))
    if client.discharged_at is not None:
        raise HomeworkError(
            _("%(name)s is discharged; make them active first.") % {"name": client.display_name}
        )


def assign(
    *,
    client: Client,
    by: User,
    item: ItemChoice,
    schedule: Schedule,
    reminder_time: time,
    note: str = "",
    assignee: str = Assignee.CLIENT,
    hidden_from_caregiver: bool = False,
) -> Assignment:
    """Create an assignment, its schedule and its first occurrences in one transaction."""
    _check_care_team(client, by)
    today = today_for(client)
    schedule.validate(today=today)
    if item.kind == ItemKind.EXERCISE and item.exercise is None:
        raise HomeworkError(_("Choose an exercise."))
    if item.kind == ItemKind.ASSESSMENT and not item.instrument_key:
        raise HomeworkError(_("Choose a questionnaire."))
    if item.kind == ItemKind.ASSESSMENT:
        _refuse_in_session_only(client.practice_id, item.instrument_key)
    if assignee == Assignee.CAREGIVER and not client.caregiver_links.exists():
        raise HomeworkError(
            _("%(name)s has no linked parent or carer yet.") % {"name": client.display_name}
        )
    with transaction.atomic():
        assignment = Assignment.objects.create(
            client=client,
            kind=item.kind,
            exercise=item.exercise,
            instrument_key=item.instrument_key,
            title=item.title[:200],
            assignee=assignee,
            note=note,
            reminder_time=reminder_time,
            hidden_from_caregiver=hidden_from_caregiver,
            estimated_minutes=item.estimated_minutes,
            created_by=by,
        )
        _version_row(assignment, schedule.start, schedule).save()
        assignment_created.send(Assignment, assignment=assignment)
        materialise([assignment], today + timedelta(days=WINDOW_DAYS))
    return assignment


def _refuse_in_session_only(practice_id: int, instrument_key: str) -> None:
    """A clinician-administered screen (ASQ) is asked in session, never sent home."""
    from stepwise.assessments import catalog

    available = catalog.find_available(practice_id, instrument_key)
    if available is not None and available.version.in_session_only:
        raise HomeworkError(
            _(
                "%(name)s is asked by a clinician in session and cannot be assigned as homework. "
                "Start it from the client's questionnaires page instead."
            )
            % {"name": available.version.abbreviation}
        )


def materialise(assignments: Iterable[Assignment], until: date) -> int:
    """Create the occurrences that open up to `until` and do not exist yet. Idempotent.

    Only active assignments grow; a paused or ended one keeps what it has. Returns how many
    occurrences were created.
    """
    due = [a for a in assignments if a.is_active and (a.materialised_until or date.min) < until]
    if not due:
        return 0
    versions: dict[int, list[DatedSchedule]] = {a.pk: [] for a in due}
    for row in ScheduleVersion.objects.filter(assignment__in=due).order_by("effective_from"):
        versions[row.assignment_id].append(row.as_dated())
    rows = []
    for assignment in due:
        since = (assignment.materialised_until or date.min) + timedelta(days=1)
        since = max(since, min((v.effective_from for v in versions[assignment.pk]), default=until))
        for occurrence in expand_versions(versions[assignment.pk], since, until):
            rows.append(
                Occurrence(
                    assignment=assignment,
                    client_id=assignment.client_id,
                    key=occurrence.key,
                    opens=occurrence.opens,
                    due=occurrence.due,
                    ordinal=occurrence.ordinal,
                )
            )
    with transaction.atomic():
        Occurrence.objects.bulk_create(rows, ignore_conflicts=True)
        Assignment.objects.filter(pk__in=[a.pk for a in due]).update(materialised_until=until)
        occurrences_created.send(
            Occurrence,
            assignment_ids=[a.pk for a in due],
            opens_from=min((r.opens for r in rows), default=until),
            until=until,
        )
    for assignment in due:
        assignment.materialised_until = until
    return len(rows)


_Slot = tuple[str, date, date, int]  # an occurrence as (key, opens, due, ordinal)


def _drop_future(assignment: Assignment, from_day: date, keep: Iterable[_Slot] = ()) -> None:
    """Remove occurrences opening on or after `from_day` that have nothing recorded against them,
    except those `keep` names as (key, opens, due, ordinal): the new schedule has them too, so
    they stay the same rows (and what was already sent for them is not sent again)."""
    kept = set(keep)
    doomed = [
        pk
        for pk, key, opens, due, ordinal in Occurrence.objects.filter(
            assignment=assignment, opens__gte=from_day, completion__isnull=True
        ).values_list("pk", "key", "opens", "due", "ordinal")
        if (key, opens, due, ordinal) not in kept
    ]
    Occurrence.objects.filter(pk__in=doomed).delete()


def _expected(assignment: Assignment, since: date, until: date) -> list[_Slot]:
    """The occurrences the assignment's schedule versions give in [since, until]."""
    versions = [
        row.as_dated()
        for row in ScheduleVersion.objects.filter(assignment=assignment).order_by("effective_from")
    ]
    return [(o.key, o.opens, o.due, o.ordinal) for o in expand_versions(versions, since, until)]


def edit_schedule(assignment: Assignment, schedule: Schedule, *, by: User) -> Assignment:
    """A new schedule from the client's today on; the past and what was done stay as they were."""
    client = assignment.client
    _check_care_team(client, by)
    if assignment.status == AssignmentStatus.ENDED:
        raise HomeworkError(_("This homework has ended; assign it again instead."))
    today = today_for(client)
    schedule.validate(today=today)
    with transaction.atomic():
        # Versions from today on are replaced (an earlier edit may have set a later start).
        ScheduleVersion.objects.filter(assignment=assignment, effective_from__gte=today).delete()
        _version_row(assignment, max(today, schedule.start), schedule).save()
        until = today + timedelta(days=WINDOW_DAYS)
        keep = _expected(assignment, today, until) if assignment.is_active else []
        _drop_future(assignment, today, keep)
        assignment.materialised_until = today - timedelta(days=1)
        assignment.save(update_fields=["materialised_until"])
        materialise([assignment], until)
        assignment_changed.send(Assignment, assignment=assignment)
    return assignment


def update_details(
    assignment: Assignment,
    *,
    by: User,
    note: str,
    reminder_time: time,
    hidden_from_caregiver: bool,
) -> Assignment:
    _check_care_team(assignment.client, by)
    with transaction.atomic():
        moved = assignment.reminder_time != reminder_time
        assignment.note = note
        assignment.reminder_time = reminder_time
        assignment.hidden_from_caregiver = hidden_from_caregiver
        assignment.save(update_fields=["note", "reminder_time", "hidden_from_caregiver"])
        if moved:
            assignment_changed.send(Assignment, assignment=assignment)
    return assignment


def set_status(assignment: Assignment, status: str, *, by: User) -> Assignment:
    """Pause, resume or end. Ending is final; history stays readable either way."""
    _check_care_team(assignment.client, by)
    if assignment.status == AssignmentStatus.ENDED:
        raise HomeworkError(_("This homework has already ended."))
    if status not in AssignmentStatus.values or status == assignment.status:
        raise HomeworkError(_("Nothing to change."))
    today = today_for(assignment.client)
    now = timezone.now()
    with transaction.atomic():
        if status in (AssignmentStatus.PAUSED, AssignmentStatus.ENDED):
            _drop_future(assignment, today + timedelta(days=1))
            assignment.materialised_until = today
        if status == AssignmentStatus.PAUSED:
            assignment.paused_at = now
        elif status == AssignmentStatus.ENDED:
            assignment.ended_at = now
        else:  # resumed: occurrences come back from today on, none for the paused days
            assignment.paused_at = None
            assignment.materialised_until = today - timedelta(days=1)
        assignment.status = status
        assignment.save(update_fields=["status", "paused_at", "ended_at", "materialised_until"])
        if status == AssignmentStatus.ACTIVE:
            materialise([assignment], today + timedelta(days=WINDOW_DAYS))
        assignment_changed.send(Assignment, assignment=assignment)
    return assignment


def record_completion(
    *,
    assignment: Assignment,
    occurrence: Occurrence | None,
    by: User,
    submission: Any = None,
    assessment_response: Any = None,
) -> Completion:
    """Link a stored result to the homework. Call inside the transaction that stored the result.

    Raises `AlreadyCompleted` when the occurrence already has a result, and the caller's
    transaction then rolls the duplicate result back too.
    """
    if assignment.status == AssignmentStatus.ENDED:
        raise HomeworkError(_("This homework has ended, so it cannot be handed in any more."))
    if occurrence is not None and occurrence.assignment_id != assignment.pk:
        raise HomeworkError(_("That item does not belong to this homework."))
    today = today_for(assignment.client)
    if occurrence is not None:
        check_open_now(occurrence, today)
    try:
        with transaction.atomic():
            completion = Completion.objects.create(
                assignment=assignment,
                client_id=assignment.client_id,
                occurrence=occurrence,
                submission=submission,
                assessment_response=assessment_response,
                completed_by=by,
                local_date=today,
            )
    except IntegrityError:
        raise AlreadyCompleted(_("This was already handed in; nothing more to do.")) from None
    completion_recorded.send(Completion, completion=completion)
    return completion


def mark_reviewed(completions: Sequence[Completion], *, by: User) -> int:
    ids = [c.pk for c in completions]
    return Completion.objects.filter(pk__in=ids, reviewed_at__isnull=True).update(
        reviewed_at=timezone.now(), reviewed_by=by
    )


def leave_feedback(completion: Completion, *, by: User, text: str) -> Feedback:
    text = text.strip()
    if not text:
        raise HomeworkError(_("Write some feedback first."))
    if len(text) > 2000:
        raise HomeworkError(_("Feedback can be at most 2000 characters."))
    with transaction.atomic():
        feedback = Feedback.objects.create(completion=completion, author=by, text=text)
        mark_reviewed([completion], by=by)
        feedback_left.send(Feedback, feedback=feedback)
    return feedback


def complete_exercise(
    *,
    assignment: Assignment,
    occurrence: Occurrence | None,
    data: Mapping[str, Any],
    by: User,
    language: str | None = None,
) -> Completion:
    """Store an exercise done at home and link it to its occurrence, all or nothing.
    `language`: the one it was answered in (the page's); None: the language of the person
    handing it in (their account's, else the client's).

    Raises `ResponseErrors` for answers that do not fit, `AlreadyCompleted` for a second submit
    of the same occurrence (the duplicate submission is rolled back with it).
    """
    from stepwise.homework.actions.submissions import submit_exercise
    from stepwise.homework.models import Mode

    if assignment.exercise is None or assignment.exercise.current_version is None:
        raise HomeworkError(_("This exercise is no longer available."))
    _check_open(assignment, occurrence)
    with transaction.atomic():
        submission = submit_exercise(
            client=assignment.client,
            version=assignment.exercise.current_version,
            data=data,
            mode=Mode.HOME,
            submitted_by=by,
            language=language
            or str(getattr(by, "language", "") or assignment.client.language or "en"),
        )
        return record_completion(
            assignment=assignment, occurrence=occurrence, by=by, submission=submission
        )


def complete_assessment(
    *,
    assignment: Assignment,
    occurrence: Occurrence | None,
    answers: Sequence[int | None],
    supplementary: Mapping[str, Any],
    sex: str | None,
    by: User,
) -> tuple[Completion, bool]:
    """Store a questionnaire done at home; returns the completion and whether an alert fired."""
    from stepwise.assessments import actions as assessment_actions
    from stepwise.assessments import catalog
    from stepwise.assessments.models import Mode, Respondent

    _check_open(assignment, occurrence)
    available = catalog.find_available(assignment.client.practice_id, assignment.instrument_key)
    if available is None:
        raise HomeworkError(_("This questionnaire is no longer available."))
    if available.version.in_session_only:
        raise HomeworkError(_("This questionnaire is asked in session only."))
    with transaction.atomic():
        stored = assessment_actions.submit_assessment(
            client=assignment.client,
            instrument=available.version,
            answers=answers,
            supplementary=supplementary,
            sex=sex,
            mode=Mode.HOME,
            respondent=(
                Respondent.CAREGIVER
                if assignment.assignee == Assignee.CAREGIVER
                else Respondent.CLIENT
            ),
            administered_by=None,
        )
        completion = record_completion(
            assignment=assignment,
            occurrence=occurrence,
            by=by,
            assessment_response=stored.response,
        )
    return completion, stored.alert is not None


def _check_open(assignment: Assignment, occurrence: Occurrence | None) -> None:
    if assignment.status == AssignmentStatus.ENDED:
        raise HomeworkError(_("This homework has ended, so it cannot be handed in any more."))
    if assignment.client.discharged_at is not None:
        raise HomeworkError(_("This homework is closed."))
    if occurrence is not None:
        check_open_now(occurrence, today_for(assignment.client))
