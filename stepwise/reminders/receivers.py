"""Reminders follow homework and clients through signals, inside the sender's transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from stepwise.accounts.models import User
from stepwise.clinic.models import CaregiverLink, Client
from stepwise.homework.models import Assignment, Feedback
from stepwise.homework.signals import occurrences_created
from stepwise.reminders import actions, digest
from stepwise.reminders.models import DigestSettings, Reminder, State


@receiver(occurrences_created, dispatch_uid="reminders.occurrences_created")
def occurrences_made(
    sender: Any, *, assignment_ids: list[int], opens_from: date, until: date, **kwargs: Any
) -> None:
    actions.create_for_occurrences(assignment_ids, opens_from, until)


@receiver(post_save, sender=Feedback, dispatch_uid="reminders.feedback_saved")
def feedback_saved(sender: Any, instance: Feedback, created: bool, **kwargs: Any) -> None:
    if created:
        actions.create_for_feedback(instance)


@receiver(post_save, sender=Client, dispatch_uid="reminders.client_saved")
def client_saved(sender: Any, instance: Client, created: bool, **kwargs: Any) -> None:
    """A client who moved time zone gets their pending reminders at the new local time."""
    fields = kwargs.get("update_fields")
    if created or (fields is not None and "time_zone" not in fields):
        return
    if Reminder.objects.filter(client=instance, state=State.PENDING).exists():
        actions.reschedule_pending(instance)


@receiver(post_save, sender=Assignment, dispatch_uid="reminders.assignment_saved")
def assignment_saved(sender: Any, instance: Assignment, created: bool, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if not created and (fields is None or "reminder_time" in fields):
        actions.reschedule_pending(instance.client)


@receiver(post_save, sender=CaregiverLink, dispatch_uid="reminders.caregiver_linked")
def caregiver_linked(sender: Any, instance: CaregiverLink, created: bool, **kwargs: Any) -> None:
    """A carer linked after homework was assigned to carers gets its reminders from now on."""
    if created:
        actions.add_missing_caregiver_reminders(instance.caregiver)


@receiver(post_save, sender=User, dispatch_uid="reminders.user_saved")
def user_saved(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    """A therapist who moved time zone gets the digest at the new local time."""
    fields = kwargs.get("update_fields")
    if created or (fields is not None and "time_zone" not in fields):
        return
    if DigestSettings.objects.filter(user=instance, enabled=True).exists():
        digest.reschedule(instance, timezone.now())
