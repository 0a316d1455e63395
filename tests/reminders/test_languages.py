"""Every reminder is written in its reader's language, whoever or whatever made it: email, SMS
and push to a client, email to a caregiver (who may read another language than the child), the
therapist's digest, the calendar feed and the unsubscribe page."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient
from icalendar import Calendar

from stepwise.homework.actions import assigning
from stepwise.homework.models import Assignee, ItemKind
from stepwise.homework.schedule import Frequency, Schedule
from stepwise.reminders import actions
from stepwise.reminders.models import PushSubscription
from tests.conftest import World
from tests.factories import exercise, hand_in
from tests.fakes.providers import PushSubscriber, fake_provider
from tests.fakes.smtp import SmtpSink
from tests.languages import read_in
from tests.reminders.conftest import NOW, SECRET_TITLE, TODAY, assign_daily, run_worker

SIX_PM = datetime(2026, 3, 20, 18, 0, tzinfo=UTC)  # 18:00 in London today
TOMORROW_8 = datetime(2026, 3, 21, 8, 0, tzinfo=UTC)


def carl_speaks(world: World, language: str) -> None:
    """Carl's language, as the actions keep it: his account and his record alike."""
    read_in(language, None, world.carl)
    world.carl_client.refresh_from_db()


def choices(**overrides: Any) -> actions.Choices:
    base: dict[str, Any] = {
        "email": True, "sms": False, "preferred_time": None, "quiet_start": None,
        "quiet_end": None, "paused": False,
    }  # fmt: skip
    base.update(overrides)
    return actions.Choices(**base)


@pytest.mark.parametrize(
    ("language", "subject", "greetings"),
    [
        ("en", "A reminder from Stepwise", ("Hi Carl", "Hello Carl", "Good to see you, Carl")),
        ("es", "Un recordatorio de Stepwise", ("Hola, Carl", "Qué gusto verle, Carl")),
    ],
)
def test_the_reminder_email_is_in_the_clients_language(
    world: World, smtp_sink: SmtpSink, language: str, subject: str, greetings: tuple[str, ...]
) -> None:
    carl_speaks(world, language)
    with time_machine.travel(NOW, tick=False) as travel:
        assign_daily(world)  # made by Alice, who reads English
        travel.move_to(SIX_PM)
        assert run_worker().sent == 1
    message = smtp_sink.messages[0]
    assert message["Subject"] == subject
    assert message["Content-Language"] == language
    assert smtp_sink.text_of(message).startswith(greetings)
    assert SECRET_TITLE not in message.as_string()


def test_sms_and_push_reach_a_spanish_client_in_spanish(
    world: World, smtp_sink: SmtpSink, sms_settings: Any, vapid: Any
) -> None:
    carl_speaks(world, "es")
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
            assert run_worker().sent == 3
        sms_body = sms.received[0]["form"]["Body"]
        payload = subscriber.decrypt(push.received[0]["body"])
    spanish_greetings = ("Hola, Carl", "Qué gusto verle, Carl")
    assert sms_body.startswith(spanish_greetings)
    assert sms_body.endswith("Responda STOP para no recibir más.")
    assert "Reply STOP" not in sms_body
    assert payload["title"] == "Un recordatorio de Stepwise"
    assert payload["body"].startswith(spanish_greetings)
    assert payload["lang"] == "es"
    assert SECRET_TITLE not in sms_body + str(payload)


def test_an_english_sms_and_push_stay_english(
    world: World, smtp_sink: SmtpSink, sms_settings: Any, vapid: Any
) -> None:
    world.carl_client.mobile = "+447700900123"
    world.carl_client.save()
    with fake_provider() as sms:
        sms_settings.SMS_API_URL = sms.url
        with time_machine.travel(NOW, tick=False) as travel:
            assign_daily(world)
            actions.save_preferences(world.carl_client, choices(email=False, sms=True))
            actions.add_missing_reminders(world.carl_client)
            travel.move_to(SIX_PM)
            assert run_worker().sent == 1
        sms_body = sms.received[0]["form"]["Body"]
    assert "Carl" in sms_body
    assert sms_body.endswith("Reply STOP to stop.")


