"""Safety paths without dead ends: who is told about an alert, and escalation to admins.

Every critical alert reaches a person: the care team by email, else (alert emails off, no active
therapist on the care team) the practice's admins at once. An alert nobody acknowledges within
the practice's escalation time goes to the admins, and again every day until acknowledged.

This module answers who is told and when; telling them, and the compare-and-set claims that
make each escalation happen once, are `stepwise/assessments/actions/escalation.py`.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet

from stepwise.accounts.models import User
from stepwise.assessments.models import (
    DEFAULT_ESCALATION_HOURS,
    PracticeAssessmentSettings,
)
from stepwise.clinic.models import Client, Role


def escalation_delay(practice_id: int) -> timedelta:
    """How long an alert may wait unacknowledged before the practice's admins are told."""
    hours = (
        PracticeAssessmentSettings.objects.filter(practice_id=practice_id)
        .values_list("escalate_after_hours", flat=True)
        .first()
    )
    return timedelta(hours=hours or DEFAULT_ESCALATION_HOURS)


def practice_admins(practice_id: int) -> QuerySet[User]:
    """The practice's admins who can still sign in, in a stable order."""
    return User.objects.filter(
        is_active=True, membership__practice_id=practice_id, membership__role=Role.ADMIN
    ).order_by("id")


def care_team_to_email(client: Client) -> QuerySet[User]:
    """The care team members an alert email goes to: none when the practice turned them off."""
    settings = PracticeAssessmentSettings.objects.filter(practice_id=client.practice_id).first()
    if settings is not None and not settings.email_alerts:
        return User.objects.none()
    return client.therapists.filter(
        is_active=True, membership__practice_id=client.practice_id
    ).order_by("id")
