"""Homework's periodic upkeep action, run by the ops scheduler (`stepwise/ops/upkeep.py`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from stepwise.homework.actions import assigning
from stepwise.homework.models import Assignment, AssignmentStatus
from stepwise.lib.tz import local_today


def extend_rolling_windows(now: datetime, limit: int = 200) -> int:
    """Keep two weeks of occurrences (and so reminders) ahead of every active assignment, also
    for clients who do not open the app (the ones reminders matter most for)."""
    window = timedelta(days=assigning.WINDOW_DAYS)
    behind = (
        Assignment.objects.filter(
            status=AssignmentStatus.ACTIVE,
            client__discharged_at__isnull=True,
            materialised_until__lt=now.date() + window - timedelta(days=1),
        )
        .select_related("client")
        .order_by("materialised_until", "pk")[:limit]
    )
    created = 0
    for assignment in behind:
        created += assigning.materialise(
            [assignment], local_today(assignment.client.time_zone, now) + window
        )
    return created
