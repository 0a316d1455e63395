"""Building homework for the therapist-side tests: assignments, things handed in, long histories.

Small amounts go through the actions; long histories (hundreds of completions over months) are
bulk-created with the dates they would have had, since the actions stamp "now".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from stepwise.accounts.models import User
from stepwise.assessments.models import InstrumentVersion
from stepwise.clinic.models import Client
from stepwise.homework.actions import assigning
from stepwise.homework.models import (
    Assignment,
    Completion,
    ItemKind,
    Mode,
    Occurrence,
    Submission,
    today_for,
)
from stepwise.homework.schedule import Frequency, Schedule
from stepwise.library.models import ExerciseDefinition, ExerciseVersion
from tests.library.test_shipped_content import example_answers


def exercise(slug: str = "daily-mood-check-in") -> ExerciseDefinition:
    found = ExerciseDefinition.objects.filter(slug=slug, practice__isnull=True).first()
    if found is None:  # a flushed (transactional) database: load the shipped library again
        from stepwise.library import actions as library_actions

        library_actions.load_shipped_library()
        found = ExerciseDefinition.objects.get(slug=slug, practice__isnull=True)
    return found


def answers_for(definition: ExerciseDefinition) -> dict[str, Any]:
    version = definition.current_version
    assert version is not None
    return example_answers(version.parsed)


def assign_exercise(
    client: Client,
    by: User,
    schedule: Schedule | None = None,
    slug: str = "daily-mood-check-in",
    **kwargs: Any,
) -> Assignment:
    chosen = exercise(slug)
    return assigning.assign(
        client=client,
        by=by,
        item=assigning.ItemChoice(kind=ItemKind.EXERCISE, exercise=chosen, title=chosen.title),
        schedule=schedule or Schedule(Frequency.DAILY, today_for(client)),
        reminder_time=kwargs.pop("reminder_time", time(18, 0)),
        **kwargs,
    )


def assign_questionnaire(client: Client, by: User, key: str = "phq9") -> Assignment:
    return assigning.assign(
        client=client,
        by=by,
        item=assigning.ItemChoice(
            kind=ItemKind.ASSESSMENT, instrument_key=key, title="PHQ-9", estimated_minutes=5
        ),
        schedule=Schedule(Frequency.EVERY_N_WEEKS, today_for(client)),
        reminder_time=time(18, 0),
    )


def first_occurrence(assignment: Assignment) -> Occurrence:
    found = assignment.occurrences.order_by("opens", "id").first()
    assert found is not None
    return found


def hand_in(
    assignment: Assignment, by: User, occurrence: Occurrence | None = None, *, extra: bool = False
) -> Completion:
    """The client does today's (or the given) occurrence of an exercise, or extra practice."""
    if occurrence is None and not extra:
        occurrence = first_occurrence(assignment)
    assert assignment.exercise is not None
    return assigning.complete_exercise(
        assignment=assignment,
        occurrence=occurrence,
        data=answers_for(assignment.exercise),
        by=by,
    )


def hand_in_questionnaire(assignment: Assignment, by: User, answers: list[int]) -> Completion:
    completion, _ = assigning.complete_assessment(
        assignment=assignment,
        occurrence=first_occurrence(assignment),
        answers=answers,
        supplementary={},
        sex=None,
        by=by,
    )
    return completion


def phq9() -> InstrumentVersion:
    return InstrumentVersion.objects.filter(key="phq9", practice__isnull=True).latest("version")


def history(
    assignment: Assignment,
    by: User,
    *,
    days: int,
    today: date,
    skip_every: int = 4,
    late_every: int = 5,
) -> int:
    """Bulk-make `days` days of daily occurrences before `today`, most of them done (some late,
    some missed), with their submissions. Returns how many completions were made."""
    assert assignment.exercise is not None
    version: ExerciseVersion | None = assignment.exercise.current_version
    assert version is not None
    answers = answers_for(assignment.exercise)
    occurrences = Occurrence.objects.bulk_create(
        Occurrence(
            assignment=assignment,
            client_id=assignment.client_id,
            key=f"history-{n}",
            opens=today - timedelta(days=n),
            due=today - timedelta(days=n),
            ordinal=n,
        )
        for n in range(1, days + 1)
    )
    done = [o for o in occurrences if o.ordinal % skip_every]
    submissions = Submission.objects.bulk_create(
        Submission(
            client_id=assignment.client_id,
            exercise_version=version,
            answers=answers,
            mode=Mode.HOME,
            submitted_by=by,
            submitted_at=datetime.combine(o.due, time(19), tzinfo=UTC),
        )
        for o in done
    )
    Completion.objects.bulk_create(
        Completion(
            assignment=assignment,
            client_id=assignment.client_id,
            occurrence=o,
            submission=s,
            completed_by=by,
            completed_at=s.submitted_at,
            local_date=o.due + timedelta(days=1 if o.ordinal % late_every == 0 else 0),
        )
        for o, s in zip(done, submissions, strict=True)
    )
    return len(done)
