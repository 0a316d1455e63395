"""Reminder rows: made with the homework in one transaction, at the client's local time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, transaction

from stepwise.clinic import actions as clinic_actions
from stepwise.homework.actions import assigning
from stepwise.homework.actions.upkeep import extend_rolling_windows
from stepwise.homework.models import AssignmentStatus, Occurrence
from stepwise.reminders import actions
from stepwise.reminders.models import Kind, Reminder, ReminderPreferences, State
from tests.conftest import World
from tests.reminders.conftest import NOW, TODAY, assign_daily


def due_times(assignment_id: int, channel: str = "email") -> dict[date, datetime]:
    rows = Reminder.objects.filter(
        occurrence__assignment_id=assignment_id, kind=Kind.DUE, channel=channel
    ).select_related("occurrence")
    return {r.occurrence.opens: r.send_at for r in rows}  # type: ignore[union-attr]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_it_creates_a_due_reminder_and_one_nudge_per_occurrence_by_email(
    world: World, frozen: Any
) -> None:
    assignment = assign_daily(world)
    occurrences = Occurrence.objects.filter(assignment=assignment).count()
    assert occurrences == assigning.WINDOW_DAYS + 1
    rows = Reminder.objects.filter(client=world.carl_client)
    assert rows.filter(kind=Kind.DUE).count() == occurrences
    assert rows.filter(kind=Kind.OVERDUE).count() == occurrences
    assert set(rows.values_list("channel", flat=True)) == {"email"}  # SMS and push: opt-in
    first = rows.filter(kind=Kind.DUE).order_by("send_at").first()
    assert first is not None
    assert first.key == f"occ:{first.occurrence_id}:email:due"
    assert first.state == State.PENDING
    assert first.send_at == utc(2026, 3, 20, 18)
    prefs = ReminderPreferences.objects.get(client=world.carl_client)
    assert prefs.email_enabled
    assert not prefs.sms_enabled
    assert not prefs.push_enabled


def test_the_overdue_nudge_can_be_turned_off(world: World, frozen: Any, settings: Any) -> None:
    settings.STEPWISE_OVERDUE_NUDGE = False
    assign_daily(world)
    assert not Reminder.objects.filter(kind=Kind.OVERDUE).exists()


def test_a_key_can_exist_only_once(world: World, frozen: Any) -> None:
    assignment = assign_daily(world)
    before = Reminder.objects.count()
    assigning.materialise([assignment], TODAY + timedelta(days=20))  # the window grows
    created = Reminder.objects.count() - before
    assert created == 2 * 6  # six more days, a due reminder and a nudge each
    row = Reminder.objects.first()
    assert row is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            client=row.client, occurrence=row.occurrence, kind=row.kind, channel=row.channel,
            key=row.key, send_at=row.send_at,
        )  # fmt: skip


def test_rolling_back_the_assignment_leaves_no_reminder(world: World, frozen: Any) -> None:
    made_inside = []

    def assign_then_fail() -> None:
        with transaction.atomic():
            assign_daily(world)
            made_inside.append(Reminder.objects.count())  # made in the same transaction ...
            raise RuntimeError("the request failed after assigning")

    with pytest.raises(RuntimeError):
        assign_then_fail()
    assert made_inside[0] > 0
    assert not Reminder.objects.exists()  # ... and gone with it
    assert not Occurrence.objects.exists()


def test_a_reminder_whose_time_already_passed_today_is_not_made(world: World) -> None:
    with time_machine.travel(datetime(2026, 3, 20, 19, 0, tzinfo=UTC), tick=False):
        assignment = assign_daily(world)
    assert TODAY not in due_times(assignment.pk)
    assert TODAY + timedelta(days=1) in due_times(assignment.pk)


def test_send_times_follow_london_wall_clock_across_the_spring_change(
    world: World, frozen: Any
) -> None:
    times = due_times(assign_daily(world).pk)
    assert times[date(2026, 3, 28)] == utc(2026, 3, 28, 18)  # 18:00 GMT
    assert times[date(2026, 3, 29)] == utc(2026, 3, 29, 17)  # 18:00 BST
    assert times[date(2026, 3, 30)] == utc(2026, 3, 30, 17)


def test_send_times_follow_london_wall_clock_across_the_autumn_change(world: World) -> None:
    with time_machine.travel(datetime(2026, 10, 20, 9, tzinfo=UTC), tick=False):
        times = due_times(assign_daily(world, start=date(2026, 10, 20)).pk)
    assert times[date(2026, 10, 24)] == utc(2026, 10, 24, 17)  # 18:00 BST
    assert times[date(2026, 10, 25)] == utc(2026, 10, 25, 18)  # 18:00 GMT


def test_a_time_that_does_not_exist_or_happens_twice_is_decided(world: World) -> None:
    with time_machine.travel(datetime(2026, 3, 20, 9, tzinfo=UTC), tick=False):
        spring = due_times(assign_daily(world, at=time(1, 30)).pk)
    assert spring[date(2026, 3, 29)] == utc(2026, 3, 29, 1, 30)  # 02:30 BST: after the gap
    with time_machine.travel(datetime(2026, 10, 20, 9, tzinfo=UTC), tick=False):
        autumn = due_times(assign_daily(world, start=date(2026, 10, 20), at=time(1, 30)).pk)
    assert autumn[date(2026, 10, 25)] == utc(2026, 10, 25, 0, 30)  # the first 01:30 (BST)


def test_moving_time_zone_moves_pending_reminders_to_the_new_local_time(
    world: World, frozen: Any
) -> None:
    assignment = assign_daily(world)
    client = world.carl_client
    clinic_actions.update_client(
        client,
        display_name=client.display_name,
        time_zone="America/New_York",
        email=client.email,
        mobile=client.mobile,
        is_minor=False,
    )
    times = due_times(assignment.pk)
    assert times[date(2026, 3, 21)] == utc(2026, 3, 21, 22)  # 18:00 EDT
    assert times[date(2026, 3, 29)] == utc(2026, 3, 29, 22)  # London's change is irrelevant now


def test_a_preferred_time_overrides_the_assignments_and_applies_to_pending_rows(
    world: World, frozen: Any
) -> None:
    assignment = assign_daily(world)
    actions.save_preferences(
        world.carl_client,
        actions.Choices(
            email=True, sms=False, preferred_time=time(7, 30), quiet_start=None,
            quiet_end=None, paused=False,
        ),
    )  # fmt: skip
    times = due_times(assignment.pk)
    assert times[date(2026, 3, 21)] == utc(2026, 3, 21, 7, 30)
    assert times[date(2026, 3, 30)] == utc(2026, 3, 30, 6, 30)  # 07:30 BST


def test_quiet_hours_move_pending_reminders_to_their_end(world: World, frozen: Any) -> None:
    assignment = assign_daily(world, at=time(22, 30))
    actions.save_preferences(
        world.carl_client,
        actions.Choices(
            email=True, sms=False, preferred_time=None, quiet_start=time(22),
            quiet_end=time(7), paused=False,
        ),
    )  # fmt: skip
    assert due_times(assignment.pk)[date(2026, 3, 21)] == utc(2026, 3, 22, 7)


def test_a_changed_reminder_time_on_the_assignment_moves_pending_rows(
    world: World, frozen: Any
) -> None:
    assignment = assign_daily(world)
    assigning.update_details(
        assignment, by=world.alice, note="", reminder_time=time(8), hidden_from_caregiver=False
    )
    assert due_times(assignment.pk)[date(2026, 3, 21)] == utc(2026, 3, 21, 8)


def test_turning_sms_on_adds_text_reminders_for_what_is_still_ahead(
    world: World, frozen: Any
) -> None:
    world.carl_client.mobile = "+447700900123"
    world.carl_client.save()
    assignment = assign_daily(world)
    prefs = actions.save_preferences(
        world.carl_client,
        actions.Choices(
            email=True, sms=True, preferred_time=None, quiet_start=None, quiet_end=None,
            paused=False,
        ),
    )  # fmt: skip
    assert prefs.sms_consent_at == NOW
    assert len(due_times(assignment.pk, "sms")) == assigning.WINDOW_DAYS + 1


def test_sms_cannot_be_turned_on_without_a_mobile_number(world: World, frozen: Any) -> None:
    with pytest.raises(actions.PreferenceError, match="mobile number"):
        actions.save_preferences(
            world.carl_client,
            actions.Choices(
                email=True, sms=True, preferred_time=None, quiet_start=None, quiet_end=None,
                paused=False,
            ),
        )  # fmt: skip


def test_feedback_makes_a_reminder_that_is_due_now(world: World, frozen: Any) -> None:
    from tests.homework.test_assigning import mood_answers

    assignment = assign_daily(world)
    done = assigning.complete_exercise(
        assignment=assignment, occurrence=None, data=mood_answers(), by=world.carl
    )
    feedback = assigning.leave_feedback(done, by=world.alice, text="Great effort this week.")
    row = Reminder.objects.get(kind=Kind.FEEDBACK)
    assert row.feedback == feedback
    assert row.key == f"fb:{feedback.pk}:email:feedback"
    assert row.send_at == NOW


def test_the_worker_keeps_two_weeks_of_reminders_ahead_for_clients_who_stay_away(
    world: World, frozen: Any
) -> None:
    assignment = assign_daily(world)
    frozen.shift(timedelta(days=5))
    created = extend_rolling_windows(NOW + timedelta(days=5))
    assert created == 5
    assert max(due_times(assignment.pk)) == TODAY + timedelta(days=5 + assigning.WINDOW_DAYS)


def test_a_paused_assignment_gets_no_new_rows_and_its_dropped_days_leave_no_pending_work(
    world: World, frozen: Any
) -> None:
    assignment = assign_daily(world)
    assigning.set_status(assignment, AssignmentStatus.PAUSED, by=world.alice)
    # Occurrences after today were dropped, and every unsent reminder went with the pause:
    # nothing is left pending, for the dropped days or for today's kept occurrence.
    assert not Reminder.objects.filter(occurrence__isnull=True).exists()
    assert not Reminder.objects.filter(state=State.PENDING).exists()
    assert Occurrence.objects.filter(assignment=assignment, opens=TODAY).exists()
