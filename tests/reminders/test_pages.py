"""The client's reminder page, one-click unsubscribe, SMS STOP, push subscriptions, /healthz."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import time, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from stepwise.accounts.models import User
from stepwise.clinic.models import Client
from stepwise.reminders import actions, outgoing
from stepwise.reminders.models import (
    Channel,
    PushSubscription,
    Reminder,
    ReminderPreferences,
    WorkerHeartbeat,
)
from tests.conftest import World
from tests.reminders.conftest import NOW

Login = Callable[[User | None], HttpClient]


def token_for(world: World) -> str:
    return actions.unsubscribe_token(actions.preferences_for(world.carl_client))


def test_a_client_chooses_channels_time_quiet_hours_and_pause(
    world: World, login_as: Login
) -> None:
    world.carl_client.mobile = "+447700900123"
    world.carl_client.save()
    browser = login_as(world.carl)
    page = browser.get("/me/reminders/")
    assert page.status_code == 200
    assert b"on by default" in page.content
    response = browser.post(
        "/me/reminders/",
        {
            "email": "on", "sms": "on", "preferred_time": "07:45", "quiet_start": "22:00",
            "quiet_end": "07:00", "paused": "",
        },
    )  # fmt: skip
    assert response.status_code == 302
    prefs = ReminderPreferences.objects.get(client=world.carl_client)
    assert prefs.sms_enabled
    assert prefs.sms_consent_at is not None
    assert prefs.preferred_time == time(7, 45)
    assert (prefs.quiet_start, prefs.quiet_end) == (time(22), time(7))
    assert not prefs.paused


def test_sms_stays_off_without_a_mobile_number(world: World, login_as: Login) -> None:
    browser = login_as(world.carl)
    page = browser.get("/me/reminders/").content.decode()
    assert "Needs a mobile number" in page
    browser.post("/me/reminders/", {"email": "on", "sms": "on"})
    assert not ReminderPreferences.objects.get(client=world.carl_client).sms_enabled


def test_quiet_hours_need_both_ends(world: World, login_as: Login) -> None:
    response = login_as(world.carl).post("/me/reminders/", {"email": "on", "quiet_start": "22:00"})
    assert response.status_code == 200
    assert b"both a start and an end" in response.content


def test_mass_assignment_changes_nothing_else(world: World, login_as: Login) -> None:
    login_as(world.carl).post(
        "/me/reminders/",
        {"email": "on", "client": world.dana_client.pk, "unsubscribe_token_hash": "x" * 64},
    )
    assert not ReminderPreferences.objects.filter(client=world.dana_client).exists()
    prefs = ReminderPreferences.objects.get(client=world.carl_client)
    assert prefs.unsubscribe_token_hash != "x" * 64


def test_the_settings_page_links_clients_to_their_reminders(world: World, login_as: Login) -> None:
    assert b"/me/reminders/" in login_as(world.carl).get("/accounts/settings/").content
    assert b"/me/reminders/" not in login_as(world.alice).get("/accounts/settings/").content


def test_unsubscribe_get_only_asks_and_post_unsubscribes(world: World, client: HttpClient) -> None:
    url = f"/r/unsubscribe/{token_for(world)}/"
    page = client.get(url)
    assert page.status_code == 200
    assert b"Stop reminder emails" in page.content
    assert b"Carl" not in page.content  # the page does not say whose address this is
    assert ReminderPreferences.objects.get(client=world.carl_client).email_enabled
    done = client.post(url)
    assert done.status_code == 200
    prefs = ReminderPreferences.objects.get(client=world.carl_client)
    assert not prefs.email_enabled
    assert prefs.email_consent_at is None


def test_one_click_unsubscribe_works_without_a_csrf_token(world: World) -> None:
    mail_provider = HttpClient(enforce_csrf_checks=True)
    response = mail_provider.post(
        f"/r/unsubscribe/{token_for(world)}/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not ReminderPreferences.objects.get(client=world.carl_client).email_enabled


def test_other_pages_still_need_the_csrf_token(world: World) -> None:
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(world.carl, backend="django.contrib.auth.backends.ModelBackend")
    assert browser.post("/me/reminders/", {"email": ""}).status_code == 403


@pytest.mark.parametrize("token", ["nope", "0" * 64, "a" * 200])
def test_a_wrong_unsubscribe_token_answers_404(
    world: World, client: HttpClient, token: str
) -> None:
    token_for(world)
    assert client.get(f"/r/unsubscribe/{token}/").status_code == 404
    assert client.post(f"/r/unsubscribe/{token}/").status_code == 404


def test_the_unsubscribe_link_only_stores_a_hash(world: World) -> None:
    token = token_for(world)
    prefs = ReminderPreferences.objects.get(client=world.carl_client)
    assert token not in {prefs.unsubscribe_token_hash, prefs.unsubscribe_salt}


@pytest.fixture
def inbound(settings: Any, world: World) -> Any:
    settings.SMS_INBOUND_SECRET = "shared-webhook-secret"
    world.carl_client.mobile = "+447700900123"
    world.carl_client.save()
    prefs = actions.preferences_for(world.carl_client)
    prefs.sms_enabled, prefs.sms_consent_at = True, timezone.now()
    prefs.save()
    return settings


def test_sms_stop_turns_text_reminders_off(inbound: Any, world: World, client: HttpClient) -> None:
    response = client.post(
        "/r/sms/inbound/?secret=shared-webhook-secret",
        {"From": "+447700900123", "Body": " stop ", "MessageSid": "SM1"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert not ReminderPreferences.objects.get(client=world.carl_client).sms_enabled


def test_the_inbound_secret_may_come_in_a_header(
    inbound: Any, world: World, client: HttpClient
) -> None:
    client.post(
        "/r/sms/inbound/",
        {"From": "+447700900123", "Body": "STOP"},
        headers={"X-Stepwise-Secret": "shared-webhook-secret"},
    )
    assert not ReminderPreferences.objects.get(client=world.carl_client).sms_enabled


def test_other_words_change_nothing(inbound: Any, world: World, client: HttpClient) -> None:
    client.post(
        "/r/sms/inbound/?secret=shared-webhook-secret", {"From": "+447700900123", "Body": "Hi"}
    )
    assert ReminderPreferences.objects.get(client=world.carl_client).sms_enabled


@pytest.mark.parametrize("query", ["", "?secret=wrong"])
def test_the_inbound_webhook_refuses_callers_without_the_secret(
    inbound: Any, world: World, client: HttpClient, query: str
) -> None:
    response = client.post(f"/r/sms/inbound/{query}", {"From": "+447700900123", "Body": "STOP"})
    assert response.status_code == 403
    assert ReminderPreferences.objects.get(client=world.carl_client).sms_enabled


def test_the_inbound_webhook_is_off_until_a_secret_is_set(db: None, client: HttpClient) -> None:
    assert client.post("/r/sms/inbound/", {"Body": "STOP"}).status_code == 404


SUBSCRIPTION = {
    "endpoint": "https://push.example.net/send/abc123",
    "keys": {"p256dh": "BNc" + "a" * 84, "auth": "tBHItJI5svbpez7KI4CCXg"},
}


def test_a_client_subscribes_and_unsubscribes_a_device_to_push(
    world: World, login_as: Login
) -> None:
    browser = login_as(world.carl)
    response = browser.post(
        "/me/reminders/push/subscribe/", json.dumps(SUBSCRIPTION), content_type="application/json"
    )
    assert response.status_code == 201
    prefs = ReminderPreferences.objects.get(client=world.carl_client)
    assert prefs.push_enabled
    assert prefs.push_consent_at is not None
    assert PushSubscription.objects.get().endpoint == SUBSCRIPTION["endpoint"]
    response = browser.post(
        "/me/reminders/push/unsubscribe/",
        json.dumps({"endpoint": SUBSCRIPTION["endpoint"]}),
        content_type="application/json",
    )
    assert response.status_code == 204
    assert not PushSubscription.objects.exists()
    assert not ReminderPreferences.objects.get(client=world.carl_client).push_enabled


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.net/x",
        "https://127.0.0.1/x",
        "https://localhost/x",
        "https://10.0.0.5/x",
        "https://[::1]/x",
    ],
)
def test_push_endpoints_that_point_inwards_are_refused(
    world: World, login_as: Login, endpoint: str
) -> None:
    body = json.dumps({**SUBSCRIPTION, "endpoint": endpoint})
    response = login_as(world.carl).post(
        "/me/reminders/push/subscribe/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()


def test_healthz_is_unchanged_before_any_worker_ran(db: None, client: HttpClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_live_worker(db: None, client: HttpClient) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w1", beat_at=now, started_at=now)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["reminder_worker"] == "ok"


def test_healthz_answers_503_when_the_worker_went_quiet(
    db: None, client: HttpClient, settings: Any
) -> None:
    settings.STEPWISE_WORKER_STALE_SECONDS = 120
    then = timezone.now() - timedelta(seconds=200)
    WorkerHeartbeat.objects.create(worker_id="w1", beat_at=then, started_at=then)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["reminder_worker"] == "stale"
    assert body["reminder_worker_age_seconds"] >= 200
    assert set(body) == {
        "status",
        "database",
        "reminder_worker",
        "reminder_worker_age_seconds",
        "reminder_workers_alive",
    }


def test_healthz_fails_when_a_worker_is_expected_but_never_ran(
    db: None, client: HttpClient, settings: Any
) -> None:
    settings.STEPWISE_WORKER_EXPECTED = True
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["reminder_worker"] == "stale"


def test_an_unreadable_quiet_time_gets_only_its_own_message(world: World, login_as: Login) -> None:
    response = login_as(world.carl).post(
        "/me/reminders/", {"email": "on", "quiet_start": "25:00", "quiet_end": "07:00"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["quiet_start"] == ["Enter a valid time."]
    assert "quiet_end" not in errors
    assert "__all__" not in errors
    assert b"both a start and an end" not in response.content


@pytest.mark.parametrize(
    ("given", "named"),
    [({"quiet_start": "22:00"}, "quiet_end"), ({"quiet_end": "07:00"}, "quiet_start")],
)
def test_the_missing_end_of_quiet_hours_is_the_one_marked(
    world: World, login_as: Login, given: dict[str, str], named: str
) -> None:
    response = login_as(world.carl).post("/me/reminders/", {"email": "on", **given})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors[named] == ["Give both a start and an end for quiet hours, or leave both empty."]
    assert list(errors) == [named]


def test_quiet_hours_with_the_same_start_and_end_are_refused(world: World, login_as: Login) -> None:
    response = login_as(world.carl).post(
        "/me/reminders/", {"email": "on", "quiet_start": "22:00", "quiet_end": "22:00"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "quiet_end": ["Quiet hours need a different start and end time."]
    }
    assert b"Quiet hours need a different start and end time." in response.content
    assert not ReminderPreferences.objects.filter(
        client=world.carl_client, quiet_start__isnull=False
    ).exists()


@pytest.mark.parametrize(
    ("account", "record"),
    [
        ("carl@example.net", ""),
        ("", "carl.record@example.net"),
        ("carl@example.net", "carl.record@example.net"),
        ("", ""),
    ],
)
def test_the_page_and_the_sender_agree_on_the_email_address(
    world: World, login_as: Login, account: str, record: str
) -> None:
    browser = login_as(world.carl)
    User.objects.filter(pk=world.carl.pk).update(email=account)
    Client.objects.filter(pk=world.carl_client.pk).update(email=record)
    client = Client.objects.select_related("user").get(pk=world.carl_client.pk)
    page = browser.get("/me/reminders/").content.decode()
    sender = outgoing.email_address(Reminder(client=client, channel=Channel.EMAIL))
    assert sender == (account or record)
    assert ("no email address on your record" in page) == (not sender)


def test_the_last_device_unsubscribed_from_push_marks_the_change(world: World) -> None:
    keys = SUBSCRIPTION["keys"]
    with time_machine.travel(NOW, tick=False):
        actions.subscribe_push(
            world.carl_client, SUBSCRIPTION["endpoint"], keys["p256dh"], keys["auth"]
        )
    later = NOW + timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        actions.unsubscribe_push(world.carl_client, SUBSCRIPTION["endpoint"])
    prefs = ReminderPreferences.objects.get(client=world.carl_client)
    assert (prefs.push_enabled, prefs.push_consent_at) == (False, None)
    assert prefs.updated_at == later


def _reminder_summary(browser: HttpClient, client: Client) -> str:
    """The text of the client page's reminder section, tags dropped and spaces collapsed."""
    page = browser.get(f"/clients/{client.pk}/")
    assert page.status_code == 200
    found = re.search(
        r'<section[^>]*aria-labelledby="reminders-status-heading".*?</section>',
        page.content.decode(),
        re.S,
    )
    assert found is not None
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


def test_a_minor_without_email_or_account_is_not_said_to_get_email_reminders(
    world: World, login_as: Login
) -> None:
    summary = _reminder_summary(login_as(world.alice), world.mia_client)
    assert "On: Email" not in summary
    assert "None reach Mia yet" in summary
    # Gina, linked and reachable, gets the reminders of homework given to her.
    assert "reminders by email to 1 linked carer." in summary


def test_the_reminder_summary_names_each_channel_that_cannot_reach_the_client(
    world: World, login_as: Login
) -> None:
    ReminderPreferences.objects.filter(pk=actions.preferences_for(world.carl_client).pk).update(
        push_enabled=True
    )
    summary = _reminder_summary(login_as(world.alice), world.carl_client)
    assert "On: Email." in summary
    assert "Notification on this device: no device of theirs has notifications turned on" in summary
    User.objects.filter(pk=world.carl.pk).update(email="")
    summary = _reminder_summary(login_as(world.alice), world.carl_client)
    assert "No channel can reach Carl, so no reminders are sent." in summary
    assert "On:" not in summary
