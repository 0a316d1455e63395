"""Long homework histories for the therapist-side tests (hundreds of completions over months),
bulk-created with the dates they would have had, since the actions stamp "now". Assignments and
single things handed in come from tests/factories.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from stepwise.accounts.models import User
from stepwise.homework.models import (
    Assignment,
    Completion,
    Mode,
    Occurrence,
    Submission,
)
from stepwise.library.models import ExerciseVersion
from tests.factories import answers_for


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
