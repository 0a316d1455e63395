"""The therapist's dashboard: what needs attention first, then the caseload with its figures.

Built with a fixed number of queries whatever the size of the caseload and the length of its
history: each client's figures are stored (`stored`), with the columns the caseload is sorted and
filtered by; one query reads them for the whole caseload with the live review and alert figures
(`_state_query`), only figures that are out of date are computed again, together, and only the
rows shown decode their figures. The rows and attention items are the `caseload-row` and
`attention-item` partials of `progress/dashboard.html`.

A row is a pure function of its entry, the reader's time zone and language (an attention item
likewise of its own fields), so its HTML is kept per process (`RENDERED`) under a key holding all
of them: a page's rows are rendered again only when what they show changed. The attention queue
is counted in full, but its items are written only for the ones shown.
"""

from __future__ import annotations

import hashlib
import json
import zoneinfo
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, cached_property, partial
from typing import Any, cast

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, TextField
from django.db.models.functions import Cast, Coalesce
from django.template.loader import get_template
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from stepwise.accounts.models import User
from stepwise.assessments.definitions import format_number
from stepwise.assessments.models import Alert
from stepwise.assessments.results import describe_alerts, open_alerts
from stepwise.assessments.scoring import RELIABLE_DETERIORATION
from stepwise.clinic.access import caseload_for
from stepwise.clinic.models import Client
from stepwise.homework.models import Completion
from stepwise.homework.schedule import Adherence
from stepwise.lib.db import PreparedRows
from stepwise.lib.memo import BoundedMemo
from stepwise.lib.tz import local_today
from stepwise.progress import stored
from stepwise.progress.figures import Trend, rate_label, score_trend

INACTIVE_DAYS = stored.INACTIVE_DAYS
PAGE_SIZE = 25  # caseload rows per page
ATTENTION_SHOWN = 10  # attention items shown before "Show all"
# Rendered caseload rows and attention items kept per process (about 1.5 KB each with its key):
# 80 pages of 25 rows, and their items.
RENDERED: dict[str, BoundedMemo[SafeString]] = {
    "caseload-row": BoundedMemo(2_000),
    "attention-item": BoundedMemo(1_000),
}


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


@cache
def _url(prefix: str, name: str) -> str:
    return reverse(name)


def id_url(name: str, pk: int) -> str:
    """`reverse(name, args=[pk])` for a route whose one argument is an id, reversed once per
    process: a page of rows needs three links each, and `reverse` is most of a row's cost."""
    head, tail = _url_around_id(get_script_prefix(), name)
    return f"{head}{pk}{tail}"


@dataclass(frozen=True)
class RowWords:
    """The words every caseload row repeats, looked up once per language, not once a row."""

    client: str
    last_7_days: str
    last_30_days: str
    last_activity: str
    latest_scores: str
    next_session: str
    open: str
    under_18: str
    reliably_worse: str
    done_of_due: str  # "(%(done)d of %(due)d)"
    summary_link: str  # a `format_html` string with {name}
    progress_link: str


def _html_format(translated: str) -> str:
    """A translated message with %(name)s as a `format_html` string with {name} (the message is
    trusted as a template's own words are; the name is escaped)."""
    return translated.replace("{", "{{").replace("}", "}}").replace("%(name)s", "{name}")


@cache
def _row_words(language: str) -> RowWords:
    return RowWords(
        client=_("Client"),
        last_7_days=_("Last 7 days"),
        last_30_days=_("Last 30 days"),
        last_activity=_("Last activity"),
        latest_scores=_("Latest scores"),
        next_session=_("Next session"),
        open=_("Open"),
        under_18=_("Under 18"),
        reliably_worse=_("Reliably worse"),
        done_of_due=_("(%(done)d of %(due)d)"),
        summary_link=_html_format(_('Summary<span class="visually-hidden"> for %(name)s</span>')),
        progress_link=_html_format(_('Progress<span class="visually-hidden"> of %(name)s</span>')),
    )


