"""Measurement-based care: a client's scores over time, change from baseline, and summaries.

The baseline is the first response to an instrument in the current episode of care: the first
ever, or the first after the therapist last started a new episode (`EpisodeStart`). Each later
response is classified against it with `classify_change` (Jacobson-Truax), using the newest
version of the instrument's definition; "recovered" means reliable recovery on this measure.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from stepwise.assessments.catalog import Availability, definition_of
from stepwise.assessments.definitions import (
    Band,
    InstrumentDefinition,
    describe_basis,
    format_number,
)
from stepwise.assessments.models import (
    Alert,
    AssessmentResponse,
    EpisodeStart,
    Respondent,
)
from stepwise.assessments.scoring import (
    NO_RELIABLE_CHANGE,
    RECOVERED,
    RELIABLE_DETERIORATION,
    RELIABLE_IMPROVEMENT,
    ChangeResult,
    ScoringError,
    classify_change,
)
from stepwise.assessments.wording import SOURCE_LANGUAGE, AnswerLine, answer_lines
from stepwise.clinic.models import Client
from stepwise.lib import charts
from stepwise.library import steps
from stepwise.library.models import ExerciseVersion

# A language's name as a sentence names it ("answered in Spanish", "contestado en español").
LANGUAGE_NAMES = {"en": gettext_lazy("English"), "es": gettext_lazy("Spanish")}

VERDICT_LABELS = {
    RELIABLE_IMPROVEMENT: gettext_lazy("Reliable improvement"),
    NO_RELIABLE_CHANGE: gettext_lazy("No reliable change"),
    RELIABLE_DETERIORATION: gettext_lazy("Reliable deterioration"),
    RECOVERED: gettext_lazy("Recovered (reliable improvement, now below the clinical cut-off)"),
}


def number(value: Decimal | int | float | None) -> int | float | None:
    """A stored total as the scorer reports it: 14 rather than 14.00, 4.33 as a float."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


@dataclass(frozen=True)
class Score:
    """The current score of a response: its newest revision, or the one given at submission."""

    total: int | float | None
    band: str
    subscales: dict[str, Any]
    subscale_bands: dict[str, str]
    critical_items: list[Any]
    version: int
    revised: bool


def current_score(response: AssessmentResponse) -> Score:
    # `revisions` is prefetched (`AssessmentResponse.objects.with_revisions()`); newest id wins.
    revisions = sorted(response.revisions.all(), key=lambda r: r.pk)
    source: Any = revisions[-1] if revisions else response
    return Score(
        total=number(source.total),
        band=source.band,
        subscales=dict(source.subscales or {}),
        subscale_bands=dict(source.subscale_bands or {}),
        critical_items=list(source.critical_items or []) + list(source.supplementary_alerts or []),
        version=source.instrument.version,
        revised=bool(revisions),
    )


def responses_for(client: Client) -> QuerySet[AssessmentResponse]:
    """A client's responses, oldest first, with what the tables need (two queries in all)."""
    return (
        AssessmentResponse.objects.filter(client=client)
        .with_revisions()
        .select_related("administered_by")
        .order_by("submitted_at", "id")
    )


@dataclass(frozen=True)
class SubscaleCell:
    label: str
    value: str
    band: str


