"""Turn a reminder row into the messages a channel sends: a greeting and a link, nothing else.

Only a person's chosen name, links and (for a therapist's digest) two counts reach the templates
and `compose()`; the row's occurrence and assignment are never passed in, so no exercise or
instrument name can leak. A row with a `recipient` goes to that person (a linked caregiver, or the
therapist for a digest) rather than to the client.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from stepwise.clinic.models import Client
from stepwise.lib.emails import render_templated_email
from stepwise.lib.language import reader_language
from stepwise.reminders import actions, digest
from stepwise.reminders.channels import Outgoing
from stepwise.reminders.messages import Kind as MessageKind
from stepwise.reminders.messages import compose
from stepwise.reminders.models import (
    CaregiverPreferences,
    Channel,
    Kind,
    PushSubscription,
    Reminder,
    ReminderPreferences,
)


def client_email_address(client: Client) -> str:
    """Where a client's reminder emails go: their account's address, else the record's."""
    user = client.user
    return (user.email if user is not None else "") or client.email


def email_address(reminder: Reminder) -> str:
    if reminder.recipient is not None:
        return reminder.recipient.email
    assert reminder.client is not None
    return client_email_address(reminder.client)


def addresses(reminder: Reminder) -> list[str]:
    """Where this reminder can go on its channel; empty when there is nowhere."""
    if reminder.channel == Channel.EMAIL:
        address = email_address(reminder)
        return [address] if address else []
    client = reminder.client
    if reminder.recipient_id is not None or client is None:
        return []  # caregivers and therapists are reached by email only
    if reminder.channel == Channel.SMS:
        return [client.mobile] if client.mobile else []
    subscriptions = PushSubscription.objects.filter(client=client)
    return [json.dumps(s.as_info()) for s in subscriptions]


def reader_zone_of(reminder: Reminder) -> str:
    """The zone the reminder's reader lives in: the recipient's (a carer, or the therapist of a
    digest), else the client's."""
    if reminder.recipient is not None:
        return reminder.recipient.time_zone
    assert reminder.client is not None
    return reminder.client.time_zone


def reader_language_of(reminder: Reminder) -> str:
    """The language the reminder's reader reads: the recipient's own (a carer's, or the
    therapist's for a digest), else the client's (their account's, which is the record's)."""
    if reminder.recipient is not None:
        return reader_language(reminder.recipient.language)
    assert reminder.client is not None
    return reader_language(reminder.client.language)


def _url(name: str) -> str:
    return f"{settings.SITE_URL}{reverse(name)}"


def link() -> str:
    return _url("homework:client_home")


def unsubscribe_url(preferences: ReminderPreferences) -> str:
    token = actions.unsubscribe_token(preferences)
    return f"{settings.SITE_URL}{reverse('reminders:unsubscribe', args=[token])}"


def _caregiver_unsubscribe_url(reminder: Reminder) -> str:
    carer = reminder.recipient
    assert carer is not None
    try:
        choices = carer.caregiver_reminders  # loaded with the row by the worker's claim()
    except CaregiverPreferences.DoesNotExist:
        choices = actions.caregiver_preferences_for(carer)
    token = actions.caregiver_unsubscribe_token(choices)
    return f"{settings.SITE_URL}{reverse('reminders:unsubscribe', args=[token])}"


def _email(
    reminder: Reminder, to: str, template: str, context: dict[str, object], sms: str = ""
) -> Outgoing:
    subject, text, html = render_templated_email(
        template, context, time_zone=reader_zone_of(reminder), language=reader_language_of(reminder)
    )
    return Outgoing(
        key=reminder.key,
        to=to,
        subject=subject,
        text=text,
        html=html,
        sms=sms,
        link=str(context["link"]),
        unsubscribe_url=str(context.get("unsubscribe_url", "")),
        language=reader_language_of(reminder),
    )


def build_digest(reminder: Reminder, to: str) -> Outgoing:
    """The therapist's daily summary: two counts and a link to the dashboard; no names."""
    user = reminder.recipient
    assert user is not None
    dashboard = _url("progress:dashboard")
    composed = compose(MessageKind.DIGEST, user.display_name, dashboard, reminder.pk)
    counts = digest.counts_for(user)
    context = {
        "subject": composed.subject,
        "greeting": composed.text.split("\n", 1)[0],
        "submissions": counts.submissions,
        "alerts": counts.alerts,
        "link": dashboard,
        "settings_url": _url("reminders:digest"),
    }
    return _email(reminder, to, "digest", context)


def build(reminder: Reminder, preferences: ReminderPreferences | None, to: str) -> Outgoing:
    """The message of one reminder for one address, in its reader's language (email, SMS and
    push alike), whoever or whatever made the reminder."""
    with translation.override(reader_language_of(reminder)):
        return _build(reminder, preferences, to)


def _build(reminder: Reminder, preferences: ReminderPreferences | None, to: str) -> Outgoing:
    if reminder.kind == Kind.DIGEST:
        return build_digest(reminder, to)
    home = link()
    if reminder.recipient is not None:  # a linked caregiver, greeted by their own name
        name = reminder.recipient.display_name
    else:
        assert reminder.client is not None
        name = reminder.client.display_name
    composed = compose(MessageKind(reminder.kind), name, home, reminder.pk)
    if reminder.channel != Channel.EMAIL:
        return Outgoing(
            key=reminder.key,
            to=to,
            subject=composed.subject,
            text=composed.text,
            sms=composed.sms,
            link=home,
            language=reader_language_of(reminder),
        )
    if reminder.recipient is not None:
        unsubscribe = _caregiver_unsubscribe_url(reminder)
        settings_url = _url("reminders:caregiver_preferences")
    else:
        assert preferences is not None
        unsubscribe = unsubscribe_url(preferences)
        settings_url = _url("reminders:preferences")
    context: dict[str, object] = {
        "subject": composed.subject,
        "greeting": composed.text.split("\n", 1)[0],
        "link": home,
        "unsubscribe_url": unsubscribe,
        "settings_url": settings_url,
    }
    return _email(reminder, to, "reminder", context, sms=composed.sms)
