"""Writes of homework plans: save a client's current homework as a reusable bundle, assign it to
another client, remove one.

A plan keeps what to do and how often, never anything about the client it came from: no personal
note, no dates (lengths are kept as days from the start). Assigning a plan makes one assignment
per item through `assigning.assign`, all in one transaction, each starting on the new client's
today; items the client already has (active or paused) are skipped, so a double click or a plan
assigned twice does not double the homework.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from stepwise.accounts.models import User
from stepwise.clinic.access import on_care_team
from stepwise.clinic.models import Client
from stepwise.homework.actions import assigning
from stepwise.homework.models import (
    Assignee,
    Assignment,
    AssignmentStatus,
    HomeworkPlan,
    ItemKind,
    ScheduleVersion,
    today_for,
)
from stepwise.homework.plans import current_version, item_schedule, visible_plans
from stepwise.homework.schedule import ScheduleError
from stepwise.library.models import ExerciseDefinition

MAX_NAME = 120


def _on_care_team(client: Client, by: User) -> None:
    if not on_care_team(by, client):
        raise assigning.HomeworkError(_("You can only use homework of clients on your caseload."))


def _item(assignment: Assignment, version: ScheduleVersion) -> dict[str, Any]:
    schedule = version.as_schedule()
    return {
        "kind": assignment.kind,
        "exercise_id": assignment.exercise_id,
        "instrument_key": assignment.instrument_key,
        "title": assignment.title,
        "estimated_minutes": assignment.estimated_minutes,
        "assignee": assignment.assignee,
        "hidden_from_caregiver": assignment.hidden_from_caregiver,
        "reminder_time": assignment.reminder_time.strftime("%H:%M"),
        "frequency": schedule.frequency.value,
        "times_per_week": schedule.times_per_week,
        "weekdays": sorted(schedule.weekdays),
        "interval_weeks": schedule.interval_weeks,
        "max_count": schedule.max_count,
        "duration_days": (schedule.end - schedule.start).days if schedule.end else None,
        "due_in_days": (schedule.due - schedule.start).days if schedule.due else None,
    }


def save_plan(
    *,
    client: Client,
    by: User,
    name: str,
    shared_with_practice: bool,
    assignments: Sequence[Assignment],
) -> HomeworkPlan:
    """Keep the chosen current homework of `client` as a plan named `name`."""
    _on_care_team(client, by)
    name = name.strip()
    if not name:
        raise assigning.HomeworkError(_("Give the plan a name."))
    if len(name) > MAX_NAME:
        raise assigning.HomeworkError(
            _("A plan name can be at most %(n)d characters.") % {"n": MAX_NAME}
        )
    if not assignments:
        raise assigning.HomeworkError(_("Choose at least one piece of homework for the plan."))
    current = (AssignmentStatus.ACTIVE, AssignmentStatus.PAUSED)
    if any(a.client_id != client.pk or a.status not in current for a in assignments):
        raise assigning.HomeworkError(_("A plan is made from this client's current homework only."))
    versions: dict[int, list[ScheduleVersion]] = {a.pk: [] for a in assignments}
    for row in ScheduleVersion.objects.filter(assignment__in=assignments):
        versions[row.assignment_id].append(row)
    today = today_for(client)
    items = []
    for assignment in sorted(assignments, key=lambda a: (a.created_at, a.pk)):
        version = current_version(versions[assignment.pk], today)
        if version is not None:
            items.append(_item(assignment, version))
    return HomeworkPlan.objects.create(
        practice_id=client.practice_id,
        owner=by,
        name=name,
        shared_with_practice=shared_with_practice,
        items=items,
    )


@dataclass
class PlanAssigned:
    assigned: list[Assignment] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # titles the client already had


def _already_has(client: Client) -> tuple[set[int], set[str]]:
    current = Assignment.objects.filter(
        client=client, status__in=[AssignmentStatus.ACTIVE, AssignmentStatus.PAUSED]
    ).values_list("exercise_id", "instrument_key")
    exercises = {e for e, _ in current if e is not None}
    instruments = {k for _, k in current if k}
    return exercises, instruments


def assign_plan(plan: HomeworkPlan, *, client: Client, by: User) -> PlanAssigned:
    """Assign every item of `plan` to `client`, each on its schedule from the client's today.

    All or nothing: an item that cannot be assigned (an exercise no longer available, a
    questionnaire switched off, a carer item for a client without a carer) assigns none.
    """
    if not visible_plans(by).filter(pk=plan.pk).exists():
        raise assigning.HomeworkError(_("That plan is not available to you."))
    if plan.practice_id != client.practice_id:
        raise assigning.HomeworkError(_("That plan belongs to another practice."))
    if not plan.items:
        raise assigning.HomeworkError(_("This plan has nothing in it."))
    from stepwise.assessments import catalog

    exercise_ids = [i["exercise_id"] for i in plan.items if i.get("exercise_id")]
    exercises = {
        e.pk: e
        for e in ExerciseDefinition.objects.visible_to(by.pk, plan.practice_id)
        .published()
        .filter(pk__in=exercise_ids)
    }
    enabled = {a.key for a in catalog.assignable_instruments(plan.practice_id)}
    has_exercises, has_instruments = _already_has(client)
    today = today_for(client)
    result = PlanAssigned()
    with transaction.atomic():
        for item in plan.items:
            title = str(item.get("title") or _("This item"))
            kind = item["kind"]
            if kind == ItemKind.EXERCISE:
                exercise = exercises.get(item.get("exercise_id") or 0)
                if exercise is None:
                    raise assigning.HomeworkError(
                        _("“%(title)s” is no longer in your library, so nothing was assigned.")
                        % {"title": title}
                    )
                if exercise.pk in has_exercises:
                    result.skipped.append(title)
                    continue
                choice = assigning.ItemChoice(
                    kind=kind,
                    exercise=exercise,
                    title=exercise.title,
                    estimated_minutes=exercise.estimated_minutes,
                )
            else:
                key = str(item.get("instrument_key") or "")
                if key not in enabled:
                    raise assigning.HomeworkError(
                        _("“%(title)s” is switched off in your practice, so nothing was assigned.")
                        % {"title": title}
                    )
                if key in has_instruments:
                    result.skipped.append(title)
                    continue
                choice = assigning.ItemChoice(
                    kind=kind,
                    instrument_key=key,
                    title=title,
                    estimated_minutes=int(item.get("estimated_minutes") or 5),
                )
            try:
                schedule = item_schedule(item, today)
            except (KeyError, ValueError, TypeError, OverflowError) as exc:
                raise assigning.HomeworkError(
                    _("“%(title)s” has a broken schedule.") % {"title": title}
                ) from exc
            try:
                assignment = assigning.assign(
                    client=client,
                    by=by,
                    item=choice,
                    schedule=schedule,
                    reminder_time=time.fromisoformat(str(item.get("reminder_time") or "18:00")),
                    assignee=str(item.get("assignee") or Assignee.CLIENT),
                    hidden_from_caregiver=bool(item.get("hidden_from_caregiver")),
                )
            except ScheduleError as exc:
                raise assigning.HomeworkError(f"“{title}”: {exc}") from exc
            result.assigned.append(assignment)
    return result


def delete_plan(plan: HomeworkPlan, *, by: User) -> None:
    """Only the therapist who made a plan removes it; what was assigned from it stays."""
    if plan.owner_id != by.pk:
        raise assigning.HomeworkError(_("Only the therapist who made a plan can remove it."))
    plan.delete()
