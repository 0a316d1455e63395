"""Practice-wide figures for practice admins: counts and rates only, never a client's name.

Adherence and activity per therapist and for the whole practice, and a de-identified row per
client for the CSV export (a keyed pseudonym, no name, no id, no dates). A fixed number of
queries whatever the size of the practice; each client's figures are the stored ones the
dashboards read (`stored`).
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy

from stepwise.clinic.models import Client, Membership
from stepwise.homework.schedule import Adherence
from stepwise.progress import queries, stored
from stepwise.progress.figures import rate_label

WEEK_DAYS = stored.WEEK_DAYS


def combine(figures: list[Adherence]) -> Adherence:
    return Adherence(
        due=sum(f.due for f in figures),
        on_time=sum(f.on_time for f in figures),
        late=sum(f.late for f in figures),
        missed=sum(f.missed for f in figures),
        open=sum(f.open for f in figures),
    )


@dataclass
class ClientFigures:
    pseudonym: str
    therapist_ids: list[int]
    week: Adherence
    month: Adherence
    days_since_activity: int | None
    unreviewed: int

    @property
    def active_this_week(self) -> bool:
        return self.days_since_activity is not None and self.days_since_activity < WEEK_DAYS

    @property
    def has_homework(self) -> bool:
        return bool(self.month.due or self.month.open)


@dataclass
class GroupFigures:
    """A therapist's caseload, or the whole practice."""

    name: str
    clients: list[ClientFigures] = field(default_factory=list)

    @property
    def client_count(self) -> int:
        return len(self.clients)

    @property
    def with_homework(self) -> int:
        return sum(1 for c in self.clients if c.has_homework)

    @property
    def active_this_week(self) -> int:
        return sum(1 for c in self.clients if c.active_this_week)

    @cached_property
    def week(self) -> Adherence:
        return combine([c.week for c in self.clients])

    @cached_property
    def month(self) -> Adherence:
        return combine([c.month for c in self.clients])

    @property
    def week_rate(self) -> str:
        return rate_label(self.week)

    @property
    def month_rate(self) -> str:
        return rate_label(self.month)

    @property
    def unreviewed(self) -> int:
        return sum(c.unreviewed for c in self.clients)


@dataclass
class PracticeFigures:
    practice: GroupFigures
    therapists: list[GroupFigures]


def pseudonym(practice_id: int, client_id: int) -> str:
    """Stable across exports of this installation, meaningless outside it."""
    digest = salted_hmac("stepwise.progress.pseudonym", f"{practice_id}:{client_id}").hexdigest()
    return f"C-{digest[:10]}"


def practice_figures(practice_id: int, now: datetime | None = None) -> PracticeFigures:
    moment = now or timezone.now()
    clients = list(
        Client.objects.filter(practice_id=practice_id)
        .active()
        .order_by("pk")
        .only("id", "practice_id", "time_zone")
    )
    ids = [c.pk for c in clients]
    today_of = queries.todays(clients, moment)
    # The same stored figures as the dashboards (kept current by the reminder worker).
    figures = stored.current_figures(clients, practice_id, moment)
    unreviewed = queries.unreviewed_counts(ids)
    care_teams: dict[int, list[int]] = defaultdict(list)
    for client_id, user_id in Client.therapists.through.objects.filter(
        client_id__in=ids
    ).values_list("client_id", "user_id"):
        care_teams[client_id].append(user_id)
    members = list(
        Membership.objects.filter(practice_id=practice_id)
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    rows: list[ClientFigures] = []
    for client in clients:
        today = today_of[client.pk]
        found = figures[client.pk]
        last = found.last_activity
        days = None
        if last is not None:
            local = timezone.localtime(last, zoneinfo.ZoneInfo(client.time_zone)).date()
            days = max(0, (today - local).days)
        rows.append(
            ClientFigures(
                pseudonym=pseudonym(practice_id, client.pk),
                therapist_ids=care_teams.get(client.pk, []),
                week=found.week,
                month=found.month,
                days_since_activity=days,
                unreviewed=unreviewed.get(client.pk, 0),
            )
        )
    therapists = [
        GroupFigures(
            member.user.display_name, [r for r in rows if member.user_id in r.therapist_ids]
        )
        for member in members
    ]
    return PracticeFigures(GroupFigures(gettext("Whole practice"), rows), therapists)


CSV_HEADERS: list[str | Promise] = [
    pgettext_lazy("CSV column", "client"),
    pgettext_lazy("CSV column", "care_team_size"),
    pgettext_lazy("CSV column", "due_7_days"),
    pgettext_lazy("CSV column", "done_7_days"),
    pgettext_lazy("CSV column", "due_30_days"),
    pgettext_lazy("CSV column", "on_time_30_days"),
    pgettext_lazy("CSV column", "late_30_days"),
    pgettext_lazy("CSV column", "missed_30_days"),
    pgettext_lazy("CSV column", "open_now"),
    pgettext_lazy("CSV column", "adherence_30_days"),
    pgettext_lazy("CSV column", "days_since_activity"),
    pgettext_lazy("CSV column", "waiting_for_review"),
]


def csv_rows(figures: PracticeFigures) -> list[list[object]]:
    """One de-identified row per active client, in pseudonym order (not sign-up order)."""
    rows = []
    for c in sorted(figures.practice.clients, key=lambda c: c.pseudonym):
        rate = c.month.rate
        rows.append(
            [
                c.pseudonym,
                len(c.therapist_ids),
                c.week.due,
                c.week.done,
                c.month.due,
                c.month.on_time,
                c.month.late,
                c.month.missed,
                c.month.open,
                "" if rate is None else f"{rate:.3f}",
                "" if c.days_since_activity is None else c.days_since_activity,
                c.unreviewed,
            ]
        )
    return rows
