"""Reminder status for pages owned by other apps (clinic must not import reminders)."""

from __future__ import annotations

from typing import Any

from django import template

from stepwise.clinic.models import Client
from stepwise.reminders.summaries import client_status, practice_failures

register = template.Library()


@register.inclusion_tag("reminders/_client_status.html")
def client_reminders(client: Client) -> dict[str, Any]:
    """Which channels are on and the recent delivery log (outcomes only, never content)."""
    return {"client": client, "status": client_status(client)}


@register.inclusion_tag("reminders/_practice_failures.html")
def practice_reminder_failures(practice_id: int) -> dict[str, Any]:
    failures = practice_failures(practice_id)
    return {"failures": failures, "total": sum(failures.values())}
