"""A client's progress over time: exercise metrics, minutes practised, the adherence calendar and
questionnaire scores, each as a chart with its table. A fixed number of queries for any history.

The same builders serve the therapist's page and the client's own page; for a parent looking at
a child's progress, `visible` limits everything to the homework that parent may see.
"""

from __future__ import annotations

import dataclasses
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from stepwise.assessments import catalog
from stepwise.assessments.client_wording import client_band
from stepwise.assessments.client_wording import for_client as for_client_wording
from stepwise.assessments.models import AssessmentResponse
from stepwise.assessments.results import (
    Results,
    Row,
    build_results,
    episode_starts,
    responses_for,
)
from stepwise.clinic.models import Client
from stepwise.homework.models import Assignment, Completion, MetricValue, Submission
from stepwise.lib import charts
from stepwise.lib.tz import local_day_bounds, local_today
from stepwise.library.models import ExerciseDefinition
from stepwise.progress import queries
from stepwise.progress.figures import (
    Streak,
    line_summary,
    scale_of_unit,
    streaks,
    week_start,
    weekly_totals,
)

RANGES = {
    "30": (gettext_lazy("Last 30 days"), 30),
    "90": (gettext_lazy("Last 90 days"), 90),
    "365": (gettext_lazy("Last 12 months"), 365),
    "all": (gettext_lazy("Everything"), None),
}
DEFAULT_RANGE = "90"
CALENDAR_WEEKS = 12
MINUTES_WEEKS = 12
MINUTES_METRIC = "minutes"  # the declared metric that times practice (timers, breathing)


@dataclass(frozen=True)
class MetricSeries:
    name: str
    label: str
    unit: str | None
    values: list[tuple[datetime, float]]
    # From the English definition's unit: a translated unit ("-2 a 2") never changes a chart.
    scale: tuple[float, float] | None = None


@dataclass
class ExerciseMetrics:
    title: str
    charts: list[charts.LineChart] = field(default_factory=list)


def _visible_submissions(visible: QuerySet[Assignment] | None) -> Q:
    """Everything, or only results handed in for assignments the viewer may see."""
    if visible is None:
        return Q()
    return Q(submission__completion__assignment__in=visible)


