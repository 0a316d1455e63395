"""The therapist's dashboard: what needs attention first, then the caseload with its figures.

Built with a fixed number of queries whatever the size of the caseload and the length of its
history: each client's figures are stored (`stored`) and only those out of date are computed
again, together, by grouped queries over those clients at once (`queries`).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from stepwise.accounts.models import User
from stepwise.assessments.definitions import format_number
from stepwise.assessments.results import describe_alerts, open_alerts
from stepwise.assessments.scoring import RELIABLE_DETERIORATION
from stepwise.clinic.access import caseload_for
from stepwise.clinic.models import Client
from stepwise.homework.schedule import Adherence
from stepwise.lib.tz import local_today
from stepwise.progress import queries, stored
from stepwise.progress.caseload_html import row_html
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
    def html(self) -> SafeString:
        """The row of the caseload table (`caseload_html`)."""
        return row_html(self)

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
    client_id: int
    name: str  # the client's
    text: str
    when: datetime | None = None

    @property
    def kind_label(self) -> str:
        return ATTENTION_LABELS[self.kind]

    @property
    def url(self) -> str:
        """Where to act on it (built only for the items shown)."""
        if self.kind == "alert":
            return id_url("clinic:client_detail", self.client_id)
        if self.kind == "unreviewed":
            return reverse("homework_staff:inbox") + f"?client={self.client_id}"
        return id_url("progress:summary", self.client_id)


ATTENTION_LABELS = {
    "alert": "Critical answer",
    "deterioration": "Reliable deterioration",
    "inactive": "Inactive",
    "unreviewed": "To review",
}


@dataclass(frozen=True)
class Entry:
    """One client of the caseload as the dashboard sorts and filters it: the stored columns and
    the live review and alert counts, without the figures' JSON (read for a page's rows only)."""

    client_id: int
    name: str
    week_rate: float | None
    month_rate: float | None
    inactive_days: int | None
    overdue: int
    inactive: bool
    deteriorated: bool
    last_activity: datetime | None
    unreviewed: int
    alerts: int

    @property
    def needs_attention(self) -> bool:
        return bool(self.alerts or self.unreviewed or self.inactive or self.deteriorated)


@dataclass
class Dashboard:
    rows: list[CaseloadRow]  # the page's rows, built in full
    attention: list[AttentionItem]
    total: int  # clients on the active caseload, before filtering
    page: Page  # the page of `Entry`s the rows are built from
    matching: int  # clients left by the filter
    unreviewed_total: int  # waiting for review on the whole caseload (the menu's count)


SORTS: dict[str, tuple[str, Callable[[Entry], Any]]] = {
    "name": ("Client", lambda e: e.name.casefold()),
    "week": ("Last 7 days", lambda e: e.week_rate),
    "month": ("Last 30 days", lambda e: e.month_rate),
    "activity": ("Last activity", lambda e: e.inactive_days),
    "attention": ("Needs attention", lambda e: e.needs_attention),
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


def sort_entries(entries: list[Entry], key: str, descending: bool) -> list[Entry]:
    """Sorted by the column; clients without a figure (nothing due, never active) always come
    last; ties by name."""
    getter = SORTS[key][1]
    present = [e for e in entries if getter(e) is not None]
    missing = [e for e in entries if getter(e) is None]
    present.sort(key=lambda e: e.name.casefold())
    present.sort(key=getter, reverse=descending)
    missing.sort(key=lambda e: e.name.casefold())
    return present + missing


def filter_entries(entries: list[Entry], show: str, query: str) -> list[Entry]:
    if query:
        folded = query.casefold()
        entries = [e for e in entries if folded in e.name.casefold()]
    if show == "attention":
        entries = [e for e in entries if e.needs_attention]
    elif show == "low":
        entries = [e for e in entries if e.month_rate is not None and e.month_rate < 0.5]
    elif show == "inactive":
        entries = [e for e in entries if e.inactive]
    return entries


def _latest_scores(
    scores: Sequence[stored.StoredScore], zone: zoneinfo.ZoneInfo
) -> list[LatestScore]:
    return [
        LatestScore(
            abbreviation=score.abbreviation,
            total_label="\u2014" if score.total is None else format_number(score.total),
            band=score.band,
            trend=score_trend(score.previous, score.total, score.higher_is_better),
            verdict=score.verdict,
            when=timezone.localtime(score.when, zone),
        )
        for score in scores
    ]


# What is read of every client on the caseload: enough to know whether its stored figures are
# current, and to sort, filter and build the attention queue without the figures' JSON.
STATE_FIELDS = (
    "id",
    "display_name",
    "time_zone",
    "figures__version",
    "figures__fresh_version",
    "figures__as_of",
    "figures__week_rate",
    "figures__month_rate",
    "figures__inactive_days",
    "figures__overdue",
    "figures__inactive",
    "figures__deteriorated",
    "figures__last_activity",
)


def build_dashboard(
    user: User,
    practice_id: int | None,
    now: datetime | None = None,
    *,
    sort: str = "name",
    show: str = "all",
    query: str = "",
    page: str | int | None = 1,
) -> Dashboard:
    """The dashboard in a fixed number of queries, whatever the caseload and its history.

    One query reads every client's stored sort and filter columns (recomputing, together, the
    figures that a write or a new day has put out of date); two more read the live review and
    alert counts. Sorting, filtering and paging then happen on those small values, and only the
    page's rows (and clients whose scores the attention queue quotes) have their figures read.
    """
    moment = now or timezone.now()
    zone = zoneinfo.ZoneInfo(user.time_zone)
    caseload = caseload_for(user)
    state = _caseload_state(caseload.active(), practice_id, moment)
    ids = [row[0] for row in state]
    waiting = queries.unreviewed_counts(caseload)
    alerts = list(open_alerts().filter(client_id__in=ids))
    alerts_by_client: dict[int, int] = {}
    for alert in alerts:
        alerts_by_client[alert.client_id] = alerts_by_client.get(alert.client_id, 0) + 1
    entries = [
        Entry(
            client_id=pk,
            name=name,
            week_rate=week_rate,
            month_rate=month_rate,
            inactive_days=inactive_days,
            overdue=overdue,
            inactive=inactive,
            deteriorated=deteriorated,
            last_activity=timezone.localtime(last, zone) if last else None,
            unreviewed=waiting.get(pk, 0),
            alerts=alerts_by_client.get(pk, 0),
        )
        for (
            pk,
            name,
            _,
            _,
            _,
            _,
            week_rate,
            month_rate,
            inactive_days,
            overdue,
            inactive,
            deteriorated,
            last,
        ) in state
    ]
    key, descending = parse_sort(sort)
    chosen = sort_entries(filter_entries(entries, show, query), key, descending)
    shown = Paginator(chosen, PAGE_SIZE).get_page(page)
    details = _details(
        {e.client_id for e in shown.object_list} | {e.client_id for e in entries if e.deteriorated}
    )
    rows = [
        CaseloadRow(
            client=details[e.client_id][0],
            week=details[e.client_id][1].week,
            month=details[e.client_id][1].month,
            last_activity=e.last_activity,
            inactive_days=e.inactive_days,
            unreviewed=e.unreviewed,
            overdue=e.overdue,
            alerts=e.alerts,
            stored_scores=details[e.client_id][1].scores,
            zone=zone,
        )
        for e in shown.object_list
    ]
    return Dashboard(
        rows=rows,
        attention=_attention(entries, alerts, details, user),
        total=len(entries),
        page=shown,
        matching=len(chosen),
        unreviewed_total=sum(waiting.values()),
    )


def _caseload_state(
    active: QuerySet[Client], practice_id: int | None, moment: datetime
) -> list[tuple[Any, ...]]:
    """Every active client's `STATE_FIELDS`, with out-of-date figures computed first."""
    read = active.order_by("display_name", "id").values_list(*STATE_FIELDS)
    state = list(read)
    todays: dict[str, date] = {}
    for _, _, time_zone, *_rest in state:
        if time_zone not in todays:
            todays[time_zone] = local_today(time_zone, moment)
    stale = {
        pk: version
        for pk, _, time_zone, version, fresh_version, as_of, *_rest in state
        if not stored.is_current(version, fresh_version, as_of, todays[time_zone])
    }
    if stale:
        clients = list(Client.objects.filter(pk__in=stale).only("id", "time_zone"))
        today_of = {c.pk: todays[c.time_zone] for c in clients}
        stored.refresh(clients, stale, today_of, practice_id, moment)
        state = list(read.all())
    return state


