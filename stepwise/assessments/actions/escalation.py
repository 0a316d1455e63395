"""Telling people about alerts: the care team at once, else the admins; escalation to the admins.

The emails say only that something waits, never who, what or why (DESIGN.md), and every time the
admins are told is written to the access log. The ops upkeep runs `escalate_due_alerts` every
minute; each alert is claimed by a compare-and-set update, so two workers never escalate the same
alert twice. Who is told, and when, is `stepwise/assessments/escalation.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from stepwise.accounts.models import User
from stepwise.assessments.escalation import care_team_to_email, escalation_delay, practice_admins
from stepwise.assessments.models import REPEAT_ESCALATION, Alert
from stepwise.assessments.wording import language_of
from stepwise.audit.actions import record_unattended
from stepwise.lib.emails import send_templated_email

log = logging.getLogger(__name__)

BATCH = 200


def _email(people: Iterable[User], template: str, alert: Alert) -> int:
    path = reverse("assessments:alert", args=[alert.pk])
    sent = 0
    for person in people:
        # In the recipient's language, whoever or whatever raised the alert.
        with translation.override(language_of(person, default=settings.LANGUAGE_CODE)):
            send_templated_email(
                template,
                person.email,
                {"name": person.display_name, "path": path},
                time_zone=person.time_zone,
            )
        sent += 1
    return sent


def _audit(alert: Alert, action: str) -> None:
    # No request and no person: the system did it. Nothing clinical, as in every access record.
    record_unattended(action, alert.client_id, reverse("assessments:alert", args=[alert.pk]))


def notify(alert_id: int, now: datetime) -> int:
    """Tell the care team about a new alert, or the practice's admins when no one on the care
    team would be told. Returns how many emails were sent."""
    alert = Alert.objects.select_related("client").filter(pk=alert_id).first()
    if alert is None or alert.acknowledged_at is not None:
        return 0
    sent = _email(care_team_to_email(alert.client), "attention_needed", alert)
    if sent:
        return sent
    Alert.objects.filter(pk=alert.pk, admins_told_at__isnull=True).update(admins_told_at=now)
    _audit(alert, "alert.to_admins")
    sent = _email(practice_admins(alert.client.practice_id), "attention_needed", alert)
    if not sent:
        log.error("Alert %s reached nobody: its practice has no active admin", alert.pk)
    return sent


def claim_escalation(alert: Alert, now: datetime) -> bool:
    """Take this escalation of `alert` as read (compare-and-set on its escalation time): True
    for exactly one caller, False when another worker took it or someone acknowledged it."""
    claimed = Alert.objects.filter(
        pk=alert.pk, acknowledged_at__isnull=True, escalate_at=alert.escalate_at
    ).update(
        escalate_at=now + REPEAT_ESCALATION,
        escalation_count=F("escalation_count") + 1,
        escalated_at=now,
        admins_told_at=now,
    )
    return claimed == 1


def escalate_due_alerts(now: datetime, limit: int = BATCH) -> int:
    """Tell the admins about every unacknowledged alert whose escalation time has come.

    Returns how many alerts this call escalated. Safe to run in several processes at once.
    """
    due = list(
        Alert.objects.filter(acknowledged_at__isnull=True, escalate_at__lte=now)
        .select_related("client")
        .order_by("escalate_at", "id")[:limit]
    )
    escalated = 0
    for alert in due:
        if not claim_escalation(alert, now):
            continue
        _audit(alert, "alert.escalate")
        if not _email(practice_admins(alert.client.practice_id), "attention_escalated", alert):
            log.error("Alert %s could not be escalated: its practice has no active admin", alert.pk)
        escalated += 1
    return escalated


def reschedule_open_alerts(practice_id: int, now: datetime) -> int:
    """After a practice changes its escalation time: alerts not yet escalated follow it."""
    delay = escalation_delay(practice_id)
    waiting = Alert.objects.filter(
        client__practice_id=practice_id, acknowledged_at__isnull=True, escalation_count=0
    ).only("pk", "created_at")
    changed = 0
    for alert in waiting:
        changed += Alert.objects.filter(pk=alert.pk, escalation_count=0).update(
            escalate_at=max(alert.created_at + delay, now)
        )
    return changed
