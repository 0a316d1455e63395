"""What many tests build, in one place: the shipped exercises and questionnaires, homework
assigned through the real action, and things handed in.

A test module's own defaults (its personas, its clock, a title that must not leak) are arguments
here, or a one-line function in that module that passes them; the building happens only here.
The clock a module's tests stop at is the module's `NOW`, through the `frozen` fixture of
tests/conftest.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from stepwise.accounts.models import User
from stepwise.assessments.models import InstrumentVersion
from stepwise.clinic.models import Client
from stepwise.homework.actions import assigning
from stepwise.homework.models import Assignment, Completion, ItemKind, Occurrence, today_for
from stepwise.homework.schedule import Frequency, Schedule
from stepwise.library.models import ExerciseDefinition, ExerciseVersion

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday: 09:00 in London, 10:00 in Paris
TODAY = date(2026, 11, 26)
MOOD = "daily-mood-check-in"


def exercise(slug: str = MOOD) -> ExerciseDefinition:
    """A shipped exercise (loaded by the data migration; again after a flushed database)."""
    found = ExerciseDefinition.objects.filter(slug=slug, practice__isnull=True).first()
    if found is None:  # a flushed (transactional) database: load the shipped library again
        from stepwise.library import actions as library_actions

        library_actions.load_shipped_library()
        found = ExerciseDefinition.objects.get(slug=slug, practice__isnull=True)
    return found


def exercise_version(slug: str = MOOD) -> ExerciseVersion:
    """The current version of a shipped exercise."""
    found = exercise(slug).current_version
    assert found is not None
    return found


def shipped_instrument(key: str) -> InstrumentVersion:
    """The newest shipped version of a questionnaire, as the migration loaded it."""
    version = (
        InstrumentVersion.objects.filter(key=key, practice__isnull=True)
        .order_by("-version")
        .first()
    )
    assert version is not None, f"{key} was not loaded by the migration"
    return version


def phq9() -> InstrumentVersion:
    return shipped_instrument("phq9")


def answers_for(definition: ExerciseDefinition) -> dict[str, Any]:
    """Valid answers to every step of an exercise's current version."""
    from tests.library.test_shipped_content import example_answers

    version = definition.current_version
    assert version is not None
    return example_answers(version.parsed)


def assign_daily(
    client: Client,
    by: User,
    start: date | None = None,
    *,
    slug: str = MOOD,
    definition: ExerciseDefinition | None = None,
    title: str | None = None,
    at: time = time(18, 0),
    end: date | None = None,
    max_count: int | None = None,
    estimated_minutes: int | None = 10,
    **options: Any,
) -> Assignment:
    """A shipped (or the given) exercise every day from `start` (the client's today), reminded
    at `at`, taking `estimated_minutes` (None: the exercise's own estimate); `options` go to the
    action as they are (note, assignee, hidden_from_caregiver)."""
    chosen = definition or exercise(slug)
    return assigning.assign(
        client=client,
        by=by,
        item=assigning.ItemChoice(
            kind=ItemKind.EXERCISE,
            exercise=chosen,
            title=chosen.title if title is None else title,
            estimated_minutes=chosen.estimated_minutes
            if estimated_minutes is None
            else estimated_minutes,
        ),
        schedule=Schedule(
            Frequency.DAILY,
            today_for(client) if start is None else start,
            end=end,
            max_count=max_count,
        ),
        reminder_time=at,
        **options,
    )


def assign_exercise(
    client: Client,
    by: User,
    schedule: Schedule | None = None,
    slug: str = MOOD,
    **kwargs: Any,
) -> Assignment:
    """A shipped exercise on any schedule (daily from the client's today unless given)."""
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
    """The client does the first (or the given) occurrence of an exercise now, or extra practice,
    through the action the page calls. (Histories in the past: tests/progress/history.py.)"""
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
