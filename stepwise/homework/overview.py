"""What the therapist reads about homework: a client's assignments with adherence, the review inbox.

Read-only, and a fixed number of queries whatever the history: occurrences are read only for the
last 30 days and the rolling window ahead, completions only as far as a page shows.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from stepwise.accounts.models import User
from stepwise.clinic.access import caseload_for
from stepwise.clinic.models import Client
from stepwise.homework import schedule as sched
from stepwise.homework.actions.assigning import WINDOW_DAYS
from stepwise.homework.models import (
    Assignment,
    AssignmentStatus,
    Completion,
    Feedback,
    Occurrence,
    ScheduleVersion,
    today_for,
)
from stepwise.homework.plans import current_version
from stepwise.homework.summaries import (
    TIMELINESS_LABELS,
    describe,
    period_adherence,
    short_date,
    timeliness,
    week_start,
)

MONTH_DAYS = 30
RECENT_COMPLETIONS = 8


def with_feedback_count(completions: QuerySet[Completion]) -> QuerySet[Completion]:
    """Annotate `feedback_count` with a subquery (no GROUP BY over the joined rows)."""
    counts = (
        Feedback.objects.filter(completion=OuterRef("pk"))
        .order_by()
        .values("completion")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return completions.annotate(
        feedback_count=Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))
    )


@dataclass(frozen=True)
class CompletionRow:
    completion: Completion
    when: datetime  # in the therapist's time zone
    status: str  # "on_time" | "late" | "extra"

    @property
    def status_label(self) -> str:
        return str(TIMELINESS_LABELS[self.status])

    @property
    def feedback_count(self) -> int:
        return int(getattr(self.completion, "feedback_count", 0))


def completion_rows(completions: Sequence[Completion], time_zone: str) -> list[CompletionRow]:
    """Completions (with `occurrence` selected) as the therapist's lists show them."""
    zone = zoneinfo.ZoneInfo(time_zone)
    return [
        CompletionRow(
            completion,
            timezone.localtime(completion.completed_at, zone),
            timeliness(
                completion.occurrence.as_slot() if completion.occurrence is not None else None,
                completion.local_date,
            ),
        )
        for completion in completions
    ]


# The review inbox -------------------------------------------------------------------------------

REVIEW_FILTERS = {
    "all": pgettext_lazy("review filter", "All"),
    "unreviewed": gettext_lazy("Not reviewed yet"),
    "reviewed": gettext_lazy("Reviewed"),
}


MAX_PAGE = 10_000


@dataclass
class InboxPage:
    """One page of the review inbox. There is no page count: counting every piece of homework
    ever handed in grows with the years; the page knows whether another follows."""

    number: int
    completions: list[Completion]
    has_next: bool
    to_review: int  # not reviewed yet, across the filter (all pages)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def inbox_page(
    user: User,
    *,
    client_id: int | None,
    state: str,
    number: int,
    size: int,
    caseload_ids: Sequence[int] | None = None,
) -> InboxPage:
    """Completions of the user's caseload: not reviewed yet first, then the reviewed ones, each
    newest first (a fixed number of queries, up to six).

    The two parts are read apart: what waits for review from its partial index
    (`completion_unreviewed`, a few rows per client), the reviewed ones in the order of
    `completion_newest`, so a page costs the same after years of homework; one sort over both
    would read every completion of the caseload on every page.
    """
    if caseload_ids is None:
        caseload_ids = list(caseload_for(user).values_list("pk", flat=True))
    # A list of ids rather than the caseload's subquery: with the subquery PostgreSQL misjudges
    # how many rows match and walks every completion of the practice (116 ms instead of 0.7).
    completions = Completion.objects.filter(client_id__in=list(caseload_ids))
    if client_id is not None:
        completions = completions.filter(client_id=client_id)
    unreviewed = completions.filter(reviewed_at__isnull=True)
    reviewed = completions.filter(reviewed_at__isnull=False)
    to_review = unreviewed.count()
    number = min(max(1, number), MAX_PAGE)  # an absurd page number is past the end
    start = (number - 1) * size
    wanted = size + 1  # one more tells whether another page follows
    if state == "unreviewed":
        found = _newest_first(unreviewed, start, wanted)
    elif state == "reviewed":
        found = _newest_first(reviewed, start, wanted)
    else:
        found = _newest_first(unreviewed, start, wanted) if start < to_review else []
        if len(found) < wanted:
            found += _newest_first(reviewed, max(0, start - to_review), wanted - len(found))
    if not found and number > 1:  # past the end (an old link): the first page instead
        return inbox_page(
            user,
            client_id=client_id,
            state=state,
            number=1,
            size=size,
            caseload_ids=caseload_ids,
        )
    return InboxPage(number, found[:size], len(found) > size, to_review)