def _details(ids: set[int]) -> dict[int, tuple[Client, stored.Figures]]:
    """These clients, with what their rows show, and their stored figures (one query)."""
    found = {}
    for *values, data in Client.objects.filter(pk__in=ids).values_list(
        *CLIENT_FIELDS, "figures__data"
    ):
        client = Client(**dict(zip(CLIENT_FIELDS, values, strict=True)))
        found[client.pk] = (client, stored.from_json(data))
    return found


def _attention(
    entries: list[Entry],
    alerts: list[Any],
    details: dict[int, tuple[Client, stored.Figures]],
    user: User,
) -> list[AttentionItem]:
    """Critical answers first (newest first), then deterioration, inactivity, then reviews."""
    zone = zoneinfo.ZoneInfo(user.time_zone)
    items: list[AttentionItem] = []
    for described in describe_alerts(alerts, user.time_zone):
        client = described.alert.client
        items.append(
            AttentionItem(
                "alert",
                client.pk,
                client.display_name,
                "; ".join(described.reasons),
                described.when,
            )
        )
    for entry in entries:
        if not entry.deteriorated:
            continue
        for score in _latest_scores(details[entry.client_id][1].scores, zone):
            if score.deteriorated:
                items.append(
                    AttentionItem(
                        "deterioration",
                        entry.client_id,
                        entry.name,
                        f"{score.abbreviation} {score.total_label} ({score.band or 'no band'}): "
                        "reliably worse than at baseline",
                        score.when,
                    )
                )
    inactive = sorted(
        (e for e in entries if e.inactive),
        key=lambda e: -(e.inactive_days if e.inactive_days is not None else 10**6),
    )
    for entry in inactive:
        quiet = (
            "no activity yet"
            if entry.inactive_days is None
            else f"no activity for {entry.inactive_days} days"
        )
        items.append(
            AttentionItem(
                "inactive",
                entry.client_id,
                entry.name,
                f"{quiet}; {entry.overdue} homework item{'s' if entry.overdue != 1 else ''} "
                "not done",
                entry.last_activity,
            )
        )
    for entry in sorted((e for e in entries if e.unreviewed), key=lambda e: -e.unreviewed):
        items.append(
            AttentionItem(
                "unreviewed",
                entry.client_id,
                entry.name,
                f"{entry.unreviewed} new result{'s' if entry.unreviewed != 1 else ''} to review",
            )
        )
    return items