@dataclass(frozen=True)
class Row:
    response: AssessmentResponse
    when: datetime
    score: Score
    is_baseline: bool
    change: ChangeResult | None
    subscales: list[SubscaleCell]
    # Answered before the therapist started the current episode of care: not compared.
    earlier_episode: bool = False

    @property
    def total_label(self) -> str:
        return "—" if self.score.total is None else format_number(self.score.total)

    @property
    def change_label(self) -> str:
        if self.earlier_episode:
            return _("Earlier episode")
        if self.is_baseline:
            return _("Baseline")
        if self.change is None:
            return "—"
        value = self.change.change
        shown = format_number(abs(value))
        return "0" if value == 0 else f"{'+' if value > 0 else '-'}{shown}"

    @property
    def flags(self) -> list[str]:
        return [
            _("question %(number)d") % {"number": item}
            if isinstance(item, int)
            else subscale_label(str(item)).lower()
            for item in self.score.critical_items
        ]

    @property
    def how_label(self) -> str:
        response = self.response
        text = str(response.get_mode_display())
        if response.administered_by is not None:
            text = _("%(how)s with %(person)s") % {
                "how": text,
                "person": response.administered_by.display_name,
            }
        if response.respondent == Respondent.CAREGIVER:
            text = _("%(how)s, answered by a parent or carer") % {"how": text}
        if self.score.revised:
            text = _("%(how)s (rescored with version %(version)s)") % {
                "how": text,
                "version": self.score.version,
            }
        return text

    @property
    def answers(self) -> list[AnswerLine]:
        """Its questions and answers, in the language answered with the English beside."""
        return answer_lines(self.response)

    @property
    def language_label(self) -> str:
        """ "Answered in Spanish (official translation)", where it was not English."""
        code = self.response.language
        if not code or code == SOURCE_LANGUAGE:
            return ""
        name = str(LANGUAGE_NAMES.get(code, "")) or code
        if not name or name == code:
            try:
                name = str(get_language_info(code)["name_translated"])
            except KeyError:
                name = code
        return _("Answered in %(language)s (official translation, wording %(version)s)") % {
            "language": name,
            "version": self.response.wording_version,
        }

    @property
    def verdict_label(self) -> str:
        if self.is_baseline or self.earlier_episode or self.change is None:
            return "—"
        if self.change.verdict is None:
            return _("Not available (no published value)")
        label = str(VERDICT_LABELS.get(self.change.verdict, self.change.verdict))
        if self.change.clinically_meaningful:
            label = _("%(verdict)s; clinically meaningful") % {"verdict": label}
        return label


@dataclass
class Results:
    availability: Availability
    definition: InstrumentDefinition
    rows: list[Row] = field(default_factory=list)
    charts: list[charts.BandedChart] = field(default_factory=list)
    episode_start: datetime | None = None

    @property
    def latest(self) -> Row | None:
        return self.rows[-1] if self.rows else None

    @property
    def baseline(self) -> Row | None:
        return next((row for row in self.rows if row.is_baseline), None)

    @property
    def has_total(self) -> bool:
        return self.definition.plan.aggregate not in ("none", "screen")

    @property
    def bands_note(self) -> str:
        """Where the bands are a convention rather than the developers' norms (PSS-10), say so."""
        note = str((self.definition.model_extra or {}).get("bands_note", ""))
        if "convention" in note.casefold():
            return _(
                "%(name)s bands are a widely used convention, not the developers' norms: read "
                "them as a rough guide."
            ) % {"name": self.definition.abbreviation}
        return ""

    @property
    def subscale_labels(self) -> list[str]:
        return [subscale_label(s) for s in self.definition.plan.subscales]

    @property
    def reliable_change_note(self) -> str:
        rc = self.definition.reliable_change
        if rc is None:
            return _(
                "%(name)s has no published reliable-change value, so change is shown without a "
                "verdict."
            ) % {"name": self.definition.abbreviation}
        unit = _("points") if rc.unit in (None, "", "points") else rc.unit
        note = _("Reliable change: %(value)s %(unit)s or more from baseline.") % {
            "value": format_number(rc.value),
            "unit": unit,
        }
        if rc.caseness_threshold is not None:
            note += " " + _(
                "Clinical cut-off: %(value)s (“recovered” means a reliable improvement that also "
                "crosses it)."
            ) % {"value": format_number(rc.caseness_threshold)}
        if rc.mcid is not None:
            note += " " + _("Clinically meaningful change: %(value)s %(unit)s.") % {
                "value": format_number(rc.mcid),
                "unit": unit,
            }
        return note

    @property
    def reliable_change_basis(self) -> str:
        """Where the reliable-change value comes from (a citation, in English)."""
        if self.definition.reliable_change is None:
            return ""
        return describe_basis(self.definition.id)


