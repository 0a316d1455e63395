"""The worker in this process against real peers: an SMTP server, fake SMS and push endpoints."""

from __future__ import annotations

import json
import logging
import time as clock
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import timezone

from stepwise.homework.actions import assigning
from stepwise.homework.models import Assignment, AssignmentStatus, Occurrence
from stepwise.reminders import actions, summaries, worker
from stepwise.reminders.actions import delivery
from stepwise.reminders.models import (
    Kind,
    PushSubscription,
    Reminder,
    ReminderPreferences,
    State,
    WorkerHeartbeat,
)
from tests.conftest import World
from tests.fakes.providers import PushSubscriber, fake_provider
from tests.fakes.smtp import SmtpSink
from tests.homework.test_assigning import mood_answers
from tests.reminders.conftest import NOW, SECRET_NOTE, SECRET_TITLE, assign_daily, run_worker

SIX_PM = datetime(2026, 3, 20, 18, 0, tzinfo=UTC)  # 18:00 in London today
FORBIDDEN = (SECRET_TITLE, SECRET_NOTE, "mood", "Mood", "check-in", "PHQ", "phq", "SUDS")


def choices(**overrides: Any) -> actions.Choices:
    base: dict[str, Any] = {
        "email": True, "sms": False, "preferred_time": None, "quiet_start": None,
        "quiet_end": None, "paused": False,
    }  # fmt: skip
    base.update(overrides)
    return actions.Choices(**base)


def todays(kind: str = Kind.DUE, channel: str = "email") -> Reminder:
    return Reminder.objects.get(
        kind=kind, channel=channel, occurrence__opens=NOW.date(), occurrence__isnull=False
    )


def assert_nothing_clinical(text: str) -> None:
    for word in FORBIDDEN:
        assert word not in text, f"{word!r} leaked into {text!r}"


def test_it_sends_the_due_email_at_the_local_time_and_only_then(
    world: World, smtp_sink: SmtpSink
) -> None:
    with time_machine.travel(NOW, tick=False) as travel:
        assign_daily(world)
        travel.move_to(SIX_PM - timedelta(minutes=2))
        assert run_worker().sent == 0
        travel.move_to(SIX_PM)
        tally = run_worker()
    assert tally.sent == 1
    assert len(smtp_sink.messages) == 1
    row = todays()
    assert row.state == State.SENT
    assert row.sent_at == SIX_PM
    assert row.attempts == 1
    assert row.provider_id == smtp_sink.messages[0]["Message-ID"]