def row_words() -> RowWords:
    return _row_words(get_language() or "")


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
    def flags(self) -> list[str]:
        """The badges after the client's name."""
        found = []
        if self.alerts:
            n = self.alerts
            found.append(ngettext("%(n)d alert", "%(n)d alerts", n) % {"n": n})
        if self.unreviewed:
            found.append(_("%(n)d to review") % {"n": self.unreviewed})
        if self.is_inactive:
            found.append(_("Inactive"))
        return found

    @property
    def words(self) -> RowWords:
        return row_words()

    @property
    def week_done(self) -> str:
        """ "(3 of 7)" where something was due this week, else empty."""
        due = self.week.due
        return row_words().done_of_due % {"done": self.week.done, "due": due} if due else ""

    @property
    def month_done(self) -> str:
        due = self.month.due
        return row_words().done_of_due % {"done": self.month.done, "due": due} if due else ""

    @property
    def summary_link(self) -> SafeString:
        """ "Summary" and, for screen readers, whose."""
        return format_html(row_words().summary_link, name=self.client.display_name)

    @property
    def progress_link(self) -> SafeString:
        return format_html(row_words().progress_link, name=self.client.display_name)

    @property
    def next_session(self) -> str:
        """ "Tue 1 Dec: note", either part alone, or empty."""
        on = self.client.next_session_on
        when = format_date(on, "D j M") if on else ""
        return ": ".join(part for part in (when, self.client.next_session_note) if part)

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
            return _("No activity yet")
        if self.inactive_days == 0:
            return _("Today")
        if self.inactive_days == 1:
            return _("Yesterday")
        n = self.inactive_days
        return ngettext("%(n)d day ago", "%(n)d days ago", n) % {"n": n}


@dataclass(frozen=True)
class AttentionItem:
    kind: str  # "alert", "deterioration", "inactive", "unreviewed"
    client_id: int
    name: str  # the client's
    text: str
    when: datetime | None = None

    @property
    def kind_label(self) -> str:
        return str(ATTENTION_LABELS[self.kind])

    @property
    def url(self) -> str:
        """Where to act on it (built only for the items shown)."""
        if self.kind == "alert":
            return id_url("clinic:client_detail", self.client_id)
        if self.kind == "unreviewed":
            return f"{_url(get_script_prefix(), 'homework:inbox')}?client={self.client_id}"
        return id_url("progress:summary", self.client_id)


ATTENTION_LABELS = {
    "alert": gettext_lazy("Critical answer"),
    "deterioration": gettext_lazy("Reliable deterioration"),
    "inactive": gettext_lazy("Inactive"),
    "unreviewed": gettext_lazy("To review"),
}


@dataclass(slots=True)
class Entry:
    """One client of the caseload as the dashboard sorts and filters it: the stored sort and
    filter columns and the live review and alert figures. The stored figures themselves stay
    JSON text until a row or an attention item needs them (`figures()`)."""

    client_id: int
    name: str
    time_zone: str
    is_minor: bool
    next_session_on: date | None
    next_session_note: str
    week_rate: float | None
    month_rate: float | None
    inactive_days: int | None
    overdue: int
    inactive: bool
    deteriorated: bool
    figures_text: str
    unreviewed: int
    alerts: int = 0
    _figures: stored.Figures | None = None

    @property
    def needs_attention(self) -> bool:
        return bool(self.alerts or self.unreviewed or self.inactive or self.deteriorated)

    def shown_key(self) -> tuple[Any, ...]:
        """Everything of the entry its caseload row shows (the figures as a digest)."""
        digest = hashlib.blake2b(self.figures_text.encode(), digest_size=16).digest()
        return (
            self.client_id,
            self.name,
            self.is_minor,
            self.next_session_on,
            self.next_session_note,
            self.inactive_days,
            self.overdue,
            self.unreviewed,
            self.alerts,
            digest,
        )

    def figures(self) -> stored.Figures:
        if self._figures is None:
            self._figures = stored.from_json(json.loads(self.figures_text))
        return self._figures

    def client(self) -> Client:
        """An unsaved `Client` with what the row shows of it."""
        return Client(
            id=self.client_id,
            display_name=self.name,
            time_zone=self.time_zone,
            is_minor=self.is_minor,
            next_session_on=self.next_session_on,
            next_session_note=self.next_session_note,
        )


