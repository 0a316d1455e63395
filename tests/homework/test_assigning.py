"""Assigning homework, the rolling window of occurrences, editing, pausing, ending, completing."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection

from stepwise.homework.actions import assigning
from stepwise.homework.models import (
    Assignment,
    AssignmentStatus,
    Completion,
    ItemKind,
    Occurrence,
    Submission,
)
from stepwise.homework.schedule import Frequency, Schedule, ScheduleError
from tests import factories
from tests.conftest import World
from tests.factories import exercise

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # Thursday; 09:00 in London
TODAY = date(2026, 11, 26)
MOOD = {"mood": 7}


def mood_answers() -> dict[str, Any]:
    definition = exercise().current_version.parsed  # type: ignore[union-attr]
    from tests.library.test_shipped_content import example_answers  # valid for every step

    return example_answers(definition)


def assign_daily(world: World, start: date = TODAY) -> Assignment:
    """Carl's daily mood check-in, assigned by Alice."""
    return factories.assign_daily(world.carl_client, world.alice, start)


def test_assigning_makes_two_weeks_of_occurrences_in_the_clients_days(
    world: World, frozen: Any
) -> None:
    assignment = assign_daily(world)
    days = list(Occurrence.objects.filter(assignment=assignment).values_list("opens", flat=True))
    assert days == [TODAY + timedelta(days=n) for n in range(assigning.WINDOW_DAYS + 1)]
    assert assignment.materialised_until == TODAY + timedelta(days=assigning.WINDOW_DAYS)


def test_the_window_rolls_forward_without_duplicates(world: World, frozen: Any) -> None:
    assignment = assign_daily(world)
    frozen.shift(timedelta(days=3))
    created = assigning.materialise([assignment], TODAY + timedelta(days=3 + assigning.WINDOW_DAYS))
    assert created == 3
    assert assigning.materialise([assignment], TODAY + timedelta(days=17)) == 0
    assert Occurrence.objects.filter(assignment=assignment).count() == assigning.WINDOW_DAYS + 4


def test_only_the_care_team_can_assign(world: World, frozen: Any) -> None:
    chosen = exercise()
    with pytest.raises(assigning.HomeworkError, match="only to clients on your caseload"):
        assigning.assign(
            client=world.carl_client,
            by=world.bob,
            item=assigning.ItemChoice(kind=ItemKind.EXERCISE, exercise=chosen),
            schedule=Schedule(Frequency.DAILY, TODAY),
            reminder_time=time(9),
        )
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (Schedule(Frequency.DAILY, TODAY, end=TODAY - timedelta(days=1)), "end date is before"),
        (Schedule(Frequency.TIMES_PER_WEEK, TODAY, times_per_week=0), "from 1 to 7"),
        (
            Schedule(Frequency.ONCE, TODAY - timedelta(days=9), due=TODAY - timedelta(days=2)),
            "passed",
        ),
    ],
)
def test_bad_schedules_are_refused_and_nothing_is_stored(
    world: World, frozen: Any, schedule: Schedule, message: str
) -> None:
    with pytest.raises(ScheduleError, match=message):
        assigning.assign(
            client=world.carl_client,
            by=world.alice,
            item=assigning.ItemChoice(kind=ItemKind.EXERCISE, exercise=exercise()),
            schedule=schedule,
            reminder_time=time(9),
        )
    assert not Assignment.objects.exists()
    assert not Occurrence.objects.exists()


def test_an_edit_changes_the_future_and_keeps_the_past(world: World, frozen: Any) -> None:
    assignment = assign_daily(world)
    first = Occurrence.objects.filter(assignment=assignment).order_by("opens").first()
    assert first is not None
    done = assigning.complete_exercise(
        assignment=assignment, occurrence=first, data=mood_answers(), by=world.carl
    )
    frozen.shift(timedelta(days=2))
    mondays = Schedule(Frequency.WEEKDAYS, TODAY + timedelta(days=2), weekdays=frozenset({0}))
    assigning.edit_schedule(assignment, mondays, by=world.alice)
    remaining = Occurrence.objects.filter(assignment=assignment).order_by("opens")
    past = [o.opens for o in remaining if o.opens < TODAY + timedelta(days=2)]
    future = [o.opens for o in remaining if o.opens >= TODAY + timedelta(days=2)]
    assert past == [TODAY, TODAY + timedelta(days=1)]
    assert all(day.weekday() == 0 for day in future)
    assert future
    assert Completion.objects.get(pk=done.pk).occurrence_id == first.pk


