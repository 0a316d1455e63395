"""The before-session summary: what happened since the last review (or a chosen date), on one page.

What was due and what was done, how the key metrics moved, questionnaire changes with their
reliable-change verdicts, the client's own words, and alerts. A fixed number of queries.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _

from stepwise.accounts.models import User
from stepwise.assessments import catalog
from stepwise.assessments.models import Alert
from stepwise.assessments.results import (
    ALERT_RELATED,
    VERDICT_LABELS,
    AlertView,
    current_score,
    describe_alerts,
    episode_starts,
    responses_for,
)
from stepwise.assessments.scoring import ScoringError, classify_change
from stepwise.clinic.models import Client
from stepwise.homework.models import Assignment, AssignmentStatus, Completion, Mode, Submission
from stepwise.homework.schedule import Adherence
from stepwise.lib.language import base_language
from stepwise.lib.tz import client_day, local_day_bounds, local_today
from stepwise.library import schema
from stepwise.library.answers import answer_views
from stepwise.library.titles import reader_text
from stepwise.progress import queries
from stepwise.progress.client_progress import metric_series
from stepwise.progress.figures import (
    Trend,
    direction,
    format_amount,
    period_adherence,
    rate_label,
    score_trend,
)

DEFAULT_DAYS = 14
MAX_DAYS = 366
MAX_DONE_SHOWN = 12
MAX_NOTES = 8
NOTE_CHARS = 400


@dataclass(frozen=True)
class AssignmentLine:
    title: str
    status: str  # in words
    active: bool
    figures: Adherence
    extra: int

    @property
    def rate(self) -> str:
        return rate_label(self.figures)


@dataclass(frozen=True)
class DoneItem:
    day: date  # the client's local day it counts on
    title: str
    status: str
    reviewed: bool
    url: str


@dataclass(frozen=True)
class MetricLine:
    exercise: str
    label: str
    unit: str | None
    count: int
    first: str
    last: str
    low: str
    high: str
    direction: str


@dataclass(frozen=True)
class ScoreChange:
    when: datetime
    day: date  # the client's local day it was answered on
    abbreviation: str
    total: str
    band: str
    trend: Trend
    verdict: str
    is_baseline: bool


@dataclass(frozen=True)
class Note:
    when: datetime
    day: date  # the client's local day it was written on
    exercise: str
    prompt: str
    text: str
    in_session: bool
    # The language the person wrote `text` in, when it is not the reader's (for `lang`).
    lang: str = ""


@dataclass
class Summary:
    since: date
    today: date
    since_reason: str
    choices: list[tuple[str, str]]
    totals: Adherence
    assignments: list[AssignmentLine] = field(default_factory=list)
    done: list[DoneItem] = field(default_factory=list)
    done_count: int = 0
    in_session: int = 0
    metrics: list[MetricLine] = field(default_factory=list)
    scores: list[ScoreChange] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    notes_count: int = 0
    alerts: list[AlertView] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.today - self.since).days + 1

    @property
    def one_day(self) -> bool:
        return self.since == self.today

    def earliest(self) -> date:
        """The first day the "show from" picker offers (older dates are not accepted)."""
        return self.today - timedelta(days=MAX_DAYS)

    @property
    def totals_rate(self) -> str:
        return rate_label(self.totals)


def _parse_since(value: str, today: date) -> date | None:
    try:
        chosen = date.fromisoformat(value)
    except ValueError:
        return None
    if chosen > today or chosen < today - timedelta(days=MAX_DAYS):
        return None
    return chosen


def choose_since(value: str, today: date, last_review: date | None) -> tuple[date, str]:
    """The first local day of the summary and why: chosen, last review, or the default fortnight."""
    chosen = _parse_since(value, today)
    if chosen is not None:
        return chosen, _("from the date you chose")
    if last_review is not None and last_review >= today - timedelta(days=MAX_DAYS):
        return last_review, _("since your last review")
    reason = _("no review yet, so the last %(n)d days") % {"n": DEFAULT_DAYS}
    return today - timedelta(days=DEFAULT_DAYS - 1), reason


def _local_date(when: datetime | None, zone: zoneinfo.ZoneInfo) -> date | None:
    return None if when is None else when.astimezone(zone).date()


def build_summary(client: Client, user: User, since_value: str = "") -> Summary:
    """The period is in the client's local days (their homework counts on those), and so is
    each item's day; alerts carry the reader's own time."""
    client_zone = zoneinfo.ZoneInfo(client.time_zone)
    today = local_today(client.time_zone, timezone.now())
    last_review = _local_date(
        Completion.objects.filter(client=client).aggregate(last=Max("reviewed_at"))["last"],
        client_zone,
    )
    last_session = _local_date(
        Submission.objects.filter(client=client, mode=Mode.IN_SESSION).aggregate(
            last=Max("submitted_at")
        )["last"],
        client_zone,
    )
    since, reason = choose_since(since_value, today, last_review)
    start, _end = local_day_bounds(since, client.time_zone)
    choices = []
    if last_review:
        day = format_date(last_review, "j M")
        choices.append(("", _("Since your last review (%(day)s)") % {"day": day}))
    if last_session:
        day = format_date(last_session, "j M")
        choices.append(
            (last_session.isoformat(), _("Since the last session (%(day)s)") % {"day": day})
        )
    choices += [
        ((today - timedelta(days=n - 1)).isoformat(), _("Last %(n)d days") % {"n": n})
        for n in (7, 14, 28)
    ]

    days = (today - since).days
    groups = queries.due_groups({client.pk: today}, days, by="assignment_id")
    assignments = {a.pk: a for a in Assignment.objects.filter(client=client)}
    extras: dict[int, int] = defaultdict(int)
    completions = list(
        Completion.objects.filter(client=client, local_date__gte=since)
        .select_related("assignment", "occurrence")
        .order_by("-completed_at", "-id")
    )
    for completion in completions:
        if completion.occurrence_id is None:
            extras[completion.assignment_id] += 1
    summary = Summary(
        since=since,
        today=today,
        since_reason=reason,
        choices=choices,
        totals=period_adherence([g for gs in groups.values() for g in gs], since, today),
    )
    for assignment_id in sorted(set(groups) | set(extras), key=lambda pk: assignments[pk].title):
        assignment = assignments[assignment_id]
        summary.assignments.append(
            AssignmentLine(
                title=reader_text(assignment.title),
                status=assignment.get_status_display(),
                active=assignment.status == AssignmentStatus.ACTIVE,
                figures=period_adherence(groups.get(assignment_id, []), since, today),
                extra=extras.get(assignment_id, 0),
            )
        )
    summary.done_count = len(completions)
    summary.done = [_done_item(c) for c in completions[:MAX_DONE_SHOWN]]
    summary.metrics = metric_lines(client, start)
    summary.scores = _score_changes(client, start)
    summary.in_session, summary.notes, summary.notes_count = _notes(client, start)
    alerts = (
        Alert.objects.filter(client=client)
        .filter(Q(acknowledged_at__isnull=True) | Q(created_at__gte=start))
        .select_related(*ALERT_RELATED, "acknowledged_by")
        .order_by("-created_at", "-id")
    )
    summary.alerts = describe_alerts(alerts, user.time_zone)
    return summary


def _done_item(completion: Completion) -> DoneItem:
    occurrence = completion.occurrence
    if occurrence is None:
        status = _("Extra practice")
    elif completion.local_date <= occurrence.due:
        status = _("On time")
    else:
        status = _("Late")
    return DoneItem(
        day=completion.local_date,
        title=reader_text(completion.assignment.title),
        status=status,
        reviewed=completion.reviewed_at is not None,
        url=reverse("homework:completion", args=[completion.pk]),
    )


def metric_lines(client: Client, start: datetime) -> list[MetricLine]:
    lines = []
    found = metric_series(client, start)
    for _id, (title, series) in sorted(found.items(), key=lambda item: item[1][0]):
        for one in series:
            values = [v for _, v in one.values]
            scale = one.scale
            lines.append(
                MetricLine(
                    exercise=title,
                    label=one.label,
                    unit=one.unit,
                    count=len(values),
                    first=format_amount(round(values[0], 2)),
                    last=format_amount(round(values[-1], 2)),
                    low=format_amount(round(min(values), 2)),
                    high=format_amount(round(max(values), 2)),
                    direction=direction(values, scale[1] - scale[0] if scale else None),
                )
            )
    return lines


def _score_changes(client: Client, start: datetime) -> list[ScoreChange]:
    """Each questionnaire answered in the period: its change from the one before, and the
    reliable-change verdict against the baseline (the first of the current episode of care)."""
    by_key: dict[str, list[Any]] = defaultdict(list)
    for response in responses_for(client):
        by_key[response.instrument.key].append(response)
    if not any(r.submitted_at >= start for rs in by_key.values() for r in rs):
        return []
    definitions = catalog.current_definitions(client.practice_id)
    starts = episode_starts(client)
    changes = []
    for key, responses in by_key.items():
        definition = definitions.get(key)
        scores = [current_score(r) for r in responses]
        episode_start = starts.get(key)
        # The baseline is the first response of the current episode of care.
        first = next(
            (
                i
                for i, r in enumerate(responses)
                if episode_start is None or r.submitted_at >= episode_start
            ),
            None,
        )
        baseline = scores[first] if first is not None else scores[0]
        for index, response in enumerate(responses):
            if response.submitted_at < start:
                continue
            score = scores[index]
            previous = scores[index - 1].total if index else None
            in_episode = first is not None and index >= first
            verdict = _("Baseline") if index == first else "—"
            if (
                in_episode
                and index != first
                and definition is not None
                and baseline.total is not None
                and score.total is not None
            ):
                try:
                    result = classify_change(definition, baseline.total, score.total)
                except ScoringError:
                    result = None
                if result is not None:
                    verdict = (
                        str(VERDICT_LABELS.get(result.verdict, result.verdict))
                        if result.verdict
                        else _("No published reliable-change value")
                    )
            changes.append(
                ScoreChange(
                    when=response.submitted_at,
                    day=client_day(response.submitted_at, client.time_zone),
                    abbreviation=response.instrument.abbreviation,
                    total="—" if score.total is None else format_amount(score.total),
                    band=score.band,
                    trend=score_trend(
                        None if previous is None else float(previous),
                        None if score.total is None else float(score.total),
                        definition.plan.higher_is_better if definition else None,
                    ),
                    verdict=verdict,
                    is_baseline=index == first,
                )
            )
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes


def _notes(client: Client, start: datetime) -> tuple[int, list[Note], int]:
    """The client's own words in the period (text and reflection answers), newest first."""
    submissions = (
        Submission.objects.filter(client=client, submitted_at__gte=start)
        .select_related("exercise_version__definition")
        .order_by("-submitted_at", "-id")
    )
    parsed: dict[int, schema.ExerciseDefinition] = {}
    notes: list[Note] = []
    in_session = 0
    reader = base_language()
    for submission in submissions:
        version = submission.exercise_version
        in_session += submission.mode == Mode.IN_SESSION
        definition = parsed.get(version.pk)
        if definition is None:
            definition = parsed[version.pk] = version.parsed
        written_in = base_language(submission.language)
        for view in answer_views(definition, submission.answers or {}):
            for prompt, text in view.written:
                shown = text if len(text) <= NOTE_CHARS else text[: NOTE_CHARS - 1] + "…"
                notes.append(
                    Note(
                        when=submission.submitted_at,
                        day=client_day(submission.submitted_at, client.time_zone),
                        exercise=reader_text(version.definition.title),
                        prompt=prompt,
                        text=shown,
                        in_session=submission.mode == Mode.IN_SESSION,
                        lang=written_in if written_in != reader else "",
                    )
                )
    return in_session, notes[:MAX_NOTES], len(notes)
