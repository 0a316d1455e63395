"""Build homework and questionnaire histories for progress tests, through the real actions.

Assignments (tests/factories.py), submissions and questionnaire scores go through `assign`,
`submit_exercise` and `submit_assessment`; only the completion row is written directly, because
`record_completion` stamps "now" and these histories happen in the past.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import time_machine

from stepwise.accounts.models import User
from stepwise.assessments.actions import submit_assessment
from stepwise.assessments.models import AssessmentResponse
from stepwise.clinic.models import Client
from stepwise.homework.actions.submissions import submit_exercise
from stepwise.homework.models import Assignment, Completion, Mode, Occurrence, Submission
from tests import factories
from tests.factories import MOOD
from tests.factories import exercise as exercise  # for `h.exercise(...)`
from tests.factories import exercise_version as version
from tests.factories import shipped_instrument as shipped


def assign_daily(
    client: Client, by: User, start: date, slug: str = MOOD, **extra: Any
) -> Assignment:
    """A daily shipped exercise from `start`, taking the exercise's own estimate of minutes."""
    return factories.assign_daily(client, by, start, slug=slug, estimated_minutes=None, **extra)


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def mood(value: int, note: str = "") -> dict[str, Any]:
    return {"mood": value, "energy": 5, "sleep": 6, "notes": note}


def hand_in(
    assignment: Assignment,
    day: date,
    data: dict[str, Any],
    *,
    by: User | None = None,
    late_by: int = 0,
    occurrence: Occurrence | None = None,
    extra: bool = False,
) -> Completion:
    """Do the occurrence due on `day` (done `late_by` days later), or extra practice."""
    done_on = day + timedelta(days=late_by)
    found = None
    if not extra:
        found = occurrence or Occurrence.objects.get(assignment=assignment, due=day)
    assert assignment.exercise is not None
    assert assignment.exercise.current_version is not None
    submission = submit_exercise(
        client=assignment.client,
        version=assignment.exercise.current_version,
        data=data,
        mode=Mode.HOME,
        submitted_by=by,
        submitted_at=noon(done_on),
    )
    return Completion.objects.create(
        assignment=assignment,
        client=assignment.client,
        occurrence=found,
        submission=submission,
        completed_by=by,
        completed_at=noon(done_on),
        local_date=done_on,
    )


def practise_in_session(client: Client, by: User, day: date, data: dict[str, Any]) -> Submission:
    return submit_exercise(
        client=client,
        version=version(),
        data=data,
        mode=Mode.IN_SESSION,
        submitted_by=by,
        submitted_at=noon(day),
    )


def phq9(total: int, item9: int = 0) -> list[int]:
    answers = [0] * 8 + [item9]
    remaining = total - item9
    for index in range(8):
        step = min(3, remaining)
        answers[index] = step
        remaining -= step
    assert remaining == 0
    return answers


def answer_phq9(client: Client, when: datetime, total: int, item9: int = 0) -> AssessmentResponse:
    with time_machine.travel(when, tick=False):
        return submit_assessment(
            client=client, instrument=shipped("phq9"), answers=phq9(total, item9), mode="home"
        ).response


def daily_history(
    client: Client, by: User, today: date, days: int, done: Iterable[int] | None = None
) -> Assignment:
    """A daily mood check-in started `days` ago; `done` lists day offsets back from today that
    were handed in on the day (default: every other day)."""
    assignment = assign_daily(client, by, today - timedelta(days=days))
    offsets: Sequence[int] = list(done) if done is not None else list(range(1, days + 1, 2))
    for back in offsets:
        hand_in(assignment, today - timedelta(days=back), mood(5 + back % 4), by=client.user)
    return assignment