def test_the_email_is_a_greeting_a_link_and_a_one_click_unsubscribe(
    world: World, smtp_sink: SmtpSink
) -> None:
    with time_machine.travel(SIX_PM, tick=False) as travel:
        travel.move_to(NOW)
        assign_daily(world)
        travel.move_to(SIX_PM)
        run_worker()
    message = smtp_sink.messages[0]
    assert message["To"] == "carl@example.net"
    text = smtp_sink.text_of(message)
    assert "Carl" in text
    assert "https://stepwise.example/me/" in text
    unsubscribe = "".join(str(message["List-Unsubscribe"]).split()).strip("<>")  # unfolded
    assert unsubscribe.startswith("https://stepwise.example/r/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.get_body(preferencelist=("html",))
    assert html is not None
    assert "https://stepwise.example/me/" in html.get_content()
    assert_nothing_clinical(message.as_string())


def test_nothing_clinical_reaches_email_sms_push_or_the_log(
    world: World, smtp_sink: SmtpSink, sms_settings: Any, vapid: Any, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    world.carl_client.mobile = "+447700900123"
    world.carl_client.save()
    with fake_provider() as sms, fake_provider() as push:
        sms_settings.SMS_API_URL = sms.url
        subscriber = PushSubscriber(endpoint=f"{push.url}/push/device-1")
        with time_machine.travel(NOW, tick=False) as travel:
            assign_daily(world)
            actions.save_preferences(world.carl_client, choices(sms=True))
            info = subscriber.subscription()
            PushSubscription.objects.create(
                client=world.carl_client, endpoint=info["endpoint"], **info["keys"]
            )
            prefs = actions.preferences_for(world.carl_client)
            prefs.push_enabled = True
            prefs.save()
            actions.add_missing_reminders(world.carl_client)
            travel.move_to(SIX_PM)
            tally = run_worker()
        assert tally.sent == 3, tally
        sms_body = sms.received[0]["form"]["Body"]
        payload = subscriber.decrypt(push.received[0]["body"])
    assert "Carl" in sms_body
    assert "Reply STOP" in sms_body
    assert payload["url"] == "https://stepwise.example/me/"
    assert "Carl" in payload["body"]
    assert_nothing_clinical(sms_body)
    assert_nothing_clinical(json.dumps(payload))
    assert_nothing_clinical(smtp_sink.messages[0].as_string())
    assert_nothing_clinical("\n".join(r.getMessage() for r in caplog.records))


def test_a_batch_of_emails_shares_one_smtp_connection(world: World, smtp_sink: SmtpSink) -> None:
    from tests.reminders.test_processes import make_due_reminders

    make_due_reminders(world, 30)
    tally = run_worker(batch_size=30)
    assert tally.sent == 30
    assert smtp_sink.connections == 1


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("completed", "completed"),
        ("paused", "assignment_paused"),
        ("ended", "assignment_ended"),
        ("discharged", "discharged"),
        ("reminders_paused", "paused"),
        ("email_off", "channel_off"),
        ("no_account", "no_account"),
    ],
)
def test_it_skips_reminders_that_are_no_longer_relevant(
    world: World, smtp_sink: SmtpSink, change: str, reason: str
) -> None:
    """The worker's last look before sending. The actions cancel what a pause, an end or a
    channel turned off makes unwanted (tests/reminders/test_following_edits.py); here each change
    is made behind their back (a queryset update, as an admin or a script might), and the worker
    still sends nothing."""
    with time_machine.travel(NOW, tick=False) as travel:
        assignment = assign_daily(world)
        occurrence = Occurrence.objects.get(assignment=assignment, opens=NOW.date())
        if change == "completed":
            assigning.complete_exercise(
                assignment=assignment, occurrence=occurrence, data=mood_answers(), by=world.carl
            )
        elif change in ("paused", "ended"):
            status = AssignmentStatus.PAUSED if change == "paused" else AssignmentStatus.ENDED
            Assignment.objects.filter(pk=assignment.pk).update(status=status)
        elif change == "discharged":
            type(world.carl_client).objects.filter(pk=world.carl_client.pk).update(
                discharged_at=timezone.now()
            )
        elif change == "reminders_paused":
            actions.save_preferences(world.carl_client, choices(paused=True))
        elif change == "email_off":
            ReminderPreferences.objects.filter(client=world.carl_client).update(email_enabled=False)
        elif change == "no_account":
            type(world.carl_client).objects.filter(pk=world.carl_client.pk).update(user=None)
        travel.move_to(SIX_PM)
        tally = run_worker()
    assert tally.sent == 0
    assert smtp_sink.messages == []
    row = todays()
    assert (row.state, row.skip_reason) == (State.SKIPPED, reason)


def test_a_reminder_whose_day_passed_while_the_worker_was_down_is_skipped(
    world: World, smtp_sink: SmtpSink
) -> None:
    with time_machine.travel(NOW, tick=False) as travel:
        assign_daily(world)
        travel.move_to(SIX_PM + timedelta(days=1, hours=7))  # 01:00 the day after tomorrow
        run_worker()
    row = todays()
    assert (row.state, row.skip_reason) == (State.SKIPPED, "expired")


def test_the_overdue_nudge_goes_the_day_after_unless_done(
    world: World, smtp_sink: SmtpSink
) -> None:
    with time_machine.travel(NOW, tick=False) as travel:
        assign_daily(world)
        travel.move_to(SIX_PM)
        assert run_worker().sent == 1
        travel.move_to(SIX_PM + timedelta(days=1))  # today's is overdue; tomorrow's is due
        tally = run_worker()
    assert tally.sent == 2  # tomorrow's due reminder and today's nudge
    assert todays(Kind.OVERDUE).state == State.SENT
    subjects = sorted(m["Subject"] for m in smtp_sink.messages)
    assert "Still time to catch up" in subjects


def test_quiet_hours_chosen_after_the_row_was_made_defer_it_to_their_end(
    world: World, smtp_sink: SmtpSink
) -> None:
    with time_machine.travel(NOW, tick=False) as travel:
        assign_daily(world)
        prefs = actions.preferences_for(world.carl_client)
        # Changed behind the action's back: the worker checks again just before sending.
        prefs.quiet_start, prefs.quiet_end = time(17), time(20)
        prefs.save()
        travel.move_to(SIX_PM)
        tally = run_worker()
        row = todays()
        assert tally.deferred == 1
        assert tally.sent == 0
        assert row.state == State.PENDING
        assert row.send_at == datetime(2026, 3, 20, 20, tzinfo=UTC)
        assert row.attempts == 0
        travel.move_to(row.send_at)
        assert run_worker().sent == 1