def _newest_first(completions: QuerySet[Completion], start: int, count: int) -> list[Completion]:
    """`count` completions from `start`, newest first: the ids in index order first, then those
    rows whole (two queries). In one query SQLite joins and counts feedback for every candidate
    row before sorting them (46 ms for 7,600 waiting completions instead of 2)."""
    ids = list(
        completions.order_by("-completed_at", "-id").values_list("pk", flat=True)[
            start : start + count
        ]
    )
    if not ids:
        return []
    rows = with_feedback_count(
        Completion.objects.filter(pk__in=ids).select_related("client", "assignment", "occurrence")
    ).in_bulk()
    return [rows[pk] for pk in ids]


def unreviewed_count(user: User) -> int:
    """How many completions of the caseload wait for review (one query)."""
    return Completion.objects.filter(
        client__in=caseload_for(user), reviewed_at__isnull=True
    ).count()


# A client's homework section -------------------------------------------------------------------


@dataclass
class AssignmentSummary:
    assignment: Assignment
    schedule_text: str
    week: sched.Adherence
    month: sched.Adherence
    extra_week: int
    extra_month: int
    next_due: date | None
    next_due_text: str
    finished: bool


@dataclass
class ClientHomework:
    client: Client
    today: date
    current: list[AssignmentSummary] = field(default_factory=list)
    ended: list[AssignmentSummary] = field(default_factory=list)
    recent: list[CompletionRow] = field(default_factory=list)

    @property
    def has_active(self) -> bool:
        return any(s.assignment.status != AssignmentStatus.ENDED for s in self.current)


def _next_due_text(pending: tuple[date, date] | None, today: date) -> str:
    """When the next one is due: "Today", "Now, by Wed 2 Dec", "Tomorrow", "Fri 4 Dec" (opens)."""
    if pending is None:
        return _("Nothing more due")
    opens, due = pending
    if opens <= today:
        if due == today:
            return _("Today")
        return _("Now, by %(day)s") % {"day": _weekday_date(due, today)}
    if opens == today + timedelta(days=1):
        return _("Tomorrow")
    return _weekday_date(opens, today)


def _weekday_date(day: date, today: date) -> str:
    """ "Wed 2 Dec" (or "Wed 2 Dec 2027" in another year), in the active language."""
    return _("%(weekday)s %(day)s") % {
        "weekday": format_date(day, "D"),
        "day": short_date(day, today),
    }


def _summarise(
    assignment: Assignment,
    versions: list[ScheduleVersion],
    rows: list[tuple[sched.DueSlot, date | None]],
    extras: list[date],
    today: date,
) -> AssignmentSummary:
    month_start = today - timedelta(days=MONTH_DAYS - 1)
    monday = week_start(today)
    pure_versions = [v.as_dated() for v in versions]
    is_active = assignment.status == AssignmentStatus.ACTIVE
    if is_active and pure_versions:
        # Days the rolling window has not reached yet still count (read-only: nothing is stored).
        since = (assignment.materialised_until or date.min) + timedelta(days=1)
        since = max(since, month_start - timedelta(weeks=53))
        if since <= today:
            for o in sched.expand_versions(pure_versions, since, today):
                if o.due >= month_start:
                    rows.append((o, None))
    upcoming: tuple[date, date] | None = None
    if is_active:
        pending = [(o.opens, o.due) for o, done in rows if done is None and o.due >= today]
        if not pending and pure_versions:
            since = max(today, (assignment.materialised_until or today) + timedelta(days=1))
            later = sched.expand_versions(pure_versions, since, since + timedelta(weeks=53))
            pending = [(o.opens, o.due) for o in later[:1]]
        upcoming = min(pending, key=lambda p: (p[1], p[0]), default=None)
    next_due = upcoming[1] if upcoming is not None else None
    version = current_version(versions, today)
    schedule = version.as_schedule() if version is not None else None
    finished = (
        schedule is not None and sched.is_finished(schedule, today + timedelta(days=1))
    ) and next_due is None
    if assignment.status == AssignmentStatus.PAUSED:
        next_text = _("Paused")
    elif assignment.status == AssignmentStatus.ENDED:
        next_text = _("Ended")
    else:
        next_text = _next_due_text(upcoming, today)
    return AssignmentSummary(
        assignment=assignment,
        schedule_text=describe(schedule, today) if schedule is not None else "—",
        week=period_adherence(rows, monday, today),
        month=period_adherence(rows, month_start, today),
        extra_week=sum(1 for d in extras if d >= monday),
        extra_month=len(extras),
        next_due=next_due,
        next_due_text=next_text,
        finished=finished,
    )


