"""The therapist's daily digest: off by default, at their local time, counts only, once a day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import time_machine
from django.test import Client as HttpClient

from stepwise.accounts.actions import update_account_settings
from stepwise.accounts.models import User
from stepwise.assessments.actions import submit_assessment
from stepwise.assessments.models import InstrumentVersion
from stepwise.assessments.results import open_alerts
from stepwise.audit.models import AccessLog, Outcome
from stepwise.clinic.access import caseload_for
from stepwise.homework.overview import unreviewed_count
from stepwise.reminders import actions, digest
from stepwise.reminders.models import DigestSettings, Kind, Reminder, State
from tests.conftest import World
from tests.factories import hand_in
from tests.fakes.smtp import SmtpSink
from tests.reminders.conftest import NOW, SECRET_NOTE, SECRET_TITLE, assign_daily, run_worker

Login = Callable[[User | None], HttpClient]
TOMORROW_8 = datetime(2026, 3, 21, 8, 0, tzinfo=UTC)  # 08:00 in London (GMT) tomorrow


def something_waiting(world: World) -> None:
    """One piece of Carl's homework handed in, one PHQ-9 alert: both for Alice's attention."""
    hand_in(assign_daily(world), world.carl)
    phq9 = InstrumentVersion.objects.filter(key="phq9", practice__isnull=True).latest("version")
    submission = submit_assessment(
        client=world.carl_client, instrument=phq9, answers=[0, 0, 0, 0, 0, 0, 0, 0, 1]
    )
    assert submission.alert is not None


def digests() -> list[Reminder]:
    return list(Reminder.objects.filter(kind=Kind.DIGEST).order_by("send_at"))


def test_it_is_off_by_default_and_nothing_is_made(world: World, smtp_sink: SmtpSink) -> None:
    with time_machine.travel(NOW, tick=False) as travel:
        something_waiting(world)
        run_worker()
        travel.move_to(TOMORROW_8)
        run_worker()
    assert digests() == []
    assert not DigestSettings.objects.exists()
    assert all("summary" not in str(m["Subject"]) for m in smtp_sink.messages)


def test_the_digest_counts_what_waits_at_the_local_time_with_no_names(
    world: World, smtp_sink: SmtpSink
) -> None:
    with time_machine.travel(NOW, tick=False) as travel:
        something_waiting(world)
        actions.save_digest_settings(world.alice, enabled=True, send_time=time(8, 0))
        # 08:00 today has passed: the first digest is tomorrow's.
        assert [r.send_at for r in digests()] == [TOMORROW_8]
        travel.move_to(TOMORROW_8 - timedelta(minutes=1))
        run_worker()
        assert smtp_sink.messages == []
        travel.move_to(TOMORROW_8)
        run_worker()
        run_worker()  # a second sweep (or a second worker) sends nothing more
    assert len(smtp_sink.messages) == 1
    message = smtp_sink.messages[0]
    assert message["To"] == "alice@example.com"
    assert message["Subject"] == "Your Stepwise summary"
    text = smtp_sink.text_of(message)
    assert "Alice Therapist" in text
    assert "Waiting for your review: 1 submission." in text
    assert "Alerts not yet acknowledged: 1." in text
    assert "https://stepwise.example/dashboard/" in text
    whole = message.as_string()
    for word in ("Carl", "Dana", "Mia", SECRET_TITLE, SECRET_NOTE, "PHQ", "mood", "Mood"):
        assert word not in whole, f"{word!r} leaked into the digest"
    row = Reminder.objects.get(kind=Kind.DIGEST, recipient=world.alice, send_at=TOMORROW_8)
    assert row.state == State.SENT
    assert row.key == f"digest:{world.alice.pk}:2026-03-21"
    assert row.client_id is None


def test_a_day_with_nothing_waiting_sends_nothing(world: World, smtp_sink: SmtpSink) -> None:
    with time_machine.travel(NOW, tick=False) as travel:
        actions.save_digest_settings(world.alice, enabled=True, send_time=time(8, 0))
        travel.move_to(TOMORROW_8)
        run_worker()
    assert smtp_sink.messages == []
    row = Reminder.objects.get(kind=Kind.DIGEST, send_at=TOMORROW_8)
    assert (row.state, row.skip_reason) == (State.SKIPPED, "nothing_waiting")


def test_a_colleague_off_the_care_team_counts_nothing(world: World, smtp_sink: SmtpSink) -> None:
    with time_machine.travel(NOW, tick=False) as travel:
        something_waiting(world)
        actions.save_digest_settings(world.bob, enabled=True, send_time=time(8, 0))
        travel.move_to(TOMORROW_8)
        run_worker()
    assert smtp_sink.messages == []


def test_it_follows_the_therapists_time_zone_and_daylight_saving(world: World) -> None:
    # Olga is in New York (EDT since 8 March): 07:30 there is 11:30 UTC.
    with time_machine.travel(NOW, tick=False):
        actions.save_digest_settings(world.olga, enabled=True, send_time=time(7, 30))
    assert [r.send_at for r in digests()] == [
        datetime(2026, 3, 20, 11, 30, tzinfo=UTC),
        datetime(2026, 3, 21, 11, 30, tzinfo=UTC),
    ]
    Reminder.objects.all().delete()
    # London's clocks go forward on Sunday 29 March: 08:00 is 08:00 UTC on the 28th, 07:00 after.
    with time_machine.travel(datetime(2026, 3, 28, 9, 0, tzinfo=UTC), tick=False):
        actions.save_digest_settings(world.alice, enabled=True, send_time=time(8, 0))
        run_worker()  # the worker's upkeep makes the same rows, no more
    alices = [r.send_at for r in digests() if r.recipient_id == world.alice.pk]
    assert alices == [datetime(2026, 3, 29, 7, 0, tzinfo=UTC)]


def test_a_new_time_or_time_zone_moves_unsent_days(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        actions.save_digest_settings(world.alice, enabled=True, send_time=time(8, 0))
        actions.save_digest_settings(world.alice, enabled=True, send_time=time(17, 0))
        assert [r.send_at for r in digests()] == [
            datetime(2026, 3, 20, 17, 0, tzinfo=UTC),
            datetime(2026, 3, 21, 17, 0, tzinfo=UTC),
        ]
        update_account_settings(world.alice, name=world.alice.name, time_zone="Europe/Paris")
    assert [r.send_at for r in digests()] == [
        datetime(2026, 3, 20, 16, 0, tzinfo=UTC),
        datetime(2026, 3, 21, 16, 0, tzinfo=UTC),
    ]


def test_turning_it_off_stops_the_next_one(world: World, smtp_sink: SmtpSink) -> None:
    with time_machine.travel(NOW, tick=False) as travel:
        something_waiting(world)
        actions.save_digest_settings(world.alice, enabled=True, send_time=time(8, 0))
        actions.save_digest_settings(world.alice, enabled=False, send_time=time(8, 0))
        travel.move_to(TOMORROW_8)
        run_worker()
    assert smtp_sink.messages == []
    assert digests() == []


def test_a_pending_digest_is_skipped_if_turned_off_behind_its_back(
    world: World, smtp_sink: SmtpSink
) -> None:
    with time_machine.travel(NOW, tick=False) as travel:
        something_waiting(world)
        actions.save_digest_settings(world.alice, enabled=True, send_time=time(8, 0))
        DigestSettings.objects.filter(user=world.alice).update(enabled=False)
        travel.move_to(TOMORROW_8)
        run_worker()
    assert smtp_sink.messages == []
    assert digests()[0].skip_reason == "digest_off"


def test_the_therapist_turns_it_on_from_settings(world: World, login_as: Login) -> None:
    browser = login_as(world.alice)
    settings_page = browser.get("/accounts/settings/").content.decode()
    assert "/r/digest/" in settings_page
    assert "/r/digest/" not in login_as(world.carl).get("/accounts/settings/").content.decode()
    browser = login_as(world.alice)
    page = browser.get("/r/digest/").content.decode()
    assert 'name="enabled"' in page
    assert " checked" not in page.split('name="enabled"', 1)[1].split(">", 1)[0]
    with time_machine.travel(NOW, tick=False):
        response = browser.post("/r/digest/", {"enabled": "on", "send_time": "07:15"})
        assert response.status_code == 302
        invalid = browser.post("/r/digest/", {"enabled": "on", "send_time": ""})
    chosen = DigestSettings.objects.get(user=world.alice)
    assert (chosen.enabled, chosen.send_time) == (True, time(7, 15))
    assert len(digests()) == 1
    assert invalid.status_code == 200
    assert b"Choose a time for the summary." in invalid.content


def test_a_therapist_with_an_unknown_time_zone_does_not_stop_the_others(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        actions.save_digest_settings(world.alice, enabled=True, send_time=time(8, 0))
        actions.save_digest_settings(world.bob, enabled=True, send_time=time(8, 0))
        User.objects.filter(pk=world.bob.pk).update(time_zone="Mars/Olympus_Mons")
        Reminder.objects.all().delete()
        run_worker()
    assert [r.recipient_id for r in digests()] == [world.alice.pk]


def test_someone_who_is_not_a_therapist_is_refused_and_it_is_logged(
    world: World, login_as: Login
) -> None:
    for person in (world.carl, world.gina):
        assert login_as(person).get("/r/digest/").status_code == 404
        refused = AccessLog.objects.filter(actor=person, outcome=Outcome.DENIED)
        assert list(refused.values_list("action", flat=True)) == ["denied.digest_settings"]
    assert login_as(world.alice).get("/r/digest/").status_code == 200


def test_the_digest_counts_are_the_review_badge_and_the_alert_queue(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        something_waiting(world)
    counts = digest.counts_for(world.alice)
    assert (counts.submissions, counts.alerts) == (1, 1)
    assert counts.submissions == unreviewed_count(world.alice)
    assert counts.alerts == open_alerts(caseload_for(world.alice)).count()
