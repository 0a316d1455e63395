"""Homework plans, read and pure: which plans a therapist may use, the schedule version in force,
a plan item's schedule and its description. The writes are in `homework.actions.plans`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stepwise.accounts.models import User
from stepwise.homework.models import HomeworkPlan, ScheduleVersion
from stepwise.homework.schedule import Frequency, Schedule
from stepwise.homework.summaries import how_often


def visible_plans(user: User) -> QuerySet[HomeworkPlan]:
    """Plans of the user's practice that are theirs or shared with the practice."""
    return HomeworkPlan.objects.filter(practice__memberships__user=user).filter(
        Q(owner=user) | Q(shared_with_practice=True)
    )


def current_version(versions: Sequence[ScheduleVersion], today: date) -> ScheduleVersion | None:
    """The version in force on `today`, or the first one when none has started yet."""
    ordered = sorted(versions, key=lambda v: (v.effective_from, v.pk))
    started = [v for v in ordered if v.effective_from <= today]
    if started:
        return started[-1]
    return ordered[0] if ordered else None


def item_schedule(item: dict[str, Any], start: date) -> Schedule:
    """The schedule an item of a plan stands for, starting on `start`."""
    duration = item.get("duration_days")
    due_in = item.get("due_in_days")
    return Schedule(
        frequency=Frequency(item["frequency"]),
        start=start,
        end=start + timedelta(days=duration) if duration is not None else None,
        max_count=item.get("max_count"),
        due=start + timedelta(days=due_in) if due_in is not None else None,
        times_per_week=int(item.get("times_per_week") or 1),
        weekdays=frozenset(int(d) for d in item.get("weekdays") or ()),
        interval_weeks=int(item.get("interval_weeks") or 1),
    )


def describe_item(item: dict[str, Any]) -> str:
    """A plan item's schedule in words, relative to whenever it is assigned."""
    try:
        schedule = item_schedule(item, date(2000, 1, 3))
    except (KeyError, ValueError, TypeError, OverflowError):
        return "—"
    if schedule.frequency == Frequency.ONCE:
        days = item.get("due_in_days") or 0
        if days == 0:
            return _("Once, due the day it is set")
        return ngettext("Once, due within %(n)d day", "Once, due within %(n)d days", days + 1) % {
            "n": days + 1
        }
    parts = [how_often(schedule, schedule.start)]
    if item.get("duration_days") is not None:
        days = int(item["duration_days"]) + 1
        parts.append(ngettext("for %(n)d day", "for %(n)d days", days) % {"n": days})
    if schedule.max_count is not None:
        count = schedule.max_count
        parts.append(ngettext("%(n)d time in all", "%(n)d times in all", count) % {"n": count})
    return ", ".join(parts)