def test_a_spanish_parent_is_emailed_in_spanish_about_an_english_childs_homework(
    world: World, smtp_sink: SmtpSink
) -> None:
    read_in("es", None, world.gina)  # the parent reads Spanish; Mia (and Alice) read English
    assert world.mia_client.language == "en"
    with time_machine.travel(NOW, tick=False) as travel:
        assigning.assign(
            client=world.mia_client,
            by=world.alice,
            item=assigning.ItemChoice(kind=ItemKind.EXERCISE, exercise=exercise(), title="x"),
            schedule=Schedule(Frequency.DAILY, TODAY),
            reminder_time=time(18, 0),
            assignee=Assignee.CAREGIVER,
        )
        travel.move_to(SIX_PM)
        assert run_worker().sent == 1
    message = smtp_sink.messages[0]
    assert message["To"] == "gina@example.net"
    assert message["Subject"] == "Un recordatorio de Stepwise"
    assert message["Content-Language"] == "es"
    greeting = smtp_sink.text_of(message).split("\n", 1)[0]
    assert greeting.startswith(("Hola, Gina Parent", "Qué gusto verle, Gina Parent")), greeting


@pytest.mark.parametrize(
    ("language", "subject"), [("en", "Your Stepwise summary"), ("es", "Su resumen de Stepwise")]
)
def test_the_digest_is_in_the_therapists_language(
    world: World, smtp_sink: SmtpSink, language: str, subject: str
) -> None:
    read_in(language, None, world.alice)
    with time_machine.travel(NOW, tick=False) as travel:
        hand_in(assign_daily(world), world.carl)
        actions.save_digest_settings(world.alice, enabled=True, send_time=time(8, 0))
        travel.move_to(TOMORROW_8)
        assert run_worker().sent == 1
    message = smtp_sink.messages[0]
    assert message["Subject"] == subject
    assert message["Content-Language"] == language
    assert "Alice Therapist" in smtp_sink.text_of(message)


def test_the_calendar_feed_speaks_the_clients_language(world: World, client: HttpClient) -> None:
    carl_speaks(world, "es")
    with time_machine.travel(NOW, tick=False):
        assign_daily(world)
        token = actions.create_calendar_feed(world.carl_client)
        response = client.get(f"/r/calendar/{token}.ics", HTTP_ACCEPT_LANGUAGE="en")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["x-wr-caldesc"]) == "Días con práctica esperándole en Stepwise"
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["summary"]) == "Práctica de Stepwise"
    assert str(event["description"]).startswith("Su práctica está lista en Stepwise: ")


def test_the_calendar_feed_of_an_english_client_is_english(
    world: World, client: HttpClient
) -> None:
    with time_machine.travel(NOW, tick=False):
        assign_daily(world)
        token = actions.create_calendar_feed(world.carl_client)
        response = client.get(f"/r/calendar/{token}.ics", HTTP_ACCEPT_LANGUAGE="es")
    event = next(iter(Calendar.from_ical(response.content).walk("VEVENT")))
    assert str(event["summary"]) == "Stepwise practice"


def test_the_unsubscribe_page_answers_in_the_language_of_the_email_it_came_from(
    world: World, client: HttpClient
) -> None:
    carl_speaks(world, "es")
    token = actions.unsubscribe_token(actions.preferences_for(world.carl_client))
    response = client.get(f"/r/unsubscribe/{token}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "es"
    html = response.content.decode()
    assert "Dejar de recibir correos de recordatorio" in html
    response = client.post(f"/r/unsubscribe/{token}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Listo: no recibirá más correos de recordatorio." in response.content.decode()


def test_the_therapist_reads_a_spanish_clients_page_in_their_own_language(
    world: World, alice_client: HttpClient
) -> None:
    carl_speaks(world, "es")
    response = alice_client.get(f"/clients/{world.carl_client.pk}/", HTTP_ACCEPT_LANGUAGE="es")
    assert response["Content-Language"] == "en"
    assert '<dd lang="es">Español</dd>' in response.content.decode()


@pytest.mark.parametrize("word", ["parar", "Baja", "CANCELAR"])
def test_a_stop_answered_in_spanish_turns_text_reminders_off(
    world: World, client: HttpClient, settings: Any, word: str
) -> None:
    settings.SMS_INBOUND_SECRET = "shared-webhook-secret"
    carl_speaks(world, "es")
    world.carl_client.mobile = "+447700900123"
    world.carl_client.save()
    actions.save_preferences(world.carl_client, choices(sms=True))
    client.post(
        "/r/sms/inbound/?secret=shared-webhook-secret", {"From": "+447700900123", "Body": word}
    )
    assert not actions.preferences_for(world.carl_client).sms_enabled
