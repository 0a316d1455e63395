"""The therapist's dashboard: what needs attention first, then the caseload with its figures.

Built with a fixed number of queries whatever the size of the caseload and the length of its
history: every figure comes from a grouped query over all the clients at once (`queries`).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from stepwise.accounts.models import User
from stepwise.assessments import catalog
from stepwise.assessments.definitions import InstrumentDefinition
from stepwise.assessments.results import describe_alerts, open_alerts
from stepwise.assessments.scoring import RELIABLE_DETERIORATION, ScoringError, classify_change
from stepwise.clinic.access import caseload_for
from stepwise.clinic.models import Client
from stepwise.homework.schedule import Adherence
from stepwise.progress import queries
from stepwise.progress.figures import (
    DueGroup,
    Trend,
    period_adherence,
    rate_label,
    score_trend,
)

WEEK_DAYS = 7
MONTH_DAYS = 30
INACTIVE_DAYS = 3  # no activity for this many days, with homework due, needs a look
RECENT_SCORE_DAYS = (
    90  # an instrument answered this recently counts as active without an assignment
)


@dataclass(frozen=True)
class LatestScore:
    abbreviation: str
    total_label: str
    band: str
    trend: Trend
    verdict: str | None  # the reliable-change verdict against the baseline, where published
    when: datetime

    @property
    def deteriorated(self) -> bool:
        return self.verdict == RELIABLE_DETERIORATION


@dataclass
class CaseloadRow:
    client: Client
    today: date
    week: Adherence
    month: Adherence
    last_activity: datetime | None  # in the therapist's time zone
    inactive_days: int | None  # whole local days since the last activity; None when never
    unreviewed: int
    overdue: int  # not done and due in the last few days
    alerts: int
    scores: list[LatestScore] = field(default_factory=list)

    @property
    def week_label(self) -> str:
        return rate_label(self.week)

    @property
    def month_label(self) -> str:
        return rate_label(self.month)

    @property
    def is_inactive(self) -> bool:
        quiet = self.inactive_days is None or self.inactive_days >= INACTIVE_DAYS
        return quiet and self.overdue > 0

    @property
    def deteriorated(self) -> list[LatestScore]:
        return [s for s in self.scores if s.deteriorated]

    @property
    def needs_attention(self) -> bool:
        return bool(self.alerts or self.unreviewed or self.is_inactive or self.deteriorated)

    @property
    def activity_label(self) -> str:
        if self.inactive_days is None:
            return "No activity yet"
        if self.inactive_days == 0:
            return "Today"
        if self.inactive_days == 1:
            return "Yesterday"
        return f"{self.inactive_days} days ago"


@dataclass(frozen=True)
class AttentionItem:
    kind: str  # "alert", "deterioration", "inactive", "unreviewed"
    client: Client
    text: str
    url: str
    when: datetime | None = None

    @property
    def kind_label(self) -> str:
        return ATTENTION_LABELS[self.kind]


ATTENTION_LABELS = {
    "alert": "Critical answer",
    "deterioration": "Reliable deterioration",
    "inactive": "Inactive",
    "unreviewed": "To review",
}
ATTENTION_ORDER = ("alert", "deterioration", "inactive", "unreviewed")


@dataclass
class Dashboard:
    rows: list[CaseloadRow]
    attention: list[AttentionItem]
    total: int  # clients on the active caseload, before filtering


SORTS: dict[str, tuple[str, Callable[[CaseloadRow], Any]]] = {
    "name": ("Client", lambda r: r.client.display_name.casefold()),
    "week": ("Last 7 days", lambda r: r.week.rate),
    "month": ("Last 30 days", lambda r: r.month.rate),
    "activity": ("Last activity", lambda r: r.inactive_days),
    "attention": ("Needs attention", lambda r: r.needs_attention),
}
SORT_CHOICES = [
    ("name", "Name, A to Z"),
    ("-name", "Name, Z to A"),
    ("week", "Lowest adherence, 7 days"),
    ("month", "Lowest adherence, 30 days"),
    ("-month", "Highest adherence, 30 days"),
    ("-activity", "Longest without activity"),
    ("activity", "Most recently active"),
    ("-attention", "Needs attention first"),
]
FILTERS = {
    "all": "All active clients",
    "attention": "Needs attention",
    "low": "Adherence under 50% (30 days)",
    "inactive": f"Inactive {INACTIVE_DAYS}+ days with homework due",
}


def parse_sort(value: str) -> tuple[str, bool]:
    """ "-week" -> ("week", True). Unknown keys sort by name."""
    descending = value.startswith("-")
    key = value.lstrip("-")
    if key not in SORTS:
        return "name", False
    return key, descending


def sort_rows(rows: list[CaseloadRow], key: str, descending: bool) -> list[CaseloadRow]:
    """Sorted by the column; rows without a figure (nothing due, never active) always come last."""
    getter = SORTS[key][1]
    present = [r for r in rows if getter(r) is not None]
    missing = [r for r in rows if getter(r) is None]
    present.sort(key=lambda r: r.client.display_name.casefold())
    present.sort(key=getter, reverse=descending)
    missing.sort(key=lambda r: r.client.display_name.casefold())
    return present + missing


def filter_rows(rows: list[CaseloadRow], show: str, query: str) -> list[CaseloadRow]:
    if query:
        rows = [r for r in rows if query.casefold() in r.client.display_name.casefold()]
    if show == "attention":
        rows = [r for r in rows if r.needs_attention]
    elif show == "low":
        rows = [r for r in rows if r.month.rate is not None and r.month.rate < 0.5]
    elif show == "inactive":
        rows = [r for r in rows if r.is_inactive]
    return rows


def _definitions(practice_id: int | None) -> dict[str, InstrumentDefinition]:
    if practice_id is None:
        return {}
    return {a.key: catalog.definition_of(a.version) for a in catalog.catalogue(practice_id)}


def _latest_scores(
    histories: Sequence[queries.ScoreHistory],
    definitions: dict[str, InstrumentDefinition],
    assigned: set[str],
    zone: zoneinfo.ZoneInfo,
    now: datetime,
) -> list[LatestScore]:
    found = []
    recent = now - timedelta(days=RECENT_SCORE_DAYS)
    for history in histories:
        if history.key not in assigned and history.latest.when < recent:
            continue
        definition = definitions.get(history.key)
        higher_is_better = definition.plan.higher_is_better if definition else None
        previous = history.previous.total if history.previous else None
        verdict = None
        if definition is not None and history.count > 1:
            verdict = _verdict(definition, history.baseline.total, history.latest.total)
        latest = history.latest
        found.append(
            LatestScore(
                abbreviation=history.abbreviation,
                total_label="—" if latest.total is None else _number(latest.total),
                band=latest.score.band,
                trend=score_trend(previous, latest.total, higher_is_better),
                verdict=verdict,
                when=timezone.localtime(latest.when, zone),
            )
        )
    return found


def _verdict(
    definition: InstrumentDefinition, baseline: float | None, latest: float | None
) -> str | None:
    if baseline is None or latest is None:
        return None
    try:
        return classify_change(definition, baseline, latest).verdict
    except ScoringError:
        return None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _overdue(groups: Sequence[DueGroup], today: date) -> int:
    """Not done and due in the last `INACTIVE_DAYS` days, today included."""
    since = today - timedelta(days=INACTIVE_DAYS - 1)
    return sum(g.not_done for g in groups if since <= g.due <= today and g.opens <= today)


def build_dashboard(user: User, practice_id: int | None, now: datetime | None = None) -> Dashboard:
    """Every figure of the dashboard, in a fixed number of queries."""
    moment = now or timezone.now()
    zone = zoneinfo.ZoneInfo(user.time_zone)
    clients = list(caseload_for(user).active().order_by("display_name", "id"))
    ids = [c.pk for c in clients]
    today_of = queries.todays(clients, moment)
    groups = queries.due_groups(today_of, MONTH_DAYS - 1)
    activity = queries.last_activity(ids)
    unreviewed = queries.unreviewed_counts(ids)
    histories = queries.score_histories(ids)
    assigned = queries.assigned_instruments(ids)
    definitions = _definitions(practice_id) if histories else {}
    alerts = list(open_alerts(caseload_for(user)))
    alerts_by_client: dict[int, int] = {}
    for alert in alerts:
        alerts_by_client[alert.client_id] = alerts_by_client.get(alert.client_id, 0) + 1

    rows: list[CaseloadRow] = []
    for client in clients:
        today = today_of[client.pk]
        client_groups = groups.get(client.pk, [])
        last = activity.get(client.pk)
        inactive_days = None
        if last is not None:
            inactive_days = max(
                0, (today - last.astimezone(zoneinfo.ZoneInfo(client.time_zone)).date()).days
            )
        rows.append(
            CaseloadRow(
                client=client,
                today=today,
                week=period_adherence(client_groups, today - timedelta(days=WEEK_DAYS - 1), today),
                month=period_adherence(
                    client_groups, today - timedelta(days=MONTH_DAYS - 1), today
                ),
                last_activity=timezone.localtime(last, zone) if last else None,
                inactive_days=inactive_days,
                unreviewed=unreviewed.get(client.pk, 0),
                overdue=_overdue(client_groups, today),
                alerts=alerts_by_client.get(client.pk, 0),
                scores=_latest_scores(
                    histories.get(client.pk, []),
                    definitions,
                    assigned.get(client.pk, set()),
                    zone,
                    moment,
                ),
            )
        )
    return Dashboard(rows=rows, attention=_attention(rows, alerts, user), total=len(rows))


def _attention(rows: list[CaseloadRow], alerts: list[Any], user: User) -> list[AttentionItem]:
    """Critical answers first (newest first), then deterioration, inactivity, then reviews."""
    items: list[AttentionItem] = []
    by_client = {row.client.pk: row for row in rows}
    for described in describe_alerts(alerts, user.time_zone):
        client = described.alert.client
        if client.pk not in by_client:
            continue  # a discharged client's alert stays on their own page
        items.append(
            AttentionItem(
                "alert",
                client,
                "; ".join(described.reasons),
                reverse("clinic:client_detail", args=[client.pk]),
                described.when,
            )
        )
    summary = lambda row: reverse("progress:summary", args=[row.client.pk])  # noqa: E731
    for row in rows:
        for score in row.deteriorated:
            items.append(
                AttentionItem(
                    "deterioration",
                    row.client,
                    f"{score.abbreviation} {score.total_label} ({score.band or 'no band'}): "
                    "reliably worse than at baseline",
                    summary(row),
                    score.when,
                )
            )
    inactive = sorted(
        (r for r in rows if r.is_inactive),
        key=lambda r: -(r.inactive_days if r.inactive_days is not None else 10**6),
    )
    for row in inactive:
        quiet = (
            "no activity yet"
            if row.inactive_days is None
            else f"no activity for {row.inactive_days} days"
        )
        items.append(
            AttentionItem(
                "inactive",
                row.client,
                f"{quiet}; {row.overdue} homework item{'s' if row.overdue != 1 else ''} not done",
                summary(row),
                row.last_activity,
            )
        )
    for row in sorted((r for r in rows if r.unreviewed), key=lambda r: -r.unreviewed):
        items.append(
            AttentionItem(
                "unreviewed",
                row.client,
                f"{row.unreviewed} new result{'s' if row.unreviewed != 1 else ''} to review",
                reverse("homework_staff:inbox") + f"?client={row.client.pk}",
            )
        )
    return items
