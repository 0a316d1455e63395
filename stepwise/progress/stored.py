"""Each client's caseload figures, stored (`models.ClientFigures`) and kept current.

Reading: `current_figures(clients, practice_id)` returns every client's figures. Rows that a write
or a new local day has put out of date are computed again together, in a fixed number of queries
whatever their number, and stored; the others are read as they are. So the dashboard costs the
same whatever the history, and only what changed since it was last opened is recomputed.

Writing: every write that changes a client's figures calls `mark_changed` (or one of its kin)
in its own transaction: the actions of the apps below progress send named domain signals
(a submission, a completion, a questionnaire or a revised score, a new episode, a new or changed
assignment or schedule, new occurrences, an imported instrument, a client's new time zone), which
`progress.follow` connects to those functions. They, and the storing of what is computed here,
are `progress/actions.py`. No model save or delete receivers: a bulk write that bypasses the
actions calls them itself. A client without a row gets one on first read.
Review state and alerts are not stored here: the dashboard reads them live, since a therapist
acting on them expects to see it at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from django.db.models import F, Q
from django.utils import timezone

from stepwise.assessments import catalog
from stepwise.assessments.definitions import InstrumentDefinition
from stepwise.assessments.scoring import RELIABLE_DETERIORATION, ScoringError, classify_change
from stepwise.clinic.models import Client
from stepwise.homework.schedule import Adherence
from stepwise.lib.tz import local_today
from stepwise.progress import actions, queries
from stepwise.progress.figures import DueGroup, period_adherence
from stepwise.progress.models import ClientFigures

WEEK_DAYS = 7
MONTH_DAYS = 30
INACTIVE_DAYS = 3  # no activity for this many days, with homework due, needs a look
RECENT_SCORE_DAYS = 90  # answered this recently, an instrument counts as active unassigned


@dataclass(frozen=True)
class StoredScore:
    """The latest result of one instrument, with what its trend and verdict need."""

    key: str
    abbreviation: str
    total: float | None
    band: str
    previous: float | None  # the result before the latest, if any
    higher_is_better: bool | None
    verdict: str | None  # reliable change from the baseline to the latest, where published
    when: datetime

    @property
    def deteriorated(self) -> bool:
        return self.verdict == RELIABLE_DETERIORATION


@dataclass(frozen=True)
class Figures:
    """What the dashboard shows of one client, as of their local day."""

    week: Adherence
    month: Adherence
    overdue: int  # not done and due in the last `INACTIVE_DAYS` days
    last_activity: datetime | None
    scores: tuple[StoredScore, ...]


# --- reading --------------------------------------------------------------------------------------


def current_figures(
    clients: Sequence[Client], practice_id: int | None, now: datetime | None = None
) -> dict[int, Figures]:
    """Every client's figures, computing and storing only the out-of-date ones (in one batch)."""
    moment = now or timezone.now()
    today_of = queries.todays(clients, moment)
    ids = list(today_of)
    # Plain values: reading 150 rows as model instances costs more than the rest of the read.
    fields = ("client_id", "version", "fresh_version", "as_of", "data")
    rows = {
        row[0]: row for row in ClientFigures.objects.filter(client_id__in=ids).values_list(*fields)
    }
    stale = [
        c
        for c in clients
        if c.pk not in rows
        or not is_current(rows[c.pk][1], rows[c.pk][2], rows[c.pk][3], today_of[c.pk])
    ]
    data = {pk: row[4] for pk, row in rows.items()}
    if stale:
        versions = {c.pk: rows[c.pk][1] if c.pk in rows else None for c in stale}
        computed = refresh(stale, versions, today_of, practice_id, moment)
        data.update((pk, to_json(figures)) for pk, figures in computed.items())
    return {pk: from_json(data[pk]) for pk in ids}


def is_current(
    version: int | None, fresh_version: int | None, as_of: date | None, today: date
) -> bool:
    """Whether a stored row holds the figures as they are now: no write since it was computed,
    and computed on the client's local day `today` (None values: no row yet)."""
    return version is not None and fresh_version == version and as_of == today


