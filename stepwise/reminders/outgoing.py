"""Turn a reminder row into the messages a channel sends: a greeting and a link, nothing else.

Only the client's display name and links reach the templates and `compose()`; the row's
occurrence and assignment are never passed in, so no exercise or instrument name can leak.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from stepwise.reminders import actions
from stepwise.reminders.channels import Outgoing
from stepwise.reminders.messages import Kind as MessageKind
from stepwise.reminders.messages import compose
from stepwise.reminders.models import Channel, PushSubscription, Reminder, ReminderPreferences


def email_address(reminder: Reminder) -> str:
    client = reminder.client
    user = client.user
    return (user.email if user is not None else "") or client.email


def addresses(reminder: Reminder) -> list[str]:
    """Where this reminder can go on its channel; empty when there is nowhere."""
    if reminder.channel == Channel.EMAIL:
        address = email_address(reminder)
        return [address] if address else []
    if reminder.channel == Channel.SMS:
        return [reminder.client.mobile] if reminder.client.mobile else []
    subscriptions = PushSubscription.objects.filter(client_id=reminder.client_id)
    return [json.dumps(s.as_info()) for s in subscriptions]


def link() -> str:
    return f"{settings.SITE_URL}{reverse('homework:client_home')}"


def unsubscribe_url(preferences: ReminderPreferences) -> str:
    token = actions.unsubscribe_token(preferences)
    return f"{settings.SITE_URL}{reverse('reminders:unsubscribe', args=[token])}"


def build(reminder: Reminder, preferences: ReminderPreferences, to: str) -> Outgoing:
    home = link()
    composed = compose(MessageKind(reminder.kind), reminder.client.display_name, home, reminder.pk)
    if reminder.channel != Channel.EMAIL:
        return Outgoing(
            key=reminder.key,
            to=to,
            subject=composed.subject,
            text=composed.text,
            sms=composed.sms,
            link=home,
        )
    unsubscribe = unsubscribe_url(preferences)
    context = {
        "subject": composed.subject,
        "greeting": composed.text.split("\n", 1)[0],
        "link": home,
        "unsubscribe_url": unsubscribe,
        "settings_url": f"{settings.SITE_URL}{reverse('reminders:preferences')}",
    }
    subject = render_to_string("emails/reminder/subject.txt", context).strip()
    return Outgoing(
        key=reminder.key,
        to=to,
        subject=" ".join(subject.split()),
        text=render_to_string("emails/reminder/body.txt", context),
        html=render_to_string("emails/reminder/body.html", context),
        sms=composed.sms,
        link=home,
        unsubscribe_url=unsubscribe,
    )