@dataclass
class Dashboard:
    attention: list[AttentionItem]  # the items asked for (the first ten, or all)
    attention_total: int  # items in the whole queue
    total: int  # clients on the active caseload, before filtering
    page: Page  # the page of `Entry`s the rows are built from
    matching: int  # clients left by the filter
    unreviewed_total: int  # waiting for review on the whole caseload (the menu's count)
    zone: zoneinfo.ZoneInfo  # the reader's

    @cached_property
    def rows(self) -> list[CaseloadRow]:
        """The page's rows, built in full."""
        return [_row(entry, self.zone) for entry in self.page.object_list]

    def rows_html(self) -> list[SafeString]:
        """The page's rows as the `caseload-row` partial renders them (kept: `rendered`)."""
        return rendered(
            "caseload-row",
            "row",
            [
                ((self.zone.key, *entry.shown_key()), partial(_row, entry, self.zone))
                for entry in self.page.object_list
            ],
        )

    def attention_html(self) -> list[SafeString]:
        """The attention items as the `attention-item` partial renders them (kept)."""
        items = self.attention
        return rendered("attention-item", "item", [(i, partial(_same, i)) for i in items])


def _same(value: Any) -> Any:
    return value


def rendered(
    name: str, variable: str, keyed: Sequence[tuple[Hashable, Callable[[], Any]]]
) -> list[SafeString]:
    """Each object the `name` partial of `progress/dashboard.html` renders (as `variable`),
    taken from `RENDERED[name]` where its key (with the reader's language and time zone) was
    rendered before; `make()` builds the object only where it was not. Not kept while
    templates are being edited (DEBUG)."""
    template = get_template(f"progress/dashboard.html#{name}")

    def render(make: Callable[[], Any]) -> SafeString:
        # A template's output is a SafeString already (the stubs say str).
        return cast(SafeString, template.render({variable: make()}))

    if settings.DEBUG:
        return [render(make) for _, make in keyed]
    kept = RENDERED[name]
    reader = (get_language(), get_script_prefix(), timezone.get_current_timezone_name())
    return [kept.get((*reader, key), partial(render, make)) for key, make in keyed]