def refresh(
    clients: Sequence[Client],
    versions: dict[int, int | None],
    today_of: dict[int, date],
    practice_id: int | None,
    now: datetime,
) -> dict[int, Figures]:
    """Compute these clients' figures and store them, in a fixed number of queries.

    `versions` holds each row's `version` as read *before* computing (None: no row yet). It is
    stored as the figures' `fresh_version`, so a write since then leaves the row out of date, to
    be computed again on the next read, rather than marked current with older figures.
    """
    missing = [pk for pk, version in versions.items() if version is None]
    if missing:  # clients made in bulk, outside `clinic.actions.add_client`; normally none
        versions = {**versions, **actions.add_missing_rows(missing)}
    computed = compute(clients, {c.pk: today_of[c.pk] for c in clients}, practice_id, now)
    actions.store_figures(
        [
            ClientFigures(
                client_id=client.pk,
                data=to_json(computed[client.pk]),
                fresh_version=versions[client.pk] or 0,
                as_of=today_of[client.pk],
                computed_at=now,
                **columns(computed[client.pk], today_of[client.pk], client.time_zone),
            )
            for client in clients
        ],
        ["data", "fresh_version", "as_of", "computed_at", *COLUMNS],
    )
    return computed


COLUMNS = (
    "week_rate",
    "month_rate",
    "inactive_days",
    "overdue",
    "inactive",
    "deteriorated",
)


def columns(figures: Figures, today: date, time_zone: str) -> dict[str, Any]:
    """The stored row's sort and filter columns (`COLUMNS`), as of the client's day `today`."""
    last = figures.last_activity
    inactive_days = None
    if last is not None:
        inactive_days = max(0, (today - last.astimezone(ZoneInfo(time_zone)).date()).days)
    quiet = inactive_days is None or inactive_days >= INACTIVE_DAYS
    return {
        "week_rate": figures.week.rate,
        "month_rate": figures.month.rate,
        "inactive_days": inactive_days,
        "overdue": figures.overdue,
        "inactive": quiet and figures.overdue > 0,
        "deteriorated": any(score.deteriorated for score in figures.scores),
    }


def compute(
    clients: Sequence[Client],
    today_of: dict[int, date],
    practice_id: int | None,
    now: datetime,
) -> dict[int, Figures]:
    """The figures of these clients from the homework and assessment tables (six queries)."""
    ids = [c.pk for c in clients]
    groups = queries.due_groups(today_of, MONTH_DAYS - 1)
    activity = queries.last_activity(ids)
    histories = queries.score_histories(ids)
    assigned = queries.assigned_instruments(ids) if histories else {}
    definitions = (
        catalog.current_definitions(practice_id) if histories and practice_id is not None else {}
    )
    found = {}
    for client in clients:
        today = today_of[client.pk]
        client_groups = groups.get(client.pk, [])
        found[client.pk] = Figures(
            week=period_adherence(client_groups, today - timedelta(days=WEEK_DAYS - 1), today),
            month=period_adherence(client_groups, today - timedelta(days=MONTH_DAYS - 1), today),
            overdue=_overdue(client_groups, today),
            last_activity=activity.get(client.pk),
            scores=_latest_scores(
                histories.get(client.pk, []), definitions, assigned.get(client.pk, set()), now
            ),
        )
    return found


def _latest_scores(
    histories: Sequence[queries.ScoreHistory],
    definitions: dict[str, InstrumentDefinition],
    assigned: set[str],
    now: datetime,
) -> tuple[StoredScore, ...]:
    """Instruments assigned now or answered in the last `RECENT_SCORE_DAYS` days."""
    found = []
    recent = now - timedelta(days=RECENT_SCORE_DAYS)
    for history in histories:
        if history.key not in assigned and history.latest.when < recent:
            continue
        definition = definitions.get(history.key)
        verdict = None
        if definition is not None and history.count > 1:
            verdict = _verdict(definition, history.baseline.total, history.latest.total)
        found.append(
            StoredScore(
                key=history.key,
                abbreviation=history.abbreviation,
                total=history.latest.total,
                band=history.latest.score.band,
                previous=history.previous.total if history.previous else None,
                higher_is_better=definition.plan.higher_is_better if definition else None,
                verdict=verdict,
                when=history.latest.when,
            )
        )
    return tuple(found)