STATUS_ORDER = {AssignmentStatus.ACTIVE: 0, AssignmentStatus.PAUSED: 1, AssignmentStatus.ENDED: 2}


def client_homework(client: Client, time_zone: str, *, today: date | None = None) -> ClientHomework:
    """Everything the Homework section of a client's page shows, in five queries."""
    today = today or today_for(client)
    month_start = today - timedelta(days=MONTH_DAYS - 1)
    assignments = sorted(
        Assignment.objects.filter(client=client),
        key=lambda a: (STATUS_ORDER.get(AssignmentStatus(a.status), 3), -a.created_at.timestamp()),
    )
    versions: dict[int, list[ScheduleVersion]] = defaultdict(list)
    for version in ScheduleVersion.objects.filter(assignment__client=client):
        versions[version.assignment_id].append(version)
    rows: dict[int, list[tuple[sched.DueSlot, date | None]]] = defaultdict(list)
    occurrences = Occurrence.objects.filter(
        client=client, due__gte=month_start, opens__lte=today + timedelta(days=WINDOW_DAYS)
    ).values_list("assignment_id", "opens", "due", "key", "ordinal", "completion__local_date")
    for assignment_id, opens, due, key, ordinal, done_on in occurrences:
        rows[assignment_id].append((sched.DueSlot(opens, due, key, ordinal), done_on))
    extras: dict[int, list[date]] = defaultdict(list)
    # Extra practice (no occurrence) of the month, read by the (client, completed_at) index: a
    # local day starts at most a day before the same UTC date. Filtering `occurrence IS NULL`
    # in SQL let SQLite pick the occurrence index, whose NULLs are every extra practice of the
    # practice (350 ms at the large size instead of 1).
    since = datetime.combine(month_start - timedelta(days=1), time.min, tzinfo=UTC)
    for assignment_id, day, occurrence_id in Completion.objects.filter(
        client=client, completed_at__gte=since, local_date__gte=month_start
    ).values_list("assignment_id", "local_date", "occurrence_id"):
        if occurrence_id is None:
            extras[assignment_id].append(day)
    recent = with_feedback_count(
        Completion.objects.filter(client=client)
        .select_related("assignment", "occurrence")
        .order_by("-completed_at", "-id")
    )[:RECENT_COMPLETIONS]
    homework = ClientHomework(client=client, today=today)
    for assignment in assignments:
        summary = _summarise(
            assignment,
            versions[assignment.pk],
            rows[assignment.pk],
            extras[assignment.pk],
            today,
        )
        if assignment.status == AssignmentStatus.ENDED:
            homework.ended.append(summary)
        else:
            homework.current.append(summary)
    homework.recent = completion_rows(list(recent), time_zone)
    return homework


def schedule_initial(assignment: Assignment, today: date) -> dict[str, Any]:
    """The schedule form's starting values: the version in force today (one query)."""
    version = current_version(list(assignment.schedules.all()), today)
    if version is None:
        return {"frequency": sched.Frequency.DAILY.value, "start": today}
    return {
        "frequency": version.frequency,
        "start": version.start,
        "end": version.end,
        "max_count": version.max_count,
        "due": version.due,
        "times_per_week": version.times_per_week,
        "weekdays": [d for d in version.weekdays.split(",") if d],
        "interval_weeks": version.interval_weeks,
    }
