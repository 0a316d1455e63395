"""Read-only views of delivery for the care team and the practice: channels, outcomes, counts.

Never content: a delivery log row says which channel, when, and sent / failed / not sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from stepwise.clinic.models import Client
from stepwise.reminders.models import Channel, Reminder, ReminderPreferences, State

# What a delivery log row shows: outcomes and to whom (the client or a carer), never content.
_LOG_FIELDS = (
    "kind", "channel", "state", "send_at", "sent_at", "last_error", "skip_reason", "recipient",
)  # fmt: skip


@dataclass(frozen=True)
class ClientReminderStatus:
    channels: list[str]  # labels of the channels that are on
    paused: bool
    recent: list[Reminder]  # newest first
    failed_last_week: int


def client_status(
    client: Client, now: datetime | None = None, limit: int = 10
) -> ClientReminderStatus:
    now = now or timezone.now()
    prefs = ReminderPreferences.objects.filter(client=client).first()
    if prefs is None:  # nothing chosen yet: the defaults apply
        channels = [Channel.EMAIL.label]
        paused = False
    else:
        channels = [c.label for c in Channel if prefs.channel_enabled(c.value)]
        paused = prefs.paused
    recent = list(
        Reminder.objects.filter(client=client, state__in=[State.SENT, State.FAILED, State.SKIPPED])
        .only(*_LOG_FIELDS)
        .order_by("-send_at", "-pk")[:limit]
    )
    failed = Reminder.objects.filter(
        client=client, state=State.FAILED, send_at__gte=now - timedelta(days=7)
    ).count()
    return ClientReminderStatus(channels, paused, recent, failed)


def practice_failures(
    practice_id: int, now: datetime | None = None, days: int = 7
) -> dict[str, int]:
    """Failed reminders of the practice in the last `days`, per channel (for the practice page)."""
    now = now or timezone.now()
    rows = (
        Reminder.objects.filter(
            Q(client__practice_id=practice_id)
            | Q(client__isnull=True, recipient__membership__practice_id=practice_id),  # digests
            state=State.FAILED,
            send_at__gte=now - timedelta(days=days),
        )
        .values("channel")
        .annotate(n=Count("pk"))
    )
    return {row["channel"]: row["n"] for row in rows}
