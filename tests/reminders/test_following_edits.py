"""Reminders follow every edit: of an assignment (time, schedule, pause, resume, end) and of the
client (time zone, channels), in the same transaction, never sending one twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import time_machine
from django.apps import apps
from django.db.models.signals import post_delete, post_save
from django.test import Client as HttpClient

from stepwise.homework.actions import assigning
from stepwise.homework.models import Assignment, AssignmentStatus, Submission
from stepwise.homework.schedule import Frequency, Schedule
from stepwise.reminders.models import Kind, Reminder, State
from tests.conftest import World
from tests.fakes.smtp import SmtpSink
from tests.homework.test_client_side import shipped, valid_form
from tests.reminders.conftest import NOW, TODAY, assign_daily, run_worker
from tests.reminders.test_creation import utc


def pending_due(assignment: Assignment) -> dict[date, datetime]:
    rows = Reminder.objects.filter(
        occurrence__assignment=assignment, kind=Kind.DUE, state=State.PENDING, channel="email"
    ).select_related("occurrence")
    return {r.occurrence.opens: r.send_at for r in rows}  # type: ignore[union-attr]


def set_time(assignment: Assignment, world: World, at: time) -> None:
    assigning.update_details(
        assignment, by=world.alice, note="", reminder_time=at, hidden_from_caregiver=False
    )


EVENING = datetime(2026, 3, 20, 19, 0, tzinfo=UTC)  # 19:00 in London, after the default 18:00


def test_an_evening_edit_of_the_reminder_time_creates_todays_reminder(
    world: World, alice_client: HttpClient
) -> None:
    """The session of the report: practise together in the evening, assign with one click at the
    default 18:00 (today's moment has passed), then move the time a few minutes ahead."""
    client = world.carl_client
    exercise = shipped("paced-breathing")
    with time_machine.travel(EVENING, tick=False):
        alice_client.post(f"/clients/{client.pk}/assign/", {"item": f"exercise:{exercise.pk}"})
        assignment = Assignment.objects.get()
        assert TODAY not in pending_due(assignment)
        response = alice_client.post(
            f"/clients/{client.pk}/assignments/{assignment.pk}/details/",
            {"note": "", "reminder_time": "19:10"},
        )
        assert response.status_code == 302
    times = pending_due(assignment)
    assert times[TODAY] == utc(2026, 3, 20, 19, 10)
    assert times[TODAY + timedelta(days=1)] == utc(2026, 3, 21, 19, 10)
    assert Reminder.objects.filter(occurrence__opens=TODAY, kind=Kind.DUE).count() == 1


def test_the_assign_step_after_practice_offers_the_reminder_time(
    world: World, alice_client: HttpClient
) -> None:
    client = world.carl_client
    exercise = shipped("paced-breathing")
    version = exercise.current_version
    assert version is not None
    with time_machine.travel(EVENING, tick=False):
        alice_client.post(
            f"/clients/{client.pk}/practise/{version.pk}/", valid_form("paced-breathing")
        )
        submission = Submission.objects.get()
        page = alice_client.get(f"/clients/{client.pk}/practice/{submission.pk}/").content.decode()
        assert 'name="reminder_time" value="18:00"' in page
        assert '<label for="assign-reminder-time">' in page
        alice_client.post(
            f"/clients/{client.pk}/assign/",
            {"item": f"exercise:{exercise.pk}", "reminder_time": "20:30"},
        )
    assignment = Assignment.objects.get()
    assert assignment.reminder_time == time(20, 30)
    assert pending_due(assignment)[TODAY] == utc(2026, 3, 20, 20, 30)


def test_a_time_moved_into_the_past_today_creates_none(world: World) -> None:
    with time_machine.travel(datetime(2026, 3, 20, 12, 0, tzinfo=UTC), tick=False):
        assignment = assign_daily(world)
        assert pending_due(assignment)[TODAY] == utc(2026, 3, 20, 18)
        set_time(assignment, world, time(11, 0))
    times = pending_due(assignment)
    assert TODAY not in times  # moved to 11:00, already past: cancelled, not sent late
    assert times[TODAY + timedelta(days=1)] == utc(2026, 3, 21, 11)
    assert not Reminder.objects.filter(occurrence__opens=TODAY, kind=Kind.DUE).exists()


def test_a_pause_and_a_resume_across_days(world: World, smtp_sink: SmtpSink) -> None:
    with time_machine.travel(NOW, tick=False) as travel:  # Friday 09:00
        assignment = assign_daily(world)
        assigning.set_status(assignment, AssignmentStatus.PAUSED, by=world.alice)
        assert pending_due(assignment) == {}
        assert not Reminder.objects.filter(state=State.PENDING).exists()  # nudges too
        travel.move_to(datetime(2026, 3, 21, 20, tzinfo=UTC))  # Saturday evening
        run_worker()
        assert smtp_sink.messages == []
        travel.move_to(datetime(2026, 3, 22, 9, tzinfo=UTC))  # Sunday 09:00
        assigning.set_status(assignment, AssignmentStatus.ACTIVE, by=world.alice)
        times = pending_due(assignment)
        assert min(times) == date(2026, 3, 22)  # from today on; nothing for the paused days
        assert times[date(2026, 3, 22)] == utc(2026, 3, 22, 18)
        # Friday's occurrence is still open, but its nudge (Saturday 18:00) is not sent late.
        assert not Reminder.objects.filter(
            state=State.PENDING, send_at__lt=datetime(2026, 3, 22, 9, tzinfo=UTC)
        ).exists()
        travel.move_to(datetime(2026, 3, 22, 18, tzinfo=UTC))
        assert run_worker().sent == 1  # Sunday's reminder only
    assert len(smtp_sink.messages) == 1


def test_an_edit_before_the_clocks_change_keeps_the_wall_clock_time(world: World) -> None:
    with time_machine.travel(NOW, tick=False):  # Friday 20 March; London goes to BST on the 29th
        assignment = assign_daily(world)
        set_time(assignment, world, time(7, 15))
    times = pending_due(assignment)
    assert times[date(2026, 3, 28)] == utc(2026, 3, 28, 7, 15)  # GMT
    assert times[date(2026, 3, 29)] == utc(2026, 3, 29, 6, 15)  # BST, the day of the change
    assert times[date(2026, 3, 30)] == utc(2026, 3, 30, 6, 15)


def test_an_evening_edit_on_the_day_the_clocks_change(world: World) -> None:
    # Sunday 29 March 2026, 18:30 BST (17:30 UTC): the default 18:00 BST has just passed.
    with time_machine.travel(datetime(2026, 3, 29, 17, 30, tzinfo=UTC), tick=False):
        assignment = assign_daily(world, start=date(2026, 3, 29))
        assert date(2026, 3, 29) not in pending_due(assignment)
        set_time(assignment, world, time(19, 0))
    times = pending_due(assignment)
    assert times[date(2026, 3, 29)] == utc(2026, 3, 29, 18)  # 19:00 BST
    assert times[date(2026, 3, 30)] == utc(2026, 3, 30, 18)


def test_a_schedule_edit_on_the_day_never_sends_todays_reminder_twice(
    world: World, smtp_sink: SmtpSink
) -> None:
    with time_machine.travel(datetime(2026, 3, 20, 7, 0, tzinfo=UTC), tick=False) as travel:
        assignment = assign_daily(world, at=time(8, 0))
        travel.move_to(datetime(2026, 3, 20, 8, 0, tzinfo=UTC))
        assert run_worker().sent == 1
        travel.move_to(datetime(2026, 3, 20, 9, 0, tzinfo=UTC))
        assigning.edit_schedule(
            assignment,
            Schedule(Frequency.WEEKDAYS, TODAY, weekdays=frozenset({0, 2, 4})),  # Friday too
            by=world.alice,
        )
        set_time(assignment, world, time(18, 0))
        travel.move_to(datetime(2026, 3, 20, 18, 0, tzinfo=UTC))
        assert run_worker().sent == 0
    assert len(smtp_sink.messages) == 1
    today = Reminder.objects.get(kind=Kind.DUE, occurrence__opens=TODAY)
    assert today.state == State.SENT
    assert set(pending_due(assignment)) == {
        day
        for day in (TODAY + timedelta(days=n) for n in range(1, 15))
        if day.weekday() in {0, 2, 4}
    }


def test_moving_the_client_to_another_zone_in_the_evening_creates_todays_reminder(
    world: World,
) -> None:
    from stepwise.clinic import actions as clinic_actions

    client = world.carl_client
    with time_machine.travel(EVENING, tick=False):  # 19:00 London, 15:00 in New York
        assignment = assign_daily(world)
        assert TODAY not in pending_due(assignment)
        clinic_actions.update_client(
            client,
            display_name=client.display_name,
            time_zone="America/New_York",
            email=client.email,
            mobile=client.mobile,
            is_minor=False,
        )
    assert pending_due(assignment)[TODAY] == utc(2026, 3, 20, 22)  # 18:00 EDT, still ahead


def test_no_model_of_stepwise_has_a_save_or_delete_receiver() -> None:
    """Consequences are called by name from actions (or sent as named domain signals), never
    hung on a model's save or delete, which `.update()` and `bulk_create` silently skip.
    No module is allowed one (the dashboard's figures follow named signals: `progress.follow`).
    """
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("stepwise."):
            continue
        for model in config.get_models():
            for signal in (post_save, post_delete):
                sync_receivers, async_receivers = signal._live_receivers(model)
                for receiver in [*sync_receivers, *async_receivers]:
                    module = getattr(receiver, "__module__", "")
                    found.append(f"{model.__name__}: {module}.{receiver.__name__}")
    assert found == []


def test_ending_the_homework_or_unsubscribing_cancels_what_was_pending(world: World) -> None:
    from stepwise.reminders import actions

    dana_assignment = assign_daily(world, client=world.dana_client)
    with time_machine.travel(NOW, tick=False):
        assignment = assign_daily(world)
        assigning.set_status(assignment, AssignmentStatus.ENDED, by=world.alice)
        assert not Reminder.objects.filter(client=world.carl_client, state=State.PENDING).exists()
        assert pending_due(dana_assignment)  # someone else's stay
        actions.unsubscribe_email(actions.preferences_for(world.dana_client))
    assert not Reminder.objects.filter(state=State.PENDING).exists()


# --- after any sequence of edits: what a fresh assignment with the final settings would have --

ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata"]
# Up to 20:00, so that a worker running every three hours sends each on its local day.
TIMES = [time(7, 0), time(9, 30), time(12, 0), time(18, 0), time(18, 5), time(20, 0)]
WEEKDAY_SETS = [None, frozenset({0, 2, 4}), frozenset({5, 6}), frozenset({4})]  # None: daily


def _schedule(weekdays: frozenset[int] | None, start: date) -> Schedule:
    if weekdays is None:
        return Schedule(Frequency.DAILY, start)
    return Schedule(Frequency.WEEKDAYS, start, weekdays=weekdays)


def _edits() -> Any:
    from hypothesis import strategies as st

    return st.lists(
        st.one_of(
            st.tuples(st.just("time"), st.sampled_from(TIMES)),
            st.tuples(st.just("schedule"), st.sampled_from(WEEKDAY_SETS)),
            st.tuples(st.just("pause"), st.none()),
            st.tuples(st.just("resume"), st.none()),
            st.tuples(st.just("zone"), st.sampled_from(ZONES)),
            st.tuples(
                st.just("choices"),
                st.tuples(
                    st.booleans(),  # email
                    st.booleans(),  # sms
                    st.sampled_from([None, time(7, 30)]),  # preferred time
                    st.sampled_from([None, (time(22), time(7))]),  # quiet hours
                ),
            ),
            st.tuples(st.just("wait"), st.sampled_from([20, 300, 600, 1440])),  # minutes
        ),
        max_size=8,
    )


def _pending(assignment: Assignment, today: date, until: date) -> set[tuple[Any, ...]]:
    rows = Reminder.objects.filter(
        occurrence__assignment=assignment,
        state=State.PENDING,
        occurrence__opens__gte=today,
        occurrence__opens__lte=until,
    ).select_related("occurrence")
    return {(r.occurrence.key, r.kind, r.channel, r.send_at) for r in rows}  # type: ignore[union-attr]


def test_after_any_edits_the_pending_reminders_are_those_of_a_fresh_assignment(
    world: World, smtp_sink: SmtpSink
) -> None:
    from django.db import transaction
    from hypothesis import HealthCheck, given, settings

    from stepwise.clinic import actions as clinic_actions
    from stepwise.homework.models import today_for
    from stepwise.reminders import actions

    client = world.carl_client
    type(client).objects.filter(pk=client.pk).update(mobile="+447700900123")
    client.refresh_from_db()

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(edits=_edits())
    def check(edits: list[tuple[str, Any]]) -> None:
        with transaction.atomic(), time_machine.travel(NOW, tick=False) as travel:
            assignment = assign_daily(world)
            weekdays: frozenset[int] | None = None
            for edit, value in edits:
                assignment.refresh_from_db()
                client.refresh_from_db()
                if edit == "time":
                    set_time(assignment, world, value)
                elif edit == "schedule":
                    weekdays = value
                    if assignment.status != AssignmentStatus.ENDED:
                        assigning.edit_schedule(
                            assignment, _schedule(value, today_for(client)), by=world.alice
                        )
                elif edit in ("pause", "resume"):
                    wanted = AssignmentStatus.PAUSED if edit == "pause" else AssignmentStatus.ACTIVE
                    if assignment.status != wanted:
                        assigning.set_status(assignment, wanted, by=world.alice)
                elif edit == "zone":
                    clinic_actions.update_client(
                        client,
                        display_name=client.display_name,
                        time_zone=value,
                        email=client.email,
                        mobile=client.mobile,
                        is_minor=False,
                    )
                elif edit == "choices":
                    email, sms, preferred, quiet = value
                    actions.save_preferences(
                        client,
                        actions.Choices(
                            email=email,
                            sms=sms,
                            preferred_time=preferred,
                            quiet_start=quiet[0] if quiet else None,
                            quiet_end=quiet[1] if quiet else None,
                            paused=False,
                        ),
                    )
                else:  # time passes with the worker running every few hours (as it does every
                    # minute in production): it sends what is due and grows the window
                    left = value
                    while left > 0:
                        travel.shift(timedelta(minutes=min(left, 180)))
                        left -= 180
                        run_worker()
            assignment.refresh_from_db()
            client.refresh_from_db()
            today = today_for(client)
            sent = {
                (key, kind, channel)
                for key, kind, channel in Reminder.objects.filter(
                    occurrence__assignment=assignment, state=State.SENT
                ).values_list("occurrence__key", "kind", "channel")
            }
            assert not Reminder.objects.filter(
                occurrence__assignment=assignment, state__in=[State.FAILED, State.SKIPPED]
            ).exists()  # what was unwanted was cancelled, not left for the worker to skip
            edited_until = assignment.materialised_until
            status = assignment.status
            rollback = transaction.savepoint()
            fresh = assigning.assign(
                client=client,
                by=world.alice,
                item=assigning.ItemChoice(
                    kind=assignment.kind, exercise=assignment.exercise, title="fresh"
                ),
                schedule=_schedule(weekdays, today),
                reminder_time=assignment.reminder_time,
            )
            if status == AssignmentStatus.PAUSED:
                assigning.set_status(fresh, AssignmentStatus.PAUSED, by=world.alice)
            fresh.refresh_from_db()
            until = min(d for d in (edited_until, fresh.materialised_until) if d is not None)
            expected = {row for row in _pending(fresh, today, until) if row[:3] not in sent}
            transaction.savepoint_rollback(rollback)
            assert _pending(assignment, today, until) == expected
            transaction.set_rollback(True)

    check()


def test_a_client_who_changes_their_own_zone_in_settings_moves_their_reminders(
    world: World,
) -> None:
    from stepwise.accounts.actions import update_account_settings

    with time_machine.travel(EVENING, tick=False):  # 19:00 London, 15:00 in New York
        assignment = assign_daily(world)
        assert TODAY not in pending_due(assignment)
        update_account_settings(world.carl, name=world.carl.name, time_zone="America/New_York")
    world.carl_client.refresh_from_db()
    assert world.carl_client.time_zone == "America/New_York"
    assert pending_due(assignment)[TODAY] == utc(2026, 3, 20, 22)  # 18:00 EDT, still ahead
