"""Reminders: what to send to whom and when (`Reminder`), what people chose
(`ReminderPreferences`, `PushSubscription`, `CaregiverPreferences`, `DigestSettings`), the
client's private calendar feed (`CalendarFeed`) and the worker's heartbeat.

A `Reminder` is both the queue and the delivery log. Its unique `key` (occurrence or feedback,
channel, kind) means a reminder can be created only once; the state machine (pending → sending
with a lease → sent / failed / skipped) with compare-and-set updates means it is sent once.
Nothing here holds message content: the words are composed at send time from the display name.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stepwise.clinic.models import Client
from stepwise.homework.models import Feedback, Occurrence


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message (SMS)")
    PUSH = "push", _("Notification on this device")


class Kind(models.TextChoices):
    DUE = "due", _("Homework due")
    OVERDUE = "overdue", _("Gentle nudge after the due day")
    FEEDBACK = "feedback", _("Feedback arrived")
    DIGEST = "digest", _("Daily summary for the therapist")


class State(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent")


class Reminder(models.Model):
    # Whose homework it serves; empty only for a therapist's digest, which is about no one client.
    # Indexed as the first column of reminder_client_log (client, -send_at) below.
    client = models.ForeignKey(
        Client,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
        db_index=False,
    )
    # Who receives it when that is not the client: a linked caregiver (homework assigned to the
    # carer) or the therapist (digest). Empty: the client themself.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # An occurrence dropped by a schedule edit or a pause leaves its log rows behind (SET_NULL);
    # the worker skips a pending one without an occurrence.
    occurrence = models.ForeignKey(
        Occurrence, null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders"
    )
    feedback = models.ForeignKey(
        Feedback, null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # "occ:<id>:<channel>:<kind>", "…:cg<user id>" for a caregiver, "digest:<user id>:<day>"
    key = models.CharField(max_length=80, unique=True)
    send_at = models.DateTimeField()  # UTC
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=40, blank=True)  # which claim holds the row
    provider_id = models.CharField(max_length=200, blank=True)
    last_error = models.CharField(max_length=80, blank=True)  # a class of error, never content
    skip_reason = models.CharField(max_length=24, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["send_at", "id"]
        indexes = [
            # The sweep reads only these small partial indexes, however many rows were sent.
            models.Index(
                fields=["send_at"], condition=Q(state="pending"), name="reminder_due_sweep"
            ),
            models.Index(
                fields=["lease_until"], condition=Q(state="sending"), name="reminder_lease_expiry"
            ),
            models.Index(fields=["client", "-send_at"], name="reminder_client_log"),
            models.Index(fields=["client"], condition=Q(state="failed"), name="reminder_failures"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(client__isnull=False) | Q(kind="digest", recipient__isnull=False),
                name="reminder_has_an_audience",
            )
        ]

    def __str__(self) -> str:
        return f"Reminder {self.key} ({self.state})"


class ReminderPreferences(models.Model):
    """What the client chose. Consent is recorded per channel with the time it was given.

    Email is on by default (the client gave the practice their address, and every email carries a
    one-click unsubscribe); SMS and push stay off until the client turns them on here.
    """

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, related_name="reminder_preferences"
    )
    email_enabled = models.BooleanField(default=True)
    email_consent_at = models.DateTimeField(null=True, blank=True)  # null: on by default
    sms_enabled = models.BooleanField(default=False)
    sms_consent_at = models.DateTimeField(null=True, blank=True)
    push_enabled = models.BooleanField(default=False)
    push_consent_at = models.DateTimeField(null=True, blank=True)
    # Overrides each assignment's reminder time when set (the client's own local time).
    preferred_time = models.TimeField(null=True, blank=True)
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    paused = models.BooleanField(default=False)
    # The unsubscribe link is an HMAC of (client, salt) under SECRET_KEY; only its SHA-256 is
    # stored, so a copy of the database alone cannot unsubscribe anyone. A new salt revokes it.
    unsubscribe_salt = models.CharField(max_length=32)
    unsubscribe_token_hash = models.CharField(max_length=64, unique=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "reminder preferences"

    def __str__(self) -> str:
        return f"Reminder preferences of client {self.client_id}"

    def channel_enabled(self, channel: str) -> bool:
        return bool(getattr(self, f"{channel}_enabled"))


class PushSubscription(models.Model):
    """A browser's push subscription (endpoint and keys), made by the client on a device."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Push subscription {self.pk} of client {self.client_id}"

    def as_info(self) -> dict[str, object]:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class CaregiverPreferences(models.Model):
    """A caregiver's choice about reminders for homework assigned to them (parent-child activities).

    Email to the caregiver's account address is on by default, as for clients; every email carries
    a one-click unsubscribe made the same way as the client's (HMAC under SECRET_KEY, only its
    SHA-256 stored). The client's own choices (channels, quiet hours, pause) are the client's and
    do not apply here.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caregiver_reminders"
    )
    email_enabled = models.BooleanField(default=True)
    email_consent_at = models.DateTimeField(null=True, blank=True)  # null: on by default
    unsubscribe_salt = models.CharField(max_length=32)
    unsubscribe_token_hash = models.CharField(max_length=64, unique=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "caregiver reminder preferences"

    def __str__(self) -> str:
        return f"Caregiver reminder preferences of user {self.user_id}"


class DigestSettings(models.Model):
    """A therapist's daily summary email: off until they turn it on; sent at their local time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_settings"
    )
    enabled = models.BooleanField(default=False)
    send_time = models.TimeField(default=time(8, 0))  # in the therapist's User.time_zone
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "digest settings"

    def __str__(self) -> str:
        return f"Digest settings of user {self.user_id}"


class CalendarFeed(models.Model):
    """A client's private calendar subscription URL. The token in it is shown once; only its
    SHA-256 is stored. Revoking keeps the row (when it was made and revoked) and kills the URL."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_calendar_feed_per_client",
            )
        ]

    def __str__(self) -> str:
        return f"Calendar feed {self.pk} of client {self.client_id}"


class WorkerKind(models.TextChoices):
    REMINDERS = "reminders", "Reminder worker"
    TASKS = "tasks", "Task worker"


class WorkerHeartbeat(models.Model):
    """One row per worker process, touched every loop; /healthz reads the newest of each kind."""

    worker_id = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=16, choices=WorkerKind.choices, default=WorkerKind.REMINDERS)
    beat_at = models.DateTimeField()
    started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class UpkeepTurn(models.Model):
    """One row per periodic upkeep job, shared by every reminder worker on every machine.

    A worker runs a job only when its compare-and-set `UPDATE ... WHERE due_at <= now` moves
    `due_at` forward (`stepwise/ops/upkeep.py`): one statement, so it works on SQLite,
    on PostgreSQL and through a transaction-mode connection pooler, unlike a session lock.
    """

    job = models.CharField(max_length=40, unique=True)
    due_at = models.DateTimeField()
    last_run_by = models.CharField(max_length=80, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.job} due {self.due_at:%Y-%m-%d %H:%M:%S}"
