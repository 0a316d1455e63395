"""The grouped reads behind the progress pages: a fixed number of queries for any number of clients.

Each function takes many clients at once and returns plain values keyed by client (or
assignment), never one query per client. The callers have checked access.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from stepwise.assessments.models import AssessmentResponse, EpisodeStart
from stepwise.assessments.results import Score, current_score
from stepwise.clinic.models import Client
from stepwise.homework import schedule as sched
from stepwise.homework.models import (
    Assignment,
    AssignmentStatus,
    Completion,
    ItemKind,
    Occurrence,
    ScheduleVersion,
    Submission,
)
from stepwise.lib.tz import local_today
from stepwise.progress.figures import DueGroup


def todays(clients: Iterable[Client], now: datetime | None = None) -> dict[int, date]:
    """Each client's local calendar day now."""
    moment = now or timezone.now()
    return {client.pk: local_today(client.time_zone, moment) for client in clients}


def due_groups(
    todays_by_client: dict[int, date], days: int, *, by: str = "client_id"
) -> dict[int, list[DueGroup]]:
    """Occurrences due in the last `days` local days of each client (up to the rolling window),
    counted per (client or assignment, opens, due): two or three queries in all.

    Days the rolling window has not reached yet (a client who has not opened the app for weeks)
    are expanded from the schedules in memory and count as not done: nothing is written.
    """
    if not todays_by_client:
        return {}
    ids = list(todays_by_client)
    earliest = min(todays_by_client.values()) - timedelta(days=days)
    latest = max(todays_by_client.values())
    # Each occurrence with the local day it was done, read through the one-to-one index of
    # `Completion.occurrence`: a join here lets PostgreSQL hash-join the whole completion table,
    # whose cost grows with every year of history. Counted per group here in Python.
    done_on = (
        Completion.objects.filter(occurrence=OuterRef("pk")).order_by().values("local_date")[:1]
    )
    fields = ["client_id", "opens", "due"] + ([by] if by != "client_id" else [])
    rows = (
        Occurrence.objects.filter(client_id__in=ids, due__gte=earliest, opens__lte=latest)
        .annotate(done_on=Subquery(done_on))
        .values_list(*fields, "done_on")
        .order_by()
    )
    key_at = fields.index(by)
    counts: dict[tuple[int, int, date, date], list[int]] = {}
    for row in rows:
        client_id, opens, due, key, done = row[0], row[1], row[2], row[key_at], row[-1]
        if due < todays_by_client[client_id] - timedelta(days=days):
            continue
        tally = counts.setdefault((key, client_id, opens, due), [0, 0, 0])
        tally[0 if done is None else 1 if done <= due else 2] += 1
    found: dict[int, list[DueGroup]] = defaultdict(list)
    for (key, _, opens, due), (not_done, on_time, late) in counts.items():
        found[key].append(DueGroup(opens, due, on_time, late, not_done))
    for key, group in _unmaterialised(todays_by_client, days, by):
        found[key].append(group)
    return found


def _unmaterialised(
    todays_by_client: dict[int, date], days: int, by: str
) -> list[tuple[int, DueGroup]]:
    latest = max(todays_by_client.values())
    assignments = (
        Assignment.objects.filter(
            client_id__in=list(todays_by_client), status=AssignmentStatus.ACTIVE
        )
        .filter(Q(materialised_until__isnull=True) | Q(materialised_until__lt=latest))
        .only("pk", "client_id", "materialised_until")
        .prefetch_related(Prefetch("schedules", queryset=ScheduleVersion.objects.order_by()))
    )
    found: list[tuple[int, DueGroup]] = []
    for assignment in assignments:
        today = todays_by_client[assignment.client_id]
        window_start = today - timedelta(days=days)
        # A week-long occurrence opening a few days before the window still falls due inside it.
        since = max(
            (assignment.materialised_until or date.min) + timedelta(days=1),
            window_start - timedelta(days=7),
        )
        if since > today:
            continue
        versions = [v.as_dated() for v in assignment.schedules.all()]
        key = assignment.pk if by == "assignment_id" else assignment.client_id
        for occurrence in sched.expand_versions(versions, since, today):
            if occurrence.due >= window_start:
                found.append((key, DueGroup(occurrence.opens, occurrence.due, 0, 0, 1)))
    return found