def _cells(definition: InstrumentDefinition, score: Score) -> list[SubscaleCell]:
    return [
        SubscaleCell(
            subscale_label(sid),
            format_number(score.subscales[sid]) if sid in score.subscales else "—",
            score.subscale_bands.get(sid, ""),
        )
        for sid in definition.plan.subscales
    ]


def _change(definition: InstrumentDefinition, baseline: Score, score: Score) -> ChangeResult | None:
    if baseline.total is None or score.total is None:
        return None
    try:
        return classify_change(definition, baseline.total, score.total)
    except ScoringError:
        return None


def episode_starts(client: Client) -> dict[str, datetime]:
    """When the current episode of care began, per instrument key, where a therapist started
    one (one query)."""
    found: dict[str, datetime] = {}
    rows = EpisodeStart.objects.filter(client=client).order_by(
        "instrument_key", "-starts_at", "-id"
    )
    for key, starts_at in rows.values_list("instrument_key", "starts_at"):
        found.setdefault(key, starts_at)
    return found


def build_results(
    availability: Availability,
    definition: InstrumentDefinition,
    responses: Sequence[AssessmentResponse],
    time_zone: str,
    episode_start: datetime | None = None,
) -> Results:
    zone = zoneinfo.ZoneInfo(time_zone)
    results = Results(availability, definition, episode_start=episode_start)
    baseline: Score | None = None
    for response in responses:
        score = current_score(response)
        if episode_start is not None and response.submitted_at < episode_start:
            results.rows.append(
                Row(
                    response=response,
                    when=timezone.localtime(response.submitted_at, zone),
                    score=score,
                    is_baseline=False,
                    change=None,
                    subscales=_cells(definition, score),
                    earlier_episode=True,
                )
            )
            continue
        is_baseline = baseline is None
        if baseline is None:
            baseline = score
        cells = _cells(definition, score)
        results.rows.append(
            Row(
                response=response,
                when=timezone.localtime(response.submitted_at, zone),
                score=score,
                is_baseline=is_baseline,
                change=None if is_baseline else _change(definition, baseline, score),
                subscales=cells,
            )
        )
    results.charts = charts_for(definition, results.rows, latest_sex=_latest_sex(responses))
    return results


def _latest_sex(responses: Sequence[AssessmentResponse]) -> str | None:
    for response in reversed(responses):
        if response.sex:
            return response.sex
    return None


@dataclass(frozen=True)
class InstrumentSummary:
    availability: Availability
    count: int
    latest: Row
    baseline: Row

    @property
    def key(self) -> str:
        return self.availability.key


def summarise(
    client: Client, catalogue: Iterable[Availability], time_zone: str
) -> list[InstrumentSummary]:
    """For each instrument the client has answered: how often, the latest score, the verdict."""
    by_owner: dict[tuple[str, int | None], list[AssessmentResponse]] = {}
    for response in responses_for(client):
        owner = (response.instrument.key, response.instrument.practice_id)
        by_owner.setdefault(owner, []).append(response)
    summaries: list[InstrumentSummary] = []
    starts = episode_starts(client) if by_owner else {}
    zone = zoneinfo.ZoneInfo(time_zone)
    for available in catalogue:
        found = by_owner.get((available.key, available.version.practice_id))
        if not found:
            continue
        definition = available.definition
        start = starts.get(available.key)
        episode = [r for r in found if start is None or r.submitted_at >= start]
        last = current_score(found[-1])
        latest_when = timezone.localtime(found[-1].submitted_at, zone)
        cells = _cells(definition, last)
        if not episode:
            # A new episode has begun and nothing is answered in it yet: nothing to compare.
            latest = Row(found[-1], latest_when, last, False, None, cells, earlier_episode=True)
            summaries.append(InstrumentSummary(available, len(found), latest, latest))
            continue
        first = current_score(episode[0])
        baseline = Row(
            episode[0], timezone.localtime(episode[0].submitted_at, zone), first, True, None, []
        )
        only_one = len(episode) == 1
        latest = Row(
            found[-1],
            latest_when,
            last,
            only_one,
            None if only_one else _change(definition, first, last),
            cells,
        )
        summaries.append(InstrumentSummary(available, len(found), latest, baseline))
    return summaries