def test_pausing_stops_new_occurrences_and_resuming_brings_them_back(
    world: World, frozen: Any
) -> None:
    assignment = assign_daily(world)
    assigning.set_status(assignment, AssignmentStatus.PAUSED, by=world.alice)
    assert not Occurrence.objects.filter(assignment=assignment, opens__gt=TODAY).exists()
    frozen.shift(timedelta(days=5))
    assert assigning.materialise([assignment], TODAY + timedelta(days=30)) == 0
    assigning.set_status(assignment, AssignmentStatus.ACTIVE, by=world.alice)
    assert Occurrence.objects.filter(
        assignment=assignment, opens=TODAY + timedelta(days=5)
    ).exists()
    assert not Occurrence.objects.filter(
        assignment=assignment, opens=TODAY + timedelta(days=3)
    ).exists()


def test_an_ended_assignment_takes_no_more_work(world: World, frozen: Any) -> None:
    assignment = assign_daily(world)
    occurrence = Occurrence.objects.filter(assignment=assignment).first()
    assigning.set_status(assignment, AssignmentStatus.ENDED, by=world.alice)
    with pytest.raises(assigning.HomeworkError, match="has ended"):
        assigning.complete_exercise(
            assignment=assignment, occurrence=occurrence, data=mood_answers(), by=world.carl
        )
    assert not Submission.objects.exists()
    with pytest.raises(assigning.HomeworkError, match="already ended"):
        assigning.set_status(assignment, AssignmentStatus.ACTIVE, by=world.alice)


def test_a_second_submit_of_the_same_occurrence_stores_nothing_more(
    world: World, frozen: Any
) -> None:
    assignment = assign_daily(world)
    occurrence = Occurrence.objects.filter(assignment=assignment).first()
    assigning.complete_exercise(
        assignment=assignment, occurrence=occurrence, data=mood_answers(), by=world.carl
    )
    with pytest.raises(assigning.AlreadyCompleted):
        assigning.complete_exercise(
            assignment=assignment, occurrence=occurrence, data=mood_answers(), by=world.carl
        )
    assert Submission.objects.count() == 1
    assert Completion.objects.count() == 1


def test_extra_practice_is_allowed_and_counted(world: World, frozen: Any) -> None:
    assignment = assign_daily(world)
    for _ in range(2):
        assigning.complete_exercise(
            assignment=assignment, occurrence=None, data=mood_answers(), by=world.carl
        )
    assert Completion.objects.filter(assignment=assignment, occurrence__isnull=True).count() == 2


def test_feedback_marks_the_completion_reviewed(world: World, frozen: Any) -> None:
    assignment = assign_daily(world)
    done = assigning.complete_exercise(
        assignment=assignment, occurrence=None, data=mood_answers(), by=world.carl
    )
    with pytest.raises(assigning.HomeworkError, match="Write some feedback"):
        assigning.leave_feedback(done, by=world.alice, text="  ")
    assigning.leave_feedback(done, by=world.alice, text="Lovely work this week.")
    done.refresh_from_db()
    assert done.reviewed_by == world.alice
    assert done.feedback.get().text == "Lovely work this week."


@pytest.mark.django_db(transaction=True)
def test_two_tabs_submitting_at_once_store_one_result(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL's concurrent writers")
    assignment = assign_daily(world, start=date.today())
    occurrence = Occurrence.objects.filter(assignment=assignment).first()
    answers = mood_answers()
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def submit() -> None:
        from django.db import connections

        try:
            barrier.wait()
            assigning.complete_exercise(
                assignment=assignment, occurrence=occurrence, data=answers, by=world.carl
            )
            outcomes.append("stored")
        except assigning.AlreadyCompleted:
            outcomes.append("duplicate")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["duplicate", "duplicate", "duplicate", "stored"]
    assert Submission.objects.count() == 1
