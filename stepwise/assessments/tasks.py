"""Background work for assessments: telling a person that something needs attention.

The email says only that something is waiting, never who, what or why (DESIGN.md: no clinical
content by email), so a mailbox seen over someone's shoulder gives nothing away.
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from stepwise.assessments.actions import escalation


@task()
def notify_care_team(alert_id: int) -> int:
    """Email the client's care team, or the practice's admins when no one on the care team
    would be told; return how many emails were sent."""
    return escalation.notify(alert_id, timezone.now())
