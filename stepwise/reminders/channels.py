"""Delivery channels behind one small interface: email (SMTP), SMS (provider adapter), web push.

A channel either returns the provider's message id or raises: `TemporaryFailure` (time-outs,
5xx, rate limits — try again later with backoff) or `PermanentFailure` (a bad address, a push
subscription that is gone — trying again cannot help).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from base64 import b64encode
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.crypto import salted_hmac

from stepwise.lib import outbound
from stepwise.reminders import conf

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A channel could not deliver the message."""


class TemporaryFailure(DeliveryError):
    """Worth trying again later (time-outs, 5xx, rate limits)."""


class PermanentFailure(DeliveryError):
    """Trying again cannot help (a bad address, a push subscription that is gone)."""


@dataclass(frozen=True)
class Outgoing:
    key: str  # idempotency key of the reminder (providers that support one get it)
    to: str  # email address, E.164 number or a push subscription (JSON)
    subject: str
    text: str
    sms: str
    link: str
    unsubscribe_url: str = ""
    html: str = ""  # email only: the HTML alternative of `text`
    language: str = ""  # the reader's, in which the texts are written (a header, push's lang)


class Channel(Protocol):
    name: str

    def session(self) -> Any: ...

    def send(self, message: Outgoing) -> str: ...


def reminder_message_id(key: str) -> str:
    """The reminder's Message-ID: the same on every attempt (derived from its unique key), so a
    resend after a worker died between the server's "accepted" and our record of it can be
    recognised as the same message by mail servers and clients that de-duplicate; unique to this
    installation (its secret and its host name) and naming nothing but an opaque digest."""
    host = urllib.parse.urlsplit(settings.SITE_URL).hostname or "stepwise.invalid"
    digest = salted_hmac("stepwise.reminders.message-id", key, algorithm="sha256").hexdigest()
    # 96 bits are plenty, and keep the header on one line (a folded Message-ID breaks clients).
    return f"<reminder.{digest[:24]}@{host}>"


class EmailChannel:
    """SMTP through Django's backend, one connection per batch."""

    name = "email"

    def __init__(self) -> None:
        self._connection: Any = None

    @contextmanager
    def session(self) -> Iterator[EmailChannel]:
        self._connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
        try:
            self._connection.open()
        except OSError as exc:
            self._connection = None
            raise TemporaryFailure(f"SMTP server unavailable: {type(exc).__name__}") from None
        try:
            yield self
        finally:
            with suppress(OSError):  # the server went away; nothing left to close
                self._connection.close()
            self._connection = None

    def send(self, message: Outgoing) -> str:
        headers = {"Auto-Submitted": "auto-generated"}
        if message.language:
            headers["Content-Language"] = message.language
        if message.unsubscribe_url:
            headers["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            to=[message.to],
            headers=headers,
            connection=self._connection,
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        message_id = reminder_message_id(message.key)
        email.extra_headers["Message-ID"] = message_id
        try:
            sent = email.send()
        except OSError as exc:  # smtplib's errors are OSErrors; time-outs too
            code = getattr(exc, "smtp_code", 0)
            if 500 <= int(code or 0) < 600:
                raise PermanentFailure(f"SMTP refused the message ({code})") from None
            raise TemporaryFailure(f"SMTP failed: {type(exc).__name__}") from None
        if sent != 1:
            raise TemporaryFailure("SMTP did not accept the message")
        return message_id


class ConsoleSmsChannel:
    """Development: writes the SMS to the log instead of sending it."""

    name = "sms"

    @contextmanager
    def session(self) -> Iterator[ConsoleSmsChannel]:
        yield self

    def send(self, message: Outgoing) -> str:
        log.info("SMS (console backend) to %s: %s", message.to[:4] + "…", message.sms)
        return f"console-{message.key}"


class HttpSmsChannel:
    """A Twilio-compatible HTTP API: POST form data to .../Accounts/<sid>/Messages.json."""

    name = "sms"

    @contextmanager
    def session(self) -> Iterator[HttpSmsChannel]:
        yield self

    def send(self, message: Outgoing) -> str:
        sid = settings.SMS_ACCOUNT_SID
        url = f"{settings.SMS_API_URL.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
        body = urllib.parse.urlencode(
            {"To": message.to, "From": settings.SMS_FROM, "Body": message.sms}
        ).encode()
        credentials = b64encode(f"{sid}:{settings.SMS_AUTH_TOKEN}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - the URL comes from the operator's settings
            url,
            data=body,
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "I-Twilio-Idempotency-Token": message.key,
            },
        )
        try:
            # SMS_API_URL is the operator's setting, refused at start unless http(s) (settings.py).
            with urllib.request.urlopen(request, timeout=settings.SMS_TIMEOUT) as response:  # noqa: S310  # nosec B310
                payload = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            if exc.code == 429 or exc.code >= 500:
                raise TemporaryFailure(f"SMS provider answered {exc.code}") from None
            raise PermanentFailure(f"SMS provider refused the message ({exc.code})") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise TemporaryFailure(f"SMS provider unreachable: {type(exc).__name__}") from None
        return str(payload.get("sid", ""))


class PushChannel:
    """Web push with VAPID through pywebpush. A gone subscription is a permanent failure."""

    name = "push"

    @contextmanager
    def session(self) -> Iterator[PushChannel]:
        yield self

    def send(self, message: Outgoing) -> str:
        from pywebpush import WebPushException, webpush

        subscription = json.loads(message.to)
        # Checked again at each send: the DNS answer may have changed since the subscription,
        # and the session refuses a connection that reaches a non-public address all the same.
        allow_private = conf.push_allow_private()
        try:
            conf.check_push_endpoint(str(subscription.get("endpoint", "")))
        except outbound.UnsafeAddress as exc:
            raise PermanentFailure(f"push endpoint refused: {exc}") from None
        except outbound.Unresolvable as exc:
            raise TemporaryFailure(f"push service unreachable: {exc}") from None
        payload = json.dumps(
            {
                "title": message.subject,
                "body": message.text.split("\n")[0],
                "url": message.link,
                "lang": message.language,
            }
        )
        try:
            response = webpush(
                subscription_info=subscription,
                data=payload,
                vapid_private_key=settings.VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                timeout=settings.SMS_TIMEOUT,
                ttl=12 * 3600,
                headers={"Topic": message.key[-32:].replace(":", "-")},
                requests_session=outbound.public_session(allow_private=allow_private),
            )
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else 0
            if status in (404, 410):
                raise PermanentFailure(f"push subscription gone ({status})") from None
            if status == 429 or status >= 500 or status == 0:
                raise TemporaryFailure(f"push service answered {status}") from None
            raise PermanentFailure(f"push service refused the message ({status})") from None
        except outbound.UnsafeAddress as exc:
            raise PermanentFailure(f"push endpoint refused: {exc}") from None
        except OSError as exc:
            raise TemporaryFailure(f"push service unreachable: {type(exc).__name__}") from None
        return str(getattr(response, "headers", {}).get("Location", ""))


def channel_for(name: str) -> Channel:
    if name == "email":
        return EmailChannel()
    if name == "sms":
        return HttpSmsChannel() if settings.SMS_BACKEND == "http" else ConsoleSmsChannel()
    if name == "push":
        return PushChannel()
    raise ValueError(f"Unknown channel {name!r}")
