"""Reminders for homework assigned to a child's caregiver: to each linked carer, by email."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import time_machine
from django.test import Client as HttpClient

from stepwise.accounts.models import User
from stepwise.clinic import actions as clinic_actions
from stepwise.clinic.actions import unlink_caregiver
from stepwise.clinic.models import CaregiverLink
from stepwise.homework.actions import assigning
from stepwise.homework.models import Assignee, Assignment, ItemKind
from stepwise.homework.schedule import Frequency, Schedule
from stepwise.reminders import actions, outgoing
from stepwise.reminders.models import CaregiverPreferences, Kind, Reminder, State
from tests.conftest import World, make_user
from tests.factories import exercise, hand_in
from tests.fakes.smtp import SmtpSink
from tests.reminders.conftest import NOW, SECRET_NOTE, SECRET_TITLE, TODAY, assign_daily, run_worker

Login = Callable[[User | None], HttpClient]
SIX_PM = datetime(2026, 3, 20, 18, 0, tzinfo=UTC)  # 18:00 in London (Mia's time zone) today
FORBIDDEN = (SECRET_TITLE, SECRET_NOTE, "Mia", "mood", "Mood", "check-in", "Lovely work")


def assign_to_carer(world: World, at: time = time(18, 0)) -> Assignment:
    return assigning.assign(
        client=world.mia_client,
        by=world.alice,
        item=assigning.ItemChoice(kind=ItemKind.EXERCISE, exercise=exercise(), title=SECRET_TITLE),
        schedule=Schedule(Frequency.DAILY, TODAY),
        reminder_time=at,
        note=SECRET_NOTE,
        assignee=Assignee.CAREGIVER,
    )


def unfolded(value: object) -> str:
    return "".join(str(value).split()).strip("<>")


def test_carer_homework_emails_the_caregiver_at_the_local_time(
    world: World, smtp_sink: SmtpSink
) -> None:
    with time_machine.travel(NOW, tick=False) as travel:
        assign_to_carer(world)
        rows = Reminder.objects.filter(client=world.mia_client)
        assert set(rows.values_list("recipient_id", flat=True)) == {world.gina.pk}
        assert set(rows.values_list("channel", flat=True)) == {"email"}
        today = rows.get(kind=Kind.DUE, occurrence__opens=TODAY)
        assert today.send_at == SIX_PM
        assert today.key.endswith(f":cg{world.gina.pk}")
        travel.move_to(SIX_PM - timedelta(minutes=1))
        assert run_worker().sent == 0
        travel.move_to(SIX_PM)
        assert run_worker().sent == 1
    message = smtp_sink.messages[0]
    assert message["To"] == "gina@example.net"
    text = smtp_sink.text_of(message)
    assert "Gina Parent" in text
    assert "https://stepwise.example/me/" in text
    assert "https://stepwise.example/me/reminders/carer/" in text
    for word in FORBIDDEN:
        assert word not in message.as_string(), f"{word!r} leaked into the carer's email"


def test_the_childs_own_homework_does_not_email_the_caregiver(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        assign_daily(world, client=world.mia_client)
    assert not Reminder.objects.filter(recipient__isnull=False).exists()


def test_the_unsubscribe_link_stops_only_that_caregivers_emails(
    world: World, smtp_sink: SmtpSink, client: HttpClient
) -> None:
    greg = make_user("greg@example.net", "Greg Parent")
    CaregiverLink.objects.create(caregiver=greg, client=world.mia_client, relationship="father")
    with time_machine.travel(NOW, tick=False) as travel:
        assign_to_carer(world)
        travel.move_to(SIX_PM)
        run_worker()
        assert sorted(m["To"] for m in smtp_sink.messages) == [
            "gina@example.net",
            "greg@example.net",
        ]
        ginas = next(m for m in smtp_sink.messages if m["To"] == "gina@example.net")
        unsubscribe = unfolded(ginas["List-Unsubscribe"])
        assert ginas["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        path = unsubscribe.removeprefix("https://stepwise.example")
        assert client.get(path).status_code == 200  # only asks
        assert CaregiverPreferences.objects.get(user=world.gina).email_enabled
        assert b"no more reminder emails" in client.post(path).content
        smtp_sink.messages.clear()
        travel.move_to(SIX_PM + timedelta(days=1))
        run_worker()
    # Greg: today's reminder and yesterday's nudge; Gina: nothing.
    assert {m["To"] for m in smtp_sink.messages} == {"greg@example.net"}
    assert not CaregiverPreferences.objects.get(user=world.gina).email_enabled
    skipped = Reminder.objects.filter(recipient=world.gina, state=State.SKIPPED)
    assert set(skipped.values_list("skip_reason", flat=True)) == {"channel_off"}


def test_the_childs_pause_is_the_childs_choice_only(world: World, smtp_sink: SmtpSink) -> None:
    prefs = actions.preferences_for(world.mia_client)
    prefs.paused = True
    prefs.quiet_start, prefs.quiet_end = time(17), time(20)
    prefs.save()
    with time_machine.travel(NOW, tick=False) as travel:
        assign_to_carer(world)
        travel.move_to(SIX_PM)
        run_worker()
    assert [m["To"] for m in smtp_sink.messages] == ["gina@example.net"]


def test_a_caregiver_linked_later_is_reminded_and_an_unlinked_one_is_not(
    world: World, smtp_sink: SmtpSink
) -> None:
    greg = make_user("greg@example.net", "Greg Parent")
    with time_machine.travel(NOW, tick=False) as travel:
        assign_to_carer(world)
        clinic_actions.link_caregiver(greg, world.mia_client)
        assert Reminder.objects.filter(recipient=greg, kind=Kind.DUE).exists()
        unlink_caregiver(CaregiverLink.objects.get(caregiver=world.gina))
        travel.move_to(SIX_PM)
        run_worker()
    assert [m["To"] for m in smtp_sink.messages] == ["greg@example.net"]
    gina_today = Reminder.objects.get(recipient=world.gina, kind=Kind.DUE, send_at=SIX_PM)
    assert gina_today.skip_reason == "unlinked"


def test_feedback_on_carer_homework_tells_the_caregiver(world: World, smtp_sink: SmtpSink) -> None:
    with time_machine.travel(NOW, tick=False):
        assignment = assign_to_carer(world)
        completion = hand_in(assignment, world.gina)
        assigning.leave_feedback(completion, by=world.alice, text="Lovely work with Mia.")
        run_worker()
    assert [m["To"] for m in smtp_sink.messages] == ["gina@example.net"]
    assert smtp_sink.messages[0]["Subject"] == "Something new in Stepwise"
    for word in FORBIDDEN:
        assert word not in smtp_sink.messages[0].as_string()
    row = Reminder.objects.get(kind=Kind.FEEDBACK)
    assert (row.recipient_id, row.state) == (world.gina.pk, State.SENT)


def test_the_caregiver_turns_emails_off_and_on_again(world: World, login_as: Login) -> None:
    browser = login_as(world.gina)
    assert "/me/reminders/carer/" in browser.get("/accounts/settings/").content.decode()
    with time_machine.travel(NOW, tick=False):
        assign_to_carer(world)
        page = browser.get("/me/reminders/carer/").content.decode()
        assert "on by default" in page
        assert browser.post("/me/reminders/carer/", {}).status_code == 302
        assert not CaregiverPreferences.objects.get(user=world.gina).email_enabled
        # Rows made while off are missing; turning it back on makes them.
        Reminder.objects.filter(recipient=world.gina).delete()
        browser.post("/me/reminders/carer/", {"email": "on"})
    prefs = CaregiverPreferences.objects.get(user=world.gina)
    assert prefs.email_enabled
    assert prefs.email_consent_at is not None
    assert Reminder.objects.filter(recipient=world.gina, kind=Kind.DUE, send_at=SIX_PM).exists()


def test_a_caregiver_opted_out_gets_no_rows_made(world: World) -> None:
    actions.save_caregiver_preferences(world.gina, email=False)
    with time_machine.travel(NOW, tick=False):
        assign_to_carer(world)
    assert not Reminder.objects.filter(recipient=world.gina).exists()


def test_the_therapist_sees_which_deliveries_went_to_a_carer(
    world: World, smtp_sink: SmtpSink, login_as: Login
) -> None:
    with time_machine.travel(NOW, tick=False) as travel:
        assign_to_carer(world)
        travel.move_to(SIX_PM)
        run_worker()
        page = login_as(world.alice).get(f"/clients/{world.mia_client.pk}/").content.decode()
    section = page.split('id="reminders-status-heading"', 1)[1].split("</section>", 1)[0]
    assert "Email (to a parent or carer)" in section
    assert "gina@example.net" not in section  # outcomes only: no address, no content


def test_a_caregivers_consent_is_stamped_when_turned_on_and_cleared_when_off(
    world: World,
) -> None:
    with time_machine.travel(NOW, tick=False):
        prefs = actions.save_caregiver_preferences(world.gina, email=True)
        assert prefs.email_consent_at is None  # on by default: nothing was given yet
        prefs = actions.save_caregiver_preferences(world.gina, email=False)
        assert (prefs.email_enabled, prefs.email_consent_at, prefs.updated_at) == (False, None, NOW)
    later = NOW + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        prefs = actions.save_caregiver_preferences(world.gina, email=True)
    with time_machine.travel(later + timedelta(hours=1), tick=False):
        again = actions.save_caregiver_preferences(world.gina, email=True)
    assert (prefs.email_enabled, prefs.email_consent_at) == (True, later)
    assert again.email_consent_at == later  # already on: the first consent stands
    done = later + timedelta(days=1)
    with time_machine.travel(done, tick=False):
        actions.unsubscribe_caregiver_email(again)
    stored = CaregiverPreferences.objects.get(user=world.gina)
    assert (stored.email_enabled, stored.email_consent_at, stored.updated_at) == (False, None, done)


def test_the_caregivers_unsubscribe_link_uses_the_choices_loaded_with_the_row(
    world: World, django_assert_num_queries: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        assign_to_carer(world)
    rows = Reminder.objects.filter(recipient=world.gina).select_related(
        "recipient__caregiver_reminders"
    )
    reminder = rows.first()
    assert reminder is not None
    with django_assert_num_queries(0):
        url = outgoing._caregiver_unsubscribe_url(reminder)
    token = url.rstrip("/").rsplit("/", 1)[-1]
    found = actions.caregiver_preferences_for_token(token)
    assert found is not None
    assert found.user_id == world.gina.pk
    # Without choices on record (none were ever made), they are made and the link still works.
    CaregiverPreferences.objects.filter(user=world.gina).delete()
    bare = rows.get(pk=reminder.pk)
    token = outgoing._caregiver_unsubscribe_url(bare).rstrip("/").rsplit("/", 1)[-1]
    found = actions.caregiver_preferences_for_token(token)
    assert found is not None
    assert found.user_id == world.gina.pk
