"""Each channel against a real peer on loopback: an SMTP server, fake SMS and push providers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from stepwise.reminders.channels import (
    EmailChannel,
    HttpSmsChannel,
    Outgoing,
    PermanentFailure,
    PushChannel,
    TemporaryFailure,
)
from stepwise.reminders.messages import Kind, compose, variants
from tests.fakes.providers import PushSubscriber, fake_provider
from tests.fakes.smtp import SmtpSink, free_port

CLINICAL_WORDS = ("breathing", "PHQ", "thought record", "exposure", "score", "anxiety", "depress")


def outgoing(to: str, key: str = "rem-1:email:due") -> Outgoing:
    composed = compose(Kind.DUE, "Sam", "https://stepwise.example/me/", 3)
    return Outgoing(
        key=key,
        to=to,
        subject=composed.subject,
        text=composed.text,
        sms=composed.sms,
        link="https://stepwise.example/me/",
        unsubscribe_url="https://stepwise.example/r/unsubscribe/abc/",
    )


def test_messages_greet_by_name_link_and_rotate_their_wording() -> None:
    texts = {
        compose(Kind.DUE, "Sam", "https://x.example/me/", n).text for n in range(variants(Kind.DUE))
    }
    assert len(texts) == variants(Kind.DUE) >= 3
    for text in texts:
        assert "Sam" in text
        assert "https://x.example/me/" in text
        assert not any(word.lower() in text.lower() for word in CLINICAL_WORDS)
    assert compose(Kind.DUE, "  ", "l", 0).text.startswith("Hi there")


def test_email_goes_over_smtp_with_one_click_unsubscribe(smtp_sink: SmtpSink) -> None:
    channel = EmailChannel()
    with channel.session():
        message_id = channel.send(outgoing("sam@example.net"))
    received = smtp_sink.messages[0]
    assert received["To"] == "sam@example.net"
    assert received["List-Unsubscribe"] == "<https://stepwise.example/r/unsubscribe/abc/>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received["Message-ID"] == message_id
    assert "Sam" in smtp_sink.text_of(received)


def test_a_batch_of_emails_shares_one_smtp_connection(smtp_sink: SmtpSink) -> None:
    channel = EmailChannel()
    with channel.session():
        for n in range(20):
            channel.send(outgoing(f"c{n}@example.net", key=f"rem-{n}:email:due"))
    assert len(smtp_sink.messages) == 20
    assert smtp_sink.connections == 1


def test_an_smtp_server_that_is_down_is_a_temporary_failure(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    with pytest.raises(TemporaryFailure), EmailChannel().session():
        pass


def test_an_smtp_server_that_says_try_later_is_a_temporary_failure(smtp_sink: SmtpSink) -> None:
    smtp_sink.refuse = True
    channel = EmailChannel()
    with pytest.raises(TemporaryFailure), channel.session():
        channel.send(outgoing("sam@example.net"))


@pytest.fixture
def sms_settings(settings: Any) -> Any:
    settings.SMS_BACKEND = "http"
    settings.SMS_ACCOUNT_SID = "AC123"
    settings.SMS_AUTH_TOKEN = "secret-token"
    settings.SMS_FROM = "+15005550006"
    settings.SMS_TIMEOUT = 1
    return settings


def test_sms_is_posted_to_a_twilio_compatible_api(sms_settings: Any) -> None:
    with fake_provider() as provider:
        sms_settings.SMS_API_URL = provider.url
        provider_id = HttpSmsChannel().send(outgoing("+447700900123"))
    request = provider.received[0]
    assert request["path"] == "/2010-04-01/Accounts/AC123/Messages.json"
    assert request["form"]["To"] == "+447700900123"
    assert request["form"]["From"] == "+15005550006"
    assert "Reply STOP" in request["form"]["Body"]
    assert request["headers"]["i-twilio-idempotency-token"] == "rem-1:email:due"
    assert request["headers"]["authorization"].startswith("Basic ")
    assert provider_id == "SM00000001"


@pytest.mark.parametrize(
    ("status", "failure"),
    [(500, TemporaryFailure), (429, TemporaryFailure), (400, PermanentFailure)],
)
def test_sms_provider_errors_are_classified(
    sms_settings: Any, status: int, failure: type[Exception]
) -> None:
    with fake_provider() as provider:
        sms_settings.SMS_API_URL = provider.url
        provider.fail_with = status
        with pytest.raises(failure):
            HttpSmsChannel().send(outgoing("+447700900123"))


def test_a_stalled_sms_provider_times_out_as_a_temporary_failure(sms_settings: Any) -> None:
    with fake_provider() as provider:
        sms_settings.SMS_API_URL = provider.url
        provider.stall_seconds = 2.5
        with pytest.raises(TemporaryFailure):
            HttpSmsChannel().send(outgoing("+447700900123"))


def test_a_push_payload_decrypts_to_a_greeting_and_a_link_only(vapid: Any) -> None:
    with fake_provider() as provider:
        subscriber = PushSubscriber(endpoint=f"{provider.url}/push/device-1")
        PushChannel().send(outgoing(json.dumps(subscriber.subscription())))
    request = provider.received[0]
    assert request["headers"]["content-encoding"] == "aes128gcm"
    assert request["headers"]["authorization"].startswith("vapid t=")
    payload = subscriber.decrypt(request["body"])
    assert payload["url"] == "https://stepwise.example/me/"
    assert "Sam" in payload["body"]
    assert not any(word.lower() in json.dumps(payload).lower() for word in CLINICAL_WORDS)


def test_a_push_subscription_that_is_gone_is_a_permanent_failure(vapid: Any) -> None:
    with fake_provider() as provider:
        provider.fail_with = 410
        subscriber = PushSubscriber(endpoint=f"{provider.url}/push/device-1")
        with pytest.raises(PermanentFailure):
            PushChannel().send(outgoing(json.dumps(subscriber.subscription())))