SORTS: dict[str, tuple[str | Promise, Callable[[Entry], Any]]] = {
    "name": (gettext_lazy("Client"), lambda e: e.name.casefold()),
    "week": (gettext_lazy("Last 7 days"), lambda e: e.week_rate),
    "month": (gettext_lazy("Last 30 days"), lambda e: e.month_rate),
    "activity": (gettext_lazy("Last activity"), lambda e: e.inactive_days),
    "attention": (gettext_lazy("Needs attention"), lambda e: e.needs_attention),
}
SORT_CHOICES = [
    ("name", gettext_lazy("Name, A to Z")),
    ("-name", gettext_lazy("Name, Z to A")),
    ("week", gettext_lazy("Lowest adherence, 7 days")),
    ("month", gettext_lazy("Lowest adherence, 30 days")),
    ("-month", gettext_lazy("Highest adherence, 30 days")),
    ("-activity", gettext_lazy("Longest without activity")),
    ("activity", gettext_lazy("Most recently active")),
    ("-attention", gettext_lazy("Needs attention first")),
]
FILTERS = {
    "all": gettext_lazy("All active clients"),
    "attention": gettext_lazy("Needs attention"),
    "low": gettext_lazy("Adherence under 50% (30 days)"),
    "inactive": format_lazy(
        gettext_lazy("Inactive {days}+ days with homework due"), days=INACTIVE_DAYS
    ),
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


def build_dashboard(
    user: User,
    practice_id: int | None,
    now: datetime | None = None,
    *,
    sort: str = "name",
    show: str = "all",
    query: str = "",
    page: str | int | None = 1,
    attention: int | None = ATTENTION_SHOWN,
) -> Dashboard:
    """The dashboard in a fixed number of queries, whatever the caseload and its history.

    One query reads every client of the caseload with their stored sort and filter columns,
    their figures as JSON text, and the live count of results waiting for review and whether
    an alert is open (recomputing first, together, figures that a write or a new day has put out
    of date). Sorting, filtering and paging happen on those values; only the page's rows and the
    attention items decode their figures. Of the attention queue, `attention` items are written
    (None: all), and open alerts are read only for those.
    """
    moment = now or timezone.now()
    zone = zoneinfo.ZoneInfo(user.time_zone)
    entries, unreviewed_total = _caseload_state(user, practice_id, moment)
    key, descending = parse_sort(sort)
    chosen = sort_entries(filter_entries(entries, show, query), key, descending)
    shown = Paginator(chosen, PAGE_SIZE).get_page(page)
    items, items_total = _attention(entries, user, attention)
    return Dashboard(
        attention=items,
        attention_total=items_total,
        total=len(entries),
        page=shown,
        matching=len(chosen),
        unreviewed_total=unreviewed_total,
        zone=zone,
    )


def _row(entry: Entry, zone: zoneinfo.ZoneInfo) -> CaseloadRow:
    figures = entry.figures()
    last = figures.last_activity
    return CaseloadRow(
        client=entry.client(),
        week=figures.week,
        month=figures.month,
        last_activity=timezone.localtime(last, zone) if last else None,
        inactive_days=entry.inactive_days,
        unreviewed=entry.unreviewed,
        overdue=entry.overdue,
        alerts=entry.alerts,
        stored_scores=figures.scores,
        zone=zone,
    )


# What is read of every client on the caseload (`_caseload_state`).
STATE_FIELDS = (
    "id",
    "display_name",
    "time_zone",
    "is_minor",
    "next_session_on",
    "next_session_note",
    "discharged_at",
    "figures__version",
    "figures__fresh_version",
    "figures__as_of",
    "figures__week_rate",
    "figures__month_rate",
    "figures__inactive_days",
    "figures__overdue",
    "figures__inactive",
    "figures__deteriorated",
    "figures_text",
    "waiting",
    "alerting",
)


def _state_query(user: User) -> QuerySet[Any, Any]:
    """The caseload's active clients, and discharged ones with results still to review (they
    count in the menu's number), each with `STATE_FIELDS` (one query; run as `STATE`)."""
    waiting = Completion.objects.filter(client=OuterRef("pk"), reviewed_at__isnull=True)
    counted = waiting.order_by().values("client").annotate(n=Count("*")).values("n")
    open_alerts_of = (
        Alert.objects.filter(client=OuterRef("pk"), acknowledged_at__isnull=True)
        .order_by()
        .values("client")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        caseload_for(user)
        .filter(Q(discharged_at__isnull=True) | Exists(waiting))
        .annotate(
            waiting=Coalesce(Subquery(counted), 0),
            alerting=Coalesce(Subquery(open_alerts_of), 0),
            figures_text=Cast("figures__data", TextField()),
        )
        .order_by("display_name", "id")
        .values_list(*STATE_FIELDS, named=True)
    )


# The state query compiled once per connection: building it costs more than running it.
STATE = PreparedRows(lambda user_id: _state_query(User(pk=user_id)))


def _caseload_state(
    user: User, practice_id: int | None, moment: datetime
) -> tuple[list[Entry], int]:
    """Every active client's entry, with out-of-date figures computed first, and the number of
    results waiting for review on the whole caseload."""
    state = STATE.rows(user.pk)
    todays: dict[str, date] = {}
    stale: dict[int, int | None] = {}
    for row in state:
        if row.discharged_at is not None:
            continue
        if row.time_zone not in todays:
            todays[row.time_zone] = local_today(row.time_zone, moment)
        today = todays[row.time_zone]
        if not stored.is_current(
            row.figures__version, row.figures__fresh_version, row.figures__as_of, today
        ):
            stale[row.id] = row.figures__version
    if stale:
        clients = list(Client.objects.filter(pk__in=stale).only("id", "time_zone"))
        today_of = {c.pk: todays[c.time_zone] for c in clients}
        stored.refresh(clients, stale, today_of, practice_id, moment)
        state = STATE.rows(user.pk)
    entries = [
        Entry(
            client_id=row.id,
            name=row.display_name,
            time_zone=row.time_zone,
            is_minor=row.is_minor,
            next_session_on=row.next_session_on,
            next_session_note=row.next_session_note,
            week_rate=row.figures__week_rate,
            month_rate=row.figures__month_rate,
            inactive_days=row.figures__inactive_days,
            overdue=row.figures__overdue,
            inactive=row.figures__inactive,
            deteriorated=row.figures__deteriorated,
            figures_text=row.figures_text,
            unreviewed=row.waiting,
            alerts=row.alerting,
        )
        for row in state
        if row.discharged_at is None
    ]
    return entries, sum(row.waiting for row in state)


def _attention(
    entries: list[Entry], user: User, limit: int | None
) -> tuple[list[AttentionItem], int]:
    """The first `limit` items of the attention queue (None: all) and the length of the whole
    queue: critical answers first (newest first), then deterioration, inactivity, then reviews.
    Everything is counted from the entries; only the items returned are written, and open alerts
    are read only for those."""
    zone = zoneinfo.ZoneInfo(user.time_zone)
    alerting = [e.client_id for e in entries if e.alerts]
    worse = [
        (entry, score)
        for entry in entries
        if entry.deteriorated
        for score in entry.figures().scores
        if score.verdict == RELIABLE_DETERIORATION
    ]
    inactive = sorted(
        (e for e in entries if e.inactive),
        key=lambda e: -(e.inactive_days if e.inactive_days is not None else 10**6),
    )
    unreviewed = sorted((e for e in entries if e.unreviewed), key=lambda e: -e.unreviewed)
    total = sum(e.alerts for e in entries) + len(worse) + len(inactive) + len(unreviewed)
    room = total if limit is None else min(limit, total)

    items: list[AttentionItem] = []
    if alerting and room:
        alerts = open_alerts().filter(client_id__in=alerting)[:room]
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
    for entry, found in worse[: room - len(items)]:
        (score,) = _latest_scores([found], zone)
        items.append(
            AttentionItem(
                "deterioration",
                entry.client_id,
                entry.name,
                _("%(name)s %(total)s (%(band)s): reliably worse than at baseline")
                % {
                    "name": score.abbreviation,
                    "total": score.total_label,
                    "band": score.band or _("no band"),
                },
                score.when,
            )
        )
    for entry in inactive[: room - len(items)]:
        count = {"days": entry.inactive_days, "n": entry.overdue}
        if entry.inactive_days is None:
            text = ngettext(
                "no activity yet; %(n)d homework item not done",
                "no activity yet; %(n)d homework items not done",
                entry.overdue,
            )
        else:
            text = ngettext(
                "no activity for %(days)d days; %(n)d homework item not done",
                "no activity for %(days)d days; %(n)d homework items not done",
                entry.overdue,
            )
        last = entry.figures().last_activity
        items.append(
            AttentionItem(
                "inactive",
                entry.client_id,
                entry.name,
                text % count,
                timezone.localtime(last, zone) if last else None,
            )
        )
    for entry in unreviewed[: room - len(items)]:
        items.append(
            AttentionItem(
                "unreviewed",
                entry.client_id,
                entry.name,
                ngettext(
                    "%(n)d new result to review", "%(n)d new results to review", entry.unreviewed
                )
                % {"n": entry.unreviewed},
            )
        )
    return items, total