def test_an_smtp_outage_backs_off_retries_and_then_delivers(
    world: World, smtp_sink: SmtpSink
) -> None:
    smtp_sink.refuse = True
    with time_machine.travel(NOW, tick=False) as travel:
        assign_daily(world)
        travel.move_to(SIX_PM)
        waits = []
        for _ in range(3):
            tally = run_worker()
            assert tally.retried == 1
            row = todays()
            assert row.state == State.PENDING
            assert row.last_error.startswith("TemporaryFailure")
            waits.append(row.send_at - timezone.now())
            travel.move_to(row.send_at)
        assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
        smtp_sink.refuse = False
        assert run_worker().sent == 1
    assert todays().attempts == 4
    assert len(smtp_sink.messages) == 1


def test_a_long_outage_ends_in_a_visible_failure_not_silence(
    world: World, smtp_sink: SmtpSink, settings: Any
) -> None:
    settings.STEPWISE_REMINDER_MAX_ATTEMPTS = 3
    smtp_sink.refuse = True
    with time_machine.travel(NOW, tick=False) as travel:
        assign_daily(world)
        travel.move_to(SIX_PM)
        for _ in range(3):
            run_worker()
            travel.move_to(todays().send_at + timedelta(seconds=1))
    row = todays()
    assert row.state == State.FAILED
    assert row.attempts == 3
    assert row.last_error.startswith("TemporaryFailure")
    # Visible to the practice and the care team, without content.
    assert summaries.practice_failures(world.practice.pk, now=SIX_PM) == {"email": 1}
    status = summaries.client_status(world.carl_client, now=SIX_PM)
    assert status.failed_last_week == 1
    assert status.channels == ["Email"]
    html = render_to_string(
        "reminders/_client_status.html", {"status": status, "client": world.carl_client}
    )
    assert "1 failed in the last week" in html
    assert_nothing_clinical(html)


def test_an_sms_provider_that_times_out_is_retried_with_backoff(
    world: World, sms_settings: Any
) -> None:
    world.carl_client.mobile = "+447700900123"
    world.carl_client.save()
    with fake_provider() as provider, time_machine.travel(NOW, tick=False) as travel:
        sms_settings.SMS_API_URL = provider.url
        assign_daily(world)
        actions.save_preferences(world.carl_client, choices(email=False, sms=True))
        provider.stall_seconds = 1.5
        travel.move_to(SIX_PM)
        assert run_worker().retried == 1
        row = todays(channel="sms")
        assert row.state == State.PENDING
        assert row.last_error.startswith("TemporaryFailure")
        assert row.send_at == SIX_PM + timedelta(minutes=1)
        provider.stall_seconds = 0
        travel.move_to(row.send_at)
        assert run_worker().sent == 1
        # Both tries carried the same idempotency key, so the provider can drop a duplicate.
        tokens = {r["headers"]["i-twilio-idempotency-token"] for r in provider.received}
    assert tokens == {row.key}


def test_a_permanent_refusal_is_failed_at_once(world: World, sms_settings: Any) -> None:
    world.carl_client.mobile = "+447700900123"
    world.carl_client.save()
    with fake_provider() as provider, time_machine.travel(NOW, tick=False) as travel:
        sms_settings.SMS_API_URL = provider.url
        provider.fail_with = 400
        assign_daily(world)
        actions.save_preferences(world.carl_client, choices(email=False, sms=True))
        travel.move_to(SIX_PM)
        assert run_worker().failed == 1
    row = todays(channel="sms")
    assert (row.state, row.attempts) == (State.FAILED, 1)
    assert row.last_error == "PermanentFailure: SMS provider refused the message (400)"


def test_a_push_subscription_that_is_gone_is_removed(world: World, vapid: Any) -> None:
    with fake_provider() as push, time_machine.travel(NOW, tick=False) as travel:
        push.fail_with = 410
        subscriber = PushSubscriber(endpoint=f"{push.url}/push/device-1")
        info = subscriber.subscription()
        PushSubscription.objects.create(
            client=world.carl_client, endpoint=info["endpoint"], **info["keys"]
        )
        assign_daily(world)
        actions.save_preferences(world.carl_client, choices(email=False))
        prefs = actions.preferences_for(world.carl_client)
        prefs.push_enabled = True
        prefs.save()
        actions.add_missing_reminders(world.carl_client)
        travel.move_to(SIX_PM)
        assert run_worker().failed == 1
    assert not PushSubscription.objects.exists()


def test_a_row_whose_lease_expired_is_sent_by_the_next_worker(
    world: World, smtp_sink: SmtpSink
) -> None:
    with time_machine.travel(NOW, tick=False) as travel:
        assign_daily(world)
        travel.move_to(SIX_PM)
        # A worker claims the row and dies before sending it.
        crashed = delivery.claim("crashed-worker", 10, timedelta(minutes=5), timezone.now())
        assert len(crashed.reminders) == 1
        assert run_worker().sent == 0  # still leased: nobody else touches it
        assert todays().state == State.SENDING
        travel.move_to(SIX_PM + timedelta(minutes=5, seconds=1))
        tally = run_worker()
    assert (tally.requeued, tally.sent) == (1, 1)
    row = todays()
    assert (row.state, row.attempts) == (State.SENT, 2)
    assert len(smtp_sink.messages) == 1
    # The dead worker's late outcome cannot overwrite the newer one.
    worker.Recorder(crashed.token).failed(crashed.reminders[0], RuntimeError("late"))
    assert todays().state == State.SENT