def metric_series(
    client: Client,
    since: datetime | None,
    *,
    visible: QuerySet[Assignment] | None = None,
) -> dict[int, tuple[str, list[MetricSeries]]]:
    """Per exercise: its title and each declared metric's values over time (two queries).

    The moments are read in the reader's zone (the one the request activated).
    """
    values = MetricValue.objects.filter(client=client).filter(_visible_submissions(visible))
    if since is not None:
        values = values.filter(recorded_at__gte=since)
    rows = values.values_list("definition_id", "name", "value", "recorded_at").order_by(
        "recorded_at", "id"
    )
    by_definition: dict[int, dict[str, list[tuple[datetime, float]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for definition_id, name, value, recorded_at in rows:
        by_definition[definition_id][name].append((timezone.localtime(recorded_at), value))
    if not by_definition:
        return {}
    definitions = ExerciseDefinition.objects.filter(pk__in=list(by_definition)).select_related(
        "current_version"
    )
    found: dict[int, tuple[str, list[MetricSeries]]] = {}
    for definition in definitions:
        declared = []
        english_units: dict[str, str | None] = {}
        if definition.current_version is not None:
            declared = list(definition.current_version.parsed.metrics)
            english_units = {m.name: m.unit for m in definition.current_version.source.metrics}
        names = by_definition[definition.pk]
        series = [
            MetricSeries(
                m.name, m.label, m.unit, names[m.name], scale_of_unit(english_units.get(m.name))
            )
            for m in declared
            if m.name in names
        ]
        known = {m.name for m in declared}
        series += [
            MetricSeries(n, n.replace("_", " "), None, v)
            for n, v in names.items()
            if n not in known
        ]
        found[definition.pk] = (definition.reader_title, series)
    return found


def metric_charts(
    found: dict[int, tuple[str, list[MetricSeries]]], *, id_prefix: str = "metric"
) -> list[ExerciseMetrics]:
    """One chart per exercise and unit (SUDS before, peak and after share one), at most four
    lines to a chart."""
    groups = []
    for definition_id, (title, series) in sorted(found.items(), key=lambda item: item[1][0]):
        group = ExerciseMetrics(title)
        by_unit: dict[str | None, list[MetricSeries]] = defaultdict(list)
        for one in series:
            by_unit[one.unit].append(one)
        for index, (unit, members) in enumerate(by_unit.items()):
            for part in range(0, len(members), charts.MAX_SERIES):
                chunk = members[part : part + charts.MAX_SERIES]
                labels = ", ".join(m.label for m in chunk)
                chart_title = _("%(exercise)s: %(measures)s") % {
                    "exercise": title,
                    "measures": labels,
                }
                drawn = [charts.SeriesData(m.label, m.values) for m in chunk]
                chart = charts.line_chart(
                    chart_id=f"{id_prefix}-{definition_id}-{index}-{part}",
                    title=chart_title,
                    series=drawn,
                    scale=chunk[0].scale,
                    unit=unit,
                    summary=line_summary(chart_title, drawn, unit),
                )
                chart.table_headers[0] = _("Date")
                group.charts.append(chart)
        groups.append(group)
    return groups


def practice_minutes(
    client: Client,
    first_day: date,
    *,
    visible: QuerySet[Assignment] | None = None,
) -> list[tuple[date, float]]:
    """(local day, minutes) per exercise done since `first_day`: timed where the exercise declares
    a minutes metric, else the exercise's estimated minutes (two queries)."""
    zone = zoneinfo.ZoneInfo(client.time_zone)
    start, _end = local_day_bounds(first_day, client.time_zone)
    submissions = Submission.objects.filter(client=client, submitted_at__gte=start)
    timed = MetricValue.objects.filter(client=client, name=MINUTES_METRIC, recorded_at__gte=start)
    if visible is not None:
        submissions = submissions.filter(completion__assignment__in=visible)
        timed = timed.filter(submission__completion__assignment__in=visible)
    measured = dict(timed.values_list("submission_id", "value"))
    rows = submissions.values_list(
        "pk", "submitted_at", "exercise_version__definition__estimated_minutes"
    ).order_by()
    return [
        (timezone.localtime(when, zone).date(), measured.get(pk, float(estimate or 0)))
        for pk, when, estimate in rows
    ]


def minutes_chart(
    client: Client, today: date, *, visible: QuerySet[Assignment] | None = None
) -> tuple[charts.BarChart | None, list[tuple[date, float]]]:
    first = week_start(today) - timedelta(weeks=MINUTES_WEEKS - 1)
    days = practice_minutes(client, first, visible=visible)
    weeks = weekly_totals(days, first, today)
    if not any(total for _, total in weeks):
        return None, days
    title = _("Minutes practised per week")
    chart = charts.weekly_bar_chart(
        chart_id=f"minutes-{client.pk}", title=title, weeks=weeks, unit=_("minutes")
    )
    # The words of the chart in the active language (the geometry is the chart module's).
    total = round(sum(v for _, v in weeks))
    count = len(weeks)
    practised = sum(1 for _, v in weeks if v > 0)
    text = ngettext(
        "%(title)s: %(total)s minutes over %(count)d week, with practice in %(practised)d of them.",
        "%(title)s: %(total)s minutes over %(count)d weeks, with practice in %(practised)d "
        "of them.",
        count,
    )
    numbers = {"title": title, "total": charts.number_label(total), "count": count}
    numbers["practised"] = practised
    chart.summary = text % numbers + " " + _("The table lists every week.")
    chart.table_headers = [_("Week starting"), _("Minutes")]
    return chart, days


def adherence_calendar(client: Client, today: date) -> charts.Calendar:
    """Days with homework due and done over the last weeks (three or four queries)."""
    days = CALENDAR_WEEKS * 7 + today.weekday()
    groups = queries.due_groups({client.pk: today}, days).get(client.pk, [])
    due_by_day: dict[date, tuple[int, int]] = {}
    for group in groups:
        due, done = due_by_day.get(group.due, (0, 0))
        count = group.on_time + group.late
        due_by_day[group.due] = (due + count + group.not_done, done + count)
    first = today - timedelta(days=days)
    practice: dict[date, int] = defaultdict(int)
    for day in Completion.objects.filter(client=client, local_date__gte=first).values_list(
        "local_date", flat=True
    ):
        practice[day] += 1
    title = _("Homework calendar (client's days)")
    calendar = charts.adherence_calendar(
        chart_id=f"calendar-{client.pk}",
        title=title,
        today=today,
        weeks=CALENDAR_WEEKS,
        due_by_day=due_by_day,
        practice_by_day=practice,
    )
    # The words of the calendar in the active language (the geometry is the chart module's).
    counts: dict[str, int] = defaultdict(int)
    for week in calendar.weeks:
        for one in week:
            counts[one.state] += 1
    due_days = counts["done"] + counts["part"] + counts["missed"]
    numbers = {"title": title, "weeks": CALENDAR_WEEKS, "due": due_days, "extra": counts["extra"]}
    numbers.update(done=counts["done"], part=counts["part"], missed=counts["missed"])
    numbers["day"] = format_date(today, "j M")
    calendar.summary = "; ".join(
        (
            ngettext(
                "%(title)s, %(weeks)d weeks to %(day)s: homework was due on %(due)d day",
                "%(title)s, %(weeks)d weeks to %(day)s: homework was due on %(due)d days",
                due_days,
            )
            % numbers,
            _("all done on %(done)d, partly on %(part)d, missed on %(missed)d") % numbers,
            ngettext(
                "extra practice on %(extra)d other day.",
                "extra practice on %(extra)d other days.",
                counts["extra"],
            )
            % numbers,
        )
    )
    calendar.legend = [
        (state, glyph, str(CALENDAR_WORDS[state])) for state, glyph, _words in calendar.legend
    ]
    return calendar


# What a day of the adherence calendar says (`charts.CALENDAR_STATES` has the glyphs).
CALENDAR_WORDS = {
    "done": gettext_lazy("all done"),
    "part": gettext_lazy("partly done"),
    "missed": gettext_lazy("missed"),
    "open": gettext_lazy("due today"),
    "upcoming": gettext_lazy("coming up"),
    "extra": gettext_lazy("extra practice"),
    "none": gettext_lazy("nothing due"),
    "future": "",
}


def calendar_day_words(day: charts.CalendarDay) -> str:
    """ "all done (2 of 2)", "missed (0 of 1)", "nothing due": a calendar day in words."""
    text = str(CALENDAR_WORDS[day.state])
    if day.due and day.state in ("part", "done", "missed"):
        return _("%(state)s (%(done)d of %(due)d)") % {
            "state": text,
            "done": day.done,
            "due": day.due,
        }
    return text


def score_results(client: Client, time_zone: str, *, for_client: bool = False) -> list[Results]:
    """Each questionnaire the client answered, with its rows and banded charts (five queries).

    `for_client`: the client's (or carer's) own view of shared results: bands in the client's
    wording, and nothing a clinician asked in session (the ASQ).
    """
    by_key: dict[tuple[str, int | None], list[AssessmentResponse]] = defaultdict(list)
    for response in responses_for(client):
        by_key[(response.instrument.key, response.instrument.practice_id)].append(response)
    if not by_key:
        return []
    found = []
    starts = episode_starts(client)
    for available in catalog.catalogue(client.practice_id):
        responses = by_key.get((available.key, available.version.practice_id))
        if not responses:
            continue
        if for_client and available.version.in_session_only:
            continue
        definition = for_client_wording(available.definition) if for_client else None
        results = build_results(
            available,
            definition or available.definition,
            responses,
            time_zone,
            episode_start=starts.get(available.key),
        )
        if for_client:
            results.rows = [_in_client_words(available.key, row) for row in results.rows]
        found.append(results)
    return found


def _in_client_words(key: str, row: Row) -> Row:
    score = row.score
    worded = dataclasses.replace(
        score,
        band=client_band(key, score.band),
        subscale_bands={sid: client_band(key, b) for sid, b in score.subscale_bands.items()},
    )
    return dataclasses.replace(row, score=worded)


def range_since(range_key: str, client: Client) -> tuple[str, datetime | None]:
    key = range_key if range_key in RANGES else DEFAULT_RANGE
    days = RANGES[key][1]
    if days is None:
        return key, None
    today = local_today(client.time_zone, timezone.now())
    start, _end = local_day_bounds(today - timedelta(days=days - 1), client.time_zone)
    return key, start


@dataclass
class Progress:
    client: Client
    today: date
    range_key: str
    metrics: list[ExerciseMetrics]
    minutes: charts.BarChart | None
    calendar: charts.Calendar
    scores: list[Results]
    streak: Streak

    @property
    def ranges(self) -> list[tuple[str, str]]:
        return [(key, str(label)) for key, (label, _days) in RANGES.items()]

    @property
    def range_label(self) -> str:
        return str(RANGES[self.range_key][0])


def build_progress(client: Client, time_zone: str, *, range_key: str = "") -> Progress:
    """The therapist's progress page for one client."""
    today = local_today(client.time_zone, timezone.now())
    key, since = range_since(range_key, client)
    minutes, _days = minutes_chart(client, today)
    done_days = Completion.objects.filter(
        client=client, local_date__gte=today - timedelta(days=400)
    ).values_list("local_date", flat=True)
    return Progress(
        client=client,
        today=today,
        range_key=key,
        metrics=metric_charts(metric_series(client, since)),
        minutes=minutes,
        calendar=adherence_calendar(client, today),
        scores=score_results(client, time_zone),
        streak=streaks(done_days, today),
    )


def sum_minutes(days: Sequence[tuple[date, float]], since: date) -> float:
    return sum(minutes for day, minutes in days if day >= since)
