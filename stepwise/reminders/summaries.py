"""Read-only views of delivery for the care team and the practice: channels, outcomes, counts.

Never content: a delivery log row says which channel, when, and sent / failed / not sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from stepwise.clinic.models import CaregiverLink, Client
from stepwise.reminders.models import (
    CaregiverPreferences,
    Channel,
    PushSubscription,
    Reminder,
    ReminderPreferences,
    State,
)

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
    # What will actually happen: the channels that are on and can reach the client, and why each
    # other channel that is on cannot (no address, no device). A client without an account gets
    # no reminders of their own at all (the worker skips them), whatever is on.
    reaches: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)
    has_account: bool = True
    discharged: bool = False
    carers_reached: int = 0  # linked carers who get carer-homework reminders by email
    carers_linked: int = 0


_NO_ADDRESS = {
    Channel.EMAIL: _("there is no email address on their record"),
    Channel.SMS: _("there is no mobile number on their record"),
    Channel.PUSH: _("no device of theirs has notifications turned on"),
}


def _reachable(client: Client, channel: str) -> bool:
    """Whether a reminder on this channel has somewhere to go (as `outgoing.addresses` decides)."""
    if channel == Channel.EMAIL:
        return bool((client.user.email if client.user is not None else "") or client.email)
    if channel == Channel.SMS:
        return bool(client.mobile)
    return PushSubscription.objects.filter(client=client).exists()


def _carers(client: Client) -> tuple[int, int]:
    """(linked carers, those of them a carer-homework reminder reaches by email)."""
    links = list(
        CaregiverLink.objects.filter(client=client).select_related("caregiver").order_by("pk")
    )
    opted_out = set(
        CaregiverPreferences.objects.filter(
            user_id__in=[link.caregiver_id for link in links], email_enabled=False
        ).values_list("user_id", flat=True)
    )
    reached = sum(
        1
        for link in links
        if link.caregiver.is_active and link.caregiver.email and link.caregiver_id not in opted_out
    )
    return len(links), reached


def client_status(
    client: Client, now: datetime | None = None, limit: int = 10
) -> ClientReminderStatus:
    now = now or timezone.now()
    prefs = ReminderPreferences.objects.filter(client=client).first()
    if prefs is None:  # nothing chosen yet: the defaults apply
        channels = [str(Channel.EMAIL.label)]
        paused = False
    else:
        channels = [str(c.label) for c in Channel if prefs.channel_enabled(c.value)]
        paused = prefs.paused
    recent = list(
        Reminder.objects.filter(client=client, state__in=[State.SENT, State.FAILED, State.SKIPPED])
        .only(*_LOG_FIELDS)
        .order_by("-send_at", "-pk")[:limit]
    )
    failed = Reminder.objects.filter(
        client=client, state=State.FAILED, send_at__gte=now - timedelta(days=7)
    ).count()
    on = [c for c in Channel if str(c.label) in channels]
    reaches = [str(c.label) for c in on if _reachable(client, c.value)]
    unreachable = [
        pgettext("a channel and why it cannot reach the client", "%(channel)s: %(why)s")
        % {"channel": c.label, "why": _NO_ADDRESS[c]}
        for c in on
        if not _reachable(client, c.value)
    ]
    linked, reached = _carers(client)
    return ClientReminderStatus(
        channels,
        paused,
        recent,
        failed,
        reaches=reaches,
        unreachable=unreachable,
        has_account=client.user_id is not None,
        discharged=client.discharged_at is not None,
        carers_reached=reached,
        carers_linked=linked,
    )


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
