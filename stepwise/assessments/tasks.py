"""Background work for assessments: telling the care team that something needs attention.

The email says only that something is waiting, never who, what or why (DESIGN.md: no clinical
content by email), so a mailbox seen over someone's shoulder gives nothing away.
"""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from stepwise.assessments.models import Alert, PracticeAssessmentSettings
from stepwise.lib.emails import send_templated_email


@task()
def notify_care_team(alert_id: int) -> int:
    """Email each therapist on the client's care team; return how many emails were sent."""
    alert = Alert.objects.select_related("client").filter(pk=alert_id).first()
    if alert is None or alert.acknowledged_at is not None:
        return 0
    client = alert.client
    settings = PracticeAssessmentSettings.objects.filter(practice_id=client.practice_id).first()
    if settings is not None and not settings.email_alerts:
        return 0
    therapists = client.therapists.filter(
        is_active=True, membership__practice_id=client.practice_id
    ).order_by("id")
    sent = 0
    for therapist in therapists:
        send_templated_email(
            "attention_needed",
            therapist.email,
            {"name": therapist.display_name, "path": reverse("home")},
            time_zone=therapist.time_zone,
        )
        sent += 1
    return sent