def test_a_stop_request_finishes_the_current_send_and_claims_nothing_new(
    world: World, smtp_sink: SmtpSink
) -> None:
    from tests.reminders.test_processes import make_due_reminders

    make_due_reminders(world, 10)
    runner = worker.Sender(batch_size=5, worker_id="test-worker")
    sends = 0
    original = worker.outgoing.build

    def build_and_stop_after_the_second(*args: Any) -> Any:
        nonlocal sends
        sends += 1
        if sends == 2:
            runner.stop()  # what the SIGTERM handler calls
        return original(*args)

    worker.outgoing.build = build_and_stop_after_the_second  # type: ignore[assignment]
    try:
        tally = runner.sweep()
    finally:
        worker.outgoing.build = original
    assert (tally.claimed, tally.sent, tally.released) == (5, 2, 3)
    assert len(smtp_sink.messages) == 2
    assert Reminder.objects.filter(state=State.SENDING).count() == 0
    assert Reminder.objects.filter(state=State.PENDING, attempts=0).count() == 8


def test_each_run_writes_a_heartbeat(world: World, frozen: Any) -> None:
    run_worker()
    beat = WorkerHeartbeat.objects.get(worker_id="test-worker")
    assert beat.beat_at == NOW


def test_a_slow_provider_does_not_slow_the_pages_that_make_reminders(
    world: World, sms_settings: Any
) -> None:
    world.carl_client.mobile = "+447700900123"
    world.carl_client.save()
    actions.save_preferences(world.carl_client, choices(sms=True))
    with fake_provider() as provider:
        provider.stall_seconds = 5
        sms_settings.SMS_API_URL = provider.url
        started = clock.monotonic()
        assignment = assign_daily(world, start=timezone.localdate())
        done = assigning.complete_exercise(
            assignment=assignment, occurrence=None, data=mood_answers(), by=world.carl
        )
        assigning.leave_feedback(done, by=world.alice, text="Well done.")
        elapsed = clock.monotonic() - started
    assert elapsed < 2  # the web request only writes rows; the worker does the sending
    assert Reminder.objects.filter(kind=Kind.FEEDBACK, state=State.PENDING).count() == 2
    assert provider.count() == 0


class _Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even an except clause for Exception."""


def test_a_worker_killed_after_the_server_accepted_resends_with_the_same_message_id(
    world: World, smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    with time_machine.travel(NOW, tick=False) as travel:
        assign_daily(world)
        travel.move_to(SIX_PM)
        crashed = delivery.claim("crashed-worker", 10, timedelta(minutes=5), timezone.now())

        def killed_before_recording(self: worker.Recorder, *args: Any) -> None:
            raise _Killed

        with monkeypatch.context() as patch:
            patch.setattr(worker.Recorder, "sent", killed_before_recording)
            with pytest.raises(_Killed):
                worker.deliver(crashed, lambda: True)
        assert len(smtp_sink.messages) == 1  # accepted by the server, not recorded as sent
        assert todays().state == State.SENDING
        travel.move_to(SIX_PM + timedelta(minutes=5, seconds=1))
        assert run_worker().sent == 1
    first, second = smtp_sink.messages
    assert first["Message-ID"] == second["Message-ID"]  # a de-duplicating server keeps one
    assert first["Message-ID"].endswith("@stepwise.example>")  # this site's own domain
    row = todays()
    assert (row.state, row.provider_id) == (State.SENT, first["Message-ID"])


def test_each_reminder_is_marked_sent_as_soon_as_the_server_accepts_it(
    world: World, smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stepwise.reminders.channels import EmailChannel
    from tests.reminders.test_processes import make_due_reminders

    make_due_reminders(world, 3)
    recorded_before_each_send: list[int] = []
    original = EmailChannel.send

    def send_and_count(self: EmailChannel, message: Any) -> str:
        recorded_before_each_send.append(Reminder.objects.filter(state=State.SENT).count())
        return original(self, message)

    monkeypatch.setattr(EmailChannel, "send", send_and_count)
    assert run_worker().sent == 3
    assert recorded_before_each_send == [0, 1, 2]
    ids = {m["Message-ID"] for m in smtp_sink.messages}
    assert len(ids) == 3