def _verdict(
    definition: InstrumentDefinition, baseline: float | None, latest: float | None
) -> str | None:
    if baseline is None or latest is None:
        return None
    try:
        return classify_change(definition, baseline, latest).verdict
    except ScoringError:
        return None


def _overdue(groups: Sequence[DueGroup], today: date) -> int:
    """Not done and due in the last `INACTIVE_DAYS` days, today included."""
    since = today - timedelta(days=INACTIVE_DAYS - 1)
    return sum(g.not_done for g in groups if since <= g.due <= today and g.opens <= today)


def refresh_out_of_date(now: datetime | None = None, limit: int = 1000) -> int:
    """Compute ahead of time figures that writes or a new local day have put out of date, for
    up to `limit` active clients, so the first dashboard of the day does not wait for them (the
    reminder worker calls this every minute). Returns how many were computed."""
    moment = now or timezone.now()
    done = 0
    active = Client.objects.active().order_by()
    for zone in sorted(set(active.values_list("time_zone", flat=True))):
        today = local_today(zone, moment)
        behind = list(
            active.filter(time_zone=zone)
            .filter(
                Q(figures__isnull=True)
                | Q(figures__as_of__isnull=True)
                | Q(figures__as_of__lt=today)
                | Q(figures__fresh_version__lt=F("figures__version"))
            )
            .only("id", "practice_id", "time_zone")
            .order_by("practice_id", "pk")[: limit - done]
        )
        for practice_id, clients in groupby(behind, key=lambda c: c.practice_id):
            current_figures(list(clients), practice_id, moment)
        done += len(behind)
        if done >= limit:
            break
    return done


# --- storage format -----------------------------------------------------------------------------
#
# `ClientFigures.data` holds `FiguresData`: JSON objects with named keys, one per field of
# `Figures`, `Adherence` and `StoredScore`; times as ISO 8601 text. `SCHEMA` names the layout
# (migration `progress.0003_figures_named_keys` put the rows of the old one out of date).

SCHEMA = 2


class AdherenceData(TypedDict):
    due: int
    on_time: int
    late: int
    missed: int
    open: int


class ScoreData(TypedDict):
    key: str
    abbreviation: str
    total: float | None
    band: str
    previous: float | None
    higher_is_better: bool | None
    verdict: str | None
    when: str  # ISO 8601


class FiguresData(TypedDict):
    schema: int
    week: AdherenceData
    month: AdherenceData
    overdue: int
    last_activity: str | None  # ISO 8601
    scores: list[ScoreData]


def _adherence_json(figures: Adherence) -> AdherenceData:
    return {
        "due": figures.due,
        "on_time": figures.on_time,
        "late": figures.late,
        "missed": figures.missed,
        "open": figures.open,
    }


def _adherence(data: AdherenceData) -> Adherence:
    return Adherence(
        due=data["due"],
        on_time=data["on_time"],
        late=data["late"],
        missed=data["missed"],
        open=data["open"],
    )


def to_json(figures: Figures) -> FiguresData:
    last = figures.last_activity
    return {
        "schema": SCHEMA,
        "week": _adherence_json(figures.week),
        "month": _adherence_json(figures.month),
        "overdue": figures.overdue,
        "last_activity": last.isoformat() if last else None,
        "scores": [
            {
                "key": s.key,
                "abbreviation": s.abbreviation,
                "total": s.total,
                "band": s.band,
                "previous": s.previous,
                "higher_is_better": s.higher_is_better,
                "verdict": s.verdict,
                "when": s.when.isoformat(),
            }
            for s in figures.scores
        ],
    }


def from_json(data: FiguresData) -> Figures:
    last = data["last_activity"]
    return Figures(
        week=_adherence(data["week"]),
        month=_adherence(data["month"]),
        overdue=data["overdue"],
        last_activity=datetime.fromisoformat(last) if last else None,
        scores=tuple(
            StoredScore(
                key=s["key"],
                abbreviation=s["abbreviation"],
                total=s["total"],
                band=s["band"],
                previous=s["previous"],
                higher_is_better=s["higher_is_better"],
                verdict=s["verdict"],
                when=datetime.fromisoformat(s["when"]),
            )
            for s in data["scores"]
        ),
    )
