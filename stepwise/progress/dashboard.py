"""The therapist's dashboard: what needs attention first, then the caseload with its figures.

Built with a fixed number of queries whatever the size of the caseload and the length of its
history: each client's figures are stored (`stored`) and only those out of date are computed
again, together, by grouped queries over those clients at once (`queries`).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property
from typing import Any

from django.urls import get_script_prefix, reverse
from django.utils import timezone

from stepwise.accounts.models import User
from stepwise.assessments.definitions import format_number
from stepwise.assessments.results import describe_alerts, open_alerts
from stepwise.assessments.scoring import RELIABLE_DETERIORATION
from stepwise.clinic.access import caseload_for
from stepwise.clinic.models import Client
from stepwise.homework.schedule import Adherence
from stepwise.lib.tz import local_today
from stepwise.progress import queries, stored
from stepwise.progress.figures import Trend, rate_label, score_trend

INACTIVE_DAYS = stored.INACTIVE_DAYS
# What the dashboard shows of each client (the rest of the row is not read).
CLIENT_FIELDS = (
    "id",
    "practice_id",
    "display_name",
    "time_zone",
    "is_minor",
    "next_session_on",
    "next_session_note",
)
PAGE_SIZE = 25  # caseload rows per page
ATTENTION_SHOWN = 10  # attention items shown before "Show all"


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


_MARKER = 2_147_483_647


@cache
def _url_around_id(prefix: str, name: str) -> tuple[str, str]:
    head, _, tail = reverse(name, args=[_MARKER]).partition(str(_MARKER))
    return head, tail


def id_url(name: str, pk: int) -> str:
    """`reverse(name, args=[pk])` for a route whose one argument is an id, reversed once per
    process: a page of rows needs three links each, and `reverse` is most of a row's cost."""
    head, tail = _url_around_id(get_script_prefix(), name)
    return f"{head}{pk}{tail}"


@dataclass
class CaseloadRow:
    client: Client
    week: Adherence
    month: Adherence
    last_activity: datetime | None  # in the therapist's time zone
    inactive_days: int | None  # whole local days since the last activity; None when never
    unreviewed: int
    overdue: int  # not done and due in the last few days
    alerts: int
    stored_scores: Sequence[stored.StoredScore] = ()
    zone: zoneinfo.ZoneInfo | None = None  # the therapist's, for the scores' times

    @cached_property
    def scores(self) -> list[LatestScore]:
        """Built when shown (a page of rows), not for the whole caseload."""
        return _latest_scores(self.stored_scores, self.zone or timezone.get_current_timezone())

    @property
    def detail_url(self) -> str:
        return id_url("clinic:client_detail", self.client.pk)

    @property
    def summary_url(self) -> str:
        return id_url("progress:summary", self.client.pk)

    @property
    def progress_url(self) -> str:
        return id_url("progress:client_progress", self.client.pk)

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
        if not any(s.deteriorated for s in self.stored_scores):
            return []
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
    when: datetime | None = None

    @property
    def kind_label(self) -> str:
        return ATTENTION_LABELS[self.kind]

    @property
    def url(self) -> str:
        """Where to act on it (built only for the items shown)."""
        if self.kind == "alert":
            return id_url("clinic:client_detail", self.client.pk)
        if self.kind == "unreviewed":
            return reverse("homework_staff:inbox") + f"?client={self.client.pk}"
        return id_url("progress:summary", self.client.pk)


ATTENTION_LABELS = {
    "alert": "Critical answer",
    "deterioration": "Reliable deterioration",
    "inactive": "Inactive",
    "unreviewed": "To review",
}


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


def _latest_scores(
    scores: Sequence[stored.StoredScore], zone: zoneinfo.ZoneInfo
) -> list[LatestScore]:
    return [
        LatestScore(
            abbreviation=score.abbreviation,
            total_label="—" if score.total is None else format_number(score.total),
            band=score.band,
            trend=score_trend(score.previous, score.total, score.higher_is_better),
            verdict=score.verdict,
            when=timezone.localtime(score.when, zone),
        )
        for score in scores
    ]


def build_dashboard(user: User, practice_id: int | None, now: datetime | None = None) -> Dashboard:
    """Every figure of the dashboard, in a fixed number of queries.

    Adherence, activity and scores come from the stored figures (`stored`), recomputed only for
    clients whose figures a write or a new day has put out of date; review counts and alerts are
    read live.
    """
    moment = now or timezone.now()
    zone = zoneinfo.ZoneInfo(user.time_zone)
    clients = list(caseload_for(user).active().order_by("display_name", "id").only(*CLIENT_FIELDS))
    ids = [c.pk for c in clients]
    figures = stored.current_figures(clients, practice_id, moment)
    unreviewed = queries.unreviewed_counts(ids)
    alerts = list(open_alerts().filter(client_id__in=ids))
    alerts_by_client: dict[int, int] = {}
    for alert in alerts:
        alerts_by_client[alert.client_id] = alerts_by_client.get(alert.client_id, 0) + 1

    rows: list[CaseloadRow] = []
    for client in clients:
        found = figures[client.pk]
        today = local_today(client.time_zone, moment)
        last = found.last_activity
        inactive_days = None
        if last is not None:
            inactive_days = max(
                0, (today - last.astimezone(zoneinfo.ZoneInfo(client.time_zone)).date()).days
            )
        rows.append(
            CaseloadRow(
                client=client,
                week=found.week,
                month=found.month,
                last_activity=timezone.localtime(last, zone) if last else None,
                inactive_days=inactive_days,
                unreviewed=unreviewed.get(client.pk, 0),
                overdue=found.overdue,
                alerts=alerts_by_client.get(client.pk, 0),
                stored_scores=found.scores,
                zone=zone,
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
            continue  # not on this view's caseload (the alerts are read for it; kept as a guard)
        items.append(
            AttentionItem(
                "alert",
                client,
                "; ".join(described.reasons),
                described.when,
            )
        )
    for row in rows:
        for score in row.deteriorated:
            items.append(
                AttentionItem(
                    "deterioration",
                    row.client,
                    f"{score.abbreviation} {score.total_label} ({score.band or 'no band'}): "
                    "reliably worse than at baseline",
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
                row.last_activity,
            )
        )
    for row in sorted((r for r in rows if r.unreviewed), key=lambda r: -r.unreviewed):
        items.append(
            AttentionItem(
                "unreviewed",
                row.client,
                f"{row.unreviewed} new result{'s' if row.unreviewed != 1 else ''} to review",
            )
        )
    return items