def last_activity(client_ids: Sequence[int]) -> dict[int, datetime]:
    """When each client last handed anything in: an exercise or a questionnaire (one query).

    The newest row of each client is read from the (client, submitted_at) indexes, so the cost
    does not grow with the history (an aggregate would read every submission ever made).
    """
    newest = [
        model.objects.filter(client=OuterRef("pk"))
        .order_by("-submitted_at")
        .values("submitted_at")[:1]
        for model in (Submission, AssessmentResponse)
    ]
    rows = (
        Client.objects.filter(pk__in=client_ids)
        .annotate(exercise=Subquery(newest[0]), questionnaire=Subquery(newest[1]))
        .values_list("pk", "exercise", "questionnaire")
        .order_by()
    )
    found: dict[int, datetime] = {}
    for client_id, *moments in rows:
        known = [m for m in moments if m is not None]
        if known:
            found[client_id] = max(known)
    return found


def unreviewed_counts(client_ids: Sequence[int]) -> dict[int, int]:
    """Completions nobody on the care team has reviewed yet, per client (one query)."""
    rows = (
        Completion.objects.filter(client_id__in=client_ids, reviewed_at__isnull=True)
        .values("client_id")
        .annotate(n=Count("*"))  # COUNT(*): the partial index alone answers it
        .order_by()
    )
    return {row["client_id"]: row["n"] for row in rows}


def assigned_instruments(client_ids: Sequence[int]) -> dict[int, set[str]]:
    """Questionnaires each client has an assignment for that has not ended (one query)."""
    rows = (
        Assignment.objects.filter(client_id__in=client_ids, kind=ItemKind.ASSESSMENT)
        .exclude(status=AssignmentStatus.ENDED)
        .values_list("client_id", "instrument_key")
        .order_by()  # without the model's ordering, so DISTINCT is over these two columns
        .distinct()
    )
    found: dict[int, set[str]] = defaultdict(set)
    for client_id, key in rows:
        found[client_id].add(key)
    return found


@dataclass(frozen=True)
class ScorePoint:
    response: AssessmentResponse
    score: Score

    @property
    def total(self) -> float | None:
        return None if self.score.total is None else float(self.score.total)

    @property
    def when(self) -> datetime:
        return self.response.submitted_at


@dataclass(frozen=True)
class ScoreHistory:
    """The first, the one before last, and the latest response of one instrument for a client."""

    key: str
    abbreviation: str
    count: int
    baseline: ScorePoint
    previous: ScorePoint | None
    latest: ScorePoint


def score_histories(client_ids: Sequence[int]) -> dict[int, list[ScoreHistory]]:
    """Baseline, previous and latest score of every instrument of every client (three queries).

    Window functions pick the three rows per (client, instrument) in the database, so the cost
    does not grow with years of fortnightly questionnaires.
    """
    partition = [F("client_id"), F("instrument__key")]
    # Only the current episode of care counts: responses before the newest "new episode" a
    # therapist started for that instrument are left out, so its baseline is the first after.
    episode_start = Subquery(
        EpisodeStart.objects.filter(
            client_id=OuterRef("client_id"), instrument_key=OuterRef("instrument__key")
        )
        .order_by("-starts_at", "-id")
        .values("starts_at")[:1]
    )
    # The window runs over narrow rows (ids and counts); only the rows it picks are loaded whole,
    # which keeps JSON columns and model instances out of the sort over the whole history.
    picked = dict(
        AssessmentResponse.objects.filter(client_id__in=client_ids)
        .annotate(episode_start=episode_start)
        .filter(Q(episode_start__isnull=True) | Q(submitted_at__gte=F("episode_start")))
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=partition,
                order_by=[F("submitted_at").desc(), F("id").desc()],
            ),
            oldest=Window(
                RowNumber(),
                partition_by=partition,
                order_by=[F("submitted_at").asc(), F("id").asc()],
            ),
            how_many=Window(Count("id"), partition_by=partition),
        )
        .filter(Q(newest__lte=2) | Q(oldest=1))
        .values_list("pk", "how_many")
    )
    responses = (
        AssessmentResponse.objects.filter(pk__in=list(picked))
        .with_revisions()
        .defer("answers", "supplementary")
    )
    grouped: dict[tuple[int, str], list[AssessmentResponse]] = defaultdict(list)
    for response in responses:
        grouped[(response.client_id, response.instrument.key)].append(response)
    found: dict[int, list[ScoreHistory]] = defaultdict(list)
    for (client_id, key), rows in grouped.items():
        rows.sort(key=lambda r: (r.submitted_at, r.pk))
        points = [ScorePoint(r, current_score(r)) for r in rows]
        latest = points[-1]
        count = int(picked.get(rows[-1].pk, len(rows)))
        previous = points[-2] if len(points) >= 2 else None
        found[client_id].append(
            ScoreHistory(
                key=key,
                abbreviation=latest.response.instrument.abbreviation,
                count=count,
                baseline=points[0],
                previous=previous,
                latest=latest,
            )
        )
    for histories in found.values():
        histories.sort(key=lambda h: h.abbreviation.casefold())
    return found
