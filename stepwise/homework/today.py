"""What a client (or a parent) sees on their home page: today, coming up, done.

Built with a fixed number of queries whatever the history: the active assignments of the people
shown, one window of occurrences with their completions, and the latest completions with their
feedback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from stepwise.accounts.models import User
from stepwise.clinic.models import CaregiverLink, Client
from stepwise.homework.actions import assigning
from stepwise.homework.models import (
    Assignee,
    Assignment,
    AssignmentStatus,
    Completion,
    Feedback,
    Occurrence,
    Submission,
)
from stepwise.homework.schedule import Outcome, outcome
from stepwise.lib.tz import local_today
from stepwise.library.models import ExerciseVersion

DONE_SHOWN = 15
COMING_UP_DAYS = 7
# Feedback this recent is shown at the top of the home page, where it is seen first.
NEW_FEEDBACK_FOR = timedelta(days=14)
# The shipped crisis plans (adult, and young person with a carer) and any practice's copies.
CRISIS_PLAN_SLUGS = ("crisis-coping-plan", "youth-safety-plan")


@dataclass
class Item:
    occurrence: Occurrence
    assignment: Assignment
    outcome: Outcome


@dataclass
class Person:
    """One client's homework as this viewer may see it."""

    client: Client
    today: date
    as_caregiver: bool
    due_now: list[Item] = field(default_factory=list)
    coming_up: list[Item] = field(default_factory=list)
    done: list[Completion] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)

    @property
    def minutes_today(self) -> int:
        return sum(item.assignment.estimated_minutes for item in self.due_now)

    @property
    def coming_up_days(self) -> list[tuple[date, str, int]]:
        """What opens next, one line per day and homework: (day, title, how many times)."""
        lines: dict[tuple[date, int], list[Any]] = {}
        for item in self.coming_up:
            key = (item.occurrence.opens, item.assignment.pk)
            lines.setdefault(key, [item.occurrence.opens, item.assignment.title, 0])[2] += 1
        return [(day, title, count) for day, title, count in lines.values()]

    @property
    def feedback_since(self) -> datetime:
        """Feedback written after this is new: shown first on the home page, not under "Done"."""
        return timezone.now() - NEW_FEEDBACK_FOR

    @property
    def new_feedback(self) -> list[tuple[Completion, Feedback]]:
        """The therapist's recent notes on what was done, newest first (already prefetched)."""
        since = self.feedback_since
        notes = [
            (completion, note)
            for completion in self.done
            for note in completion.feedback.all()
            if note.created_at >= since
        ]
        return sorted(notes, key=lambda pair: pair[1].created_at, reverse=True)


def visible_assignments(user: User, clients: list[Client]) -> QuerySet[Assignment]:
    """A client sees what is assigned to them; a caregiver sees what is assigned to them for the
    child, and the child's own items unless the therapist hid them from caregivers."""
    own = [c.pk for c in clients if c.user_id == user.pk]
    cared = [c.pk for c in clients if c.user_id != user.pk]
    condition = Q(client_id__in=own, assignee=Assignee.CLIENT)
    condition |= Q(client_id__in=cared, assignee=Assignee.CAREGIVER)
    condition |= Q(client_id__in=cared, assignee=Assignee.CLIENT, hidden_from_caregiver=False)
    return Assignment.objects.filter(condition)


def people_for(user: User) -> list[Client]:
    """The clients whose homework this person sees: themself, and the children they help."""
    return list(
        Client.objects.filter(discharged_at__isnull=True)
        .filter(
            Q(user=user)
            | Q(pk__in=CaregiverLink.objects.filter(caregiver=user).values("client_id"))
        )
        .order_by("display_name", "id")
    )


def build_home(user: User, clients: list[Client]) -> list[Person]:
    if not clients:
        return []
    people = {
        c.pk: Person(c, local_today(c.time_zone, timezone.now()), as_caregiver=c.user_id != user.pk)
        for c in clients
    }
    assignments = list(
        visible_assignments(user, clients)
        .exclude(status=AssignmentStatus.ENDED)
        .select_related("exercise")
        .order_by("created_at", "id")
    )
    active = [a for a in assignments if a.status == AssignmentStatus.ACTIVE]
    for person in people.values():  # no query at all when the window is already in place
        mine = [a for a in active if a.client_id == person.client.pk]
        assigning.materialise(mine, person.today + timedelta(days=assigning.WINDOW_DAYS))
    earliest = min(p.today for p in people.values()) - timedelta(days=7)
    latest = max(p.today for p in people.values()) + timedelta(days=COMING_UP_DAYS)
    occurrences = (
        Occurrence.objects.filter(assignment__in=active, opens__lte=latest, due__gte=earliest)
        .select_related("completion")
        .order_by("opens", "id")
    )
    by_id = {a.pk: a for a in active}
    for occurrence in occurrences:
        assignment = by_id[occurrence.assignment_id]
        person = people[assignment.client_id]
        done_on = occurrence.completion.local_date if _has_completion(occurrence) else None
        state = outcome(occurrence.as_slot(), done_on, person.today)
        item = Item(occurrence, assignment, state)
        if state == Outcome.DUE:
            person.due_now.append(item)
        elif state == Outcome.UPCOMING:
            person.coming_up.append(item)
    for assignment in assignments:
        people[assignment.client_id].assignments.append(assignment)
    # The assignments are in hand: joining them in again lets PostgreSQL hash the whole
    # assignment table of the practice, a cost that grows with everyone's history.
    assignment_by_id = {a.pk: a for a in assignments}
    completions = (
        Completion.objects.filter(assignment__in=assignments)
        .prefetch_related(Prefetch("feedback", queryset=Feedback.objects.select_related("author")))
        .order_by("-completed_at", "-id")[: DONE_SHOWN * len(people)]
    )
    for completion in completions:
        completion.assignment = assignment_by_id[completion.assignment_id]
        person = people[completion.client_id]
        if len(person.done) < DONE_SHOWN:
            person.done.append(completion)
    return list(people.values())


def crisis_plan_for(client: Client) -> int | None:
    """The id of the client's latest saved crisis or safety plan, if they have made one.

    Filters on the submission's own `exercise_version_id` (the versions come from a subquery
    over a few rows), so no submission row is joined to its version to be ruled out.
    """
    crisis_plan_versions = ExerciseVersion.objects.filter(definition__slug__in=CRISIS_PLAN_SLUGS)
    return (
        Submission.objects.filter(client=client, exercise_version__in=crisis_plan_versions)
        .order_by("-submitted_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )


def _has_completion(occurrence: Occurrence) -> bool:
    try:
        return occurrence.completion is not None
    except Completion.DoesNotExist:
        return False
