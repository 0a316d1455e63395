"""Reminders follow what homework, clinic and accounts announce, in the sender's transaction.

Those apps come before reminders in the dependency direction and must not import it, so their
actions send named domain signals (`homework.signals`, `clinic.signals`, `accounts.signals`) and
each is connected here to the reminders action it calls for. There are no model-signal
receivers: a write that bypasses the actions sends nothing, and the worker's last check before
sending catches what it changed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from stepwise.accounts.models import User
from stepwise.accounts.signals import time_zone_changed
from stepwise.clinic.models import CaregiverLink, Client
from stepwise.clinic.signals import caregiver_linked, client_schedule_changed
from stepwise.homework.models import Assignment, Feedback
from stepwise.homework.signals import assignment_changed, feedback_left, occurrences_created
from stepwise.reminders import actions
from stepwise.reminders.actions import digests
from stepwise.reminders.models import DigestSettings


def _occurrences_created(
    sender: Any, *, assignment_ids: list[int], opens_from: date, until: date, **kwargs: Any
) -> None:
    actions.create_for_occurrences(assignment_ids, opens_from, until)


def _assignment_changed(sender: Any, *, assignment: Assignment, **kwargs: Any) -> None:
    actions.reschedule_assignment(assignment)


def _feedback_left(sender: Any, *, feedback: Feedback, **kwargs: Any) -> None:
    actions.create_for_feedback(feedback)


def _client_schedule_changed(sender: Any, *, client: Client, **kwargs: Any) -> None:
    actions.reschedule_client(client)


def _caregiver_linked(sender: Any, *, link: CaregiverLink, **kwargs: Any) -> None:
    actions.add_missing_caregiver_reminders(link.caregiver)


def _time_zone_changed(sender: Any, *, user: User, **kwargs: Any) -> None:
    """A therapist who moved time zone gets the digest at the new local time."""
    if DigestSettings.objects.filter(user=user, enabled=True).exists():
        digests.reschedule_digests(user, timezone.now())


def connect() -> None:
    """Connect each domain signal to what reminders do about it (from `RemindersConfig.ready`)."""
    uid = "reminders.follow"
    occurrences_created.connect(_occurrences_created, dispatch_uid=f"{uid}.occurrences_created")
    assignment_changed.connect(_assignment_changed, dispatch_uid=f"{uid}.assignment_changed")
    feedback_left.connect(_feedback_left, dispatch_uid=f"{uid}.feedback_left")
    client_schedule_changed.connect(
        _client_schedule_changed, dispatch_uid=f"{uid}.client_schedule_changed"
    )
    caregiver_linked.connect(_caregiver_linked, dispatch_uid=f"{uid}.caregiver_linked")
    time_zone_changed.connect(_time_zone_changed, dispatch_uid=f"{uid}.time_zone_changed")