# What describing an alert reads: the questionnaire's version, or the exercise's.
ALERT_RELATED = ("client", "response__instrument", "exercise_version")


def open_alerts(clients: QuerySet[Client] | None = None) -> QuerySet[Alert]:
    """Alerts nobody has acknowledged yet, newest first, ready to list (one query)."""
    alerts = Alert.objects.filter(acknowledged_at__isnull=True)
    if clients is not None:
        alerts = alerts.filter(client__in=clients)
    return alerts.select_related(*ALERT_RELATED).order_by("-created_at", "-id")


def waiting_for_admins(practice_id: int) -> QuerySet[Alert]:
    """Unacknowledged alerts of a practice that its admins were told about, oldest first, with
    the client and the care team ready to list (two queries)."""
    return (
        Alert.objects.filter(
            client__practice_id=practice_id,
            acknowledged_at__isnull=True,
            admins_told_at__isnull=False,
        )
        .select_related("client")
        .prefetch_related("client__therapists")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class AlertView:
    alert: Alert
    reasons: list[str]
    when: datetime


def describe_alerts(alerts: Iterable[Alert], time_zone: str) -> list[AlertView]:
    """Each alert with a plain description of what fired, for the therapist's eyes only."""
    zone = zoneinfo.ZoneInfo(time_zone)
    return [
        AlertView(
            alert,
            _reasons(alert),
            timezone.localtime(alert.created_at, zone),
        )
        for alert in alerts
    ]


def _reasons(alert: Alert) -> list[str]:
    if alert.response is not None:
        return [_reason(alert.response, item) for item in alert.items]
    assert alert.exercise_version is not None  # the table's check constraint
    return [_exercise_reason(alert.exercise_version, item) for item in alert.items]


def _exercise_reason(version: ExerciseVersion, item: Any) -> str:
    """“Daily mood check-in: Overall, how has your mood been today? 0 (Very low)”."""
    document = version.parsed
    step = document.steps_by_id().get(str(item.get("step")))
    value = item.get("value")
    shown = f"{value:g}" if isinstance(value, int | float) else str(value)
    if step is None:
        return f"{document.title}: {item.get('step')} {shown}"
    prompt = getattr(step, "prompt", step.id)
    reading = steps.of(step).alert_reading(step, item.get("field"), value, shown)
    return f"{document.title}: {prompt} {reading}"


def _reason(response: AssessmentResponse, item: Any) -> str:
    """“PHQ-9 question 9 (Thoughts that you would ...): Several days”."""
    version = response.instrument
    definition = definition_of(version)
    if isinstance(item, int) and 0 < item <= len(definition.items):
        entry = definition.items[item - 1]
        answers = response.answers or []
        value = answers[item - 1] if item <= len(answers) else None
        options = definition.options_for(entry)
        label = next((o.label for o in options if o.value == value), value)
        if value is None and definition.plan.screen is not None:
            label = _("Refused to answer")
        return _("%(name)s question %(number)d (%(question)s): %(answer)s") % {
            "name": version.abbreviation,
            "number": item,
            "question": entry.text,
            "answer": label,
        }
    extra = next((e for e in definition.additional_unscored_items if e.id == item), None)
    answer = (response.supplementary or {}).get(str(item), "")
    text = extra.text if extra is not None else str(item)
    return f"{version.abbreviation}: {text} {answer}".strip()


# --- charts ---------------------------------------------------------------------------------------


def subscale_label(subscale_id: str) -> str:
    """“D_negative_cognition_mood” -> “D negative cognition mood”."""
    text = subscale_id.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _summary(title: str, rows: Sequence[tuple[Row, float]], bands_named: bool) -> str:
    first, last = rows[0], rows[-1]
    first_when = date_format(first[0].when, "j M Y")
    last_when = date_format(last[0].when, "j M Y")
    if len(rows) == 1:
        text = _("%(title)s: 1 result, %(value)s on %(day)s.") % {
            "title": title,
            "value": format_number(first[1]),
            "day": first_when,
        }
    else:
        values: dict[str, Any] = {
            "title": title,
            "count": len(rows),
            "first": first_when,
            "last": last_when,
            "baseline": format_number(first[1]),
            "latest": format_number(last[1]),
        }
        verdict = last[0].verdict_label
        if last[0].change is not None and verdict != "—":
            text = _(
                "%(title)s: %(count)d results from %(first)s to %(last)s. Baseline %(baseline)s, "
                "latest %(latest)s (%(change)s: %(verdict)s)."
            ) % {**values, "change": last[0].change_label, "verdict": verdict.lower()}
        else:
            text = (
                _(
                    "%(title)s: %(count)d results from %(first)s to %(last)s. Baseline "
                    "%(baseline)s, latest %(latest)s."
                )
                % values
            )
    if bands_named:
        text += " " + _(
            "Shaded, labelled bands show the score ranges. The table lists every result."
        )
    return text


def _band_specs(bands: Sequence[Band]) -> list[charts.BandSpec]:
    return [
        charts.BandSpec(
            min=float(band.min),
            max=float(band.max),
            label=band.label,
            range_label=f"{format_number(band.min)}\N{EN DASH}{format_number(band.max)}",
        )
        for band in bands
    ]


def charts_for(
    definition: InstrumentDefinition, rows: Sequence[Row], latest_sex: str | None
) -> list[charts.BandedChart]:
    """The total over time with its bands; for an instrument without a total (DASS-21), one
    chart per subscale that has bands of its own."""
    abbreviation = definition.abbreviation
    if definition.plan.aggregate != "none":
        plotted = [(row, float(row.score.total)) for row in rows if row.score.total is not None]
        if not plotted:
            return []
        bands: Sequence[Band] = definition.bands or ()
        if definition.bands_by_sex:
            bands = definition.bands_by_sex.get(latest_sex or "", ())
        title = _("%(instrument)s total score") % {"instrument": abbreviation}
        return [
            charts.banded_line_chart(
                chart_id=f"chart-{definition.id}",
                title=title,
                values=[(row.when, value) for row, value in plotted],
                low=float(definition.scoring.min or 0),  # a plotted total means a range
                high=float(definition.scoring.max or 0),
                bands=_band_specs(bands),
                summary=_summary(title, plotted, bool(bands)),
                number=format_number,
            )
        ]
    found: list[charts.BandedChart] = []
    for sid, sub in definition.scoring.subscales.items():
        if not sub.bands:
            continue
        plotted = [
            (row, float(row.score.subscales[sid])) for row in rows if sid in row.score.subscales
        ]
        if not plotted:
            continue
        title = _("%(instrument)s %(subscale)s score") % {
            "instrument": abbreviation,
            "subscale": subscale_label(sid).lower(),
        }
        high = sub.max if sub.max is not None else max(value for _, value in plotted)
        found.append(
            charts.banded_line_chart(
                chart_id=f"chart-{definition.id}-{sid}",
                title=title,
                values=[(row.when, value) for row, value in plotted],
                low=float(sub.min if sub.min is not None else 0),
                high=float(high),
                bands=_band_specs(sub.bands),
                summary=_summary(title, plotted, True),
                number=format_number,
            )
        )
    return found
