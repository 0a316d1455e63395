"""Exports of a client's record: the CSV of submissions and scores, and the printable report.

Every CSV goes through `stepwise.lib.spreadsheet`: a cell that a spreadsheet would run as a
formula gets a leading apostrophe, so a client's note never becomes a formula on the therapist's
computer.
"""

from __future__ import annotations

import io
import json
import zipfile
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Min
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from stepwise.assessments.models import AssessmentResponse
from stepwise.assessments.results import Results, current_score
from stepwise.clinic.models import Client
from stepwise.homework.models import Assignment, Completion, Feedback, Submission
from stepwise.homework.schedule import Adherence
from stepwise.lib import charts
from stepwise.lib.spreadsheet import csv_text
from stepwise.lib.tz import local_day_bounds, local_today
from stepwise.library.titles import reader_text
from stepwise.progress import queries
from stepwise.progress.client_progress import minutes_chart, score_results
from stepwise.progress.figures import format_amount, period_adherence, rate_label
from stepwise.progress.summary import MetricLine, metric_lines

MAX_REPORT_DAYS = 3660

# Columns named in the reader's language; so are the record kind and the homework timing. The
# other values stay numbers, codes and ISO dates, as a spreadsheet or a script reads them.
CLIENT_CSV_HEADERS: list[str | Promise] = [
    pgettext_lazy("CSV column", "record"),
    pgettext_lazy("CSV column", "id"),
    pgettext_lazy("CSV column", "submitted_at_utc"),
    # the client's own calendar day (their homework counts on it)
    pgettext_lazy("CSV column", "client_local_date"),
    pgettext_lazy("CSV column", "title"),
    pgettext_lazy("CSV column", "version"),
    pgettext_lazy("CSV column", "mode"),
    pgettext_lazy("CSV column", "homework"),
    pgettext_lazy("CSV column", "score"),
    pgettext_lazy("CSV column", "band"),
    pgettext_lazy("CSV column", "subscales"),
    pgettext_lazy("CSV column", "metrics"),
    pgettext_lazy("CSV column", "answers"),
]


def write_csv(headers: Sequence[str | Promise], rows: Iterable[list[object]]) -> str:
    return csv_text([str(header) for header in headers], rows)


def _timing_words() -> dict[str, str]:
    """The homework column's words in the active language, looked up once per export."""
    return {
        "extra": pgettext("CSV homework", "extra practice"),
        "on_time": pgettext("CSV homework", "on time"),
        "late": pgettext("CSV homework", "late"),
    }


def _homework_status(completion: Completion | None, words: dict[str, str]) -> str:
    if completion is None:
        return ""
    if completion.occurrence is None:
        return words["extra"]
    if completion.local_date <= completion.occurrence.due:
        return words["on_time"]
    return words["late"]


def client_csv_rows(client: Client) -> list[list[object]]:
    """Every exercise submission and questionnaire of the client, oldest first (five queries)."""
    zone = zoneinfo.ZoneInfo(client.time_zone)
    timing = _timing_words()
    exercise = pgettext("CSV record", "exercise")
    questionnaire = pgettext("CSV record", "questionnaire")
    completions = {
        (c.submission_id, c.assessment_response_id): c
        for c in Completion.objects.filter(client=client).select_related("occurrence")
    }
    by_submission = {k[0]: c for k, c in completions.items() if k[0] is not None}
    by_response = {k[1]: c for k, c in completions.items() if k[1] is not None}
    records: list[tuple[datetime, int, list[object]]] = []
    submissions = (
        Submission.objects.filter(client=client)
        .select_related("exercise_version__definition")
        .prefetch_related("metric_values")
    )
    for s in submissions:
        metrics = "; ".join(
            f"{m.name}={format_amount(round(m.value, 4))}" for m in s.metric_values.all()
        )
        records.append(
            (
                s.submitted_at,
                s.pk,
                [
                    exercise,
                    s.pk,
                    s.submitted_at.astimezone(zoneinfo.ZoneInfo("UTC")).isoformat(),
                    timezone.localtime(s.submitted_at, zone).date().isoformat(),
                    s.exercise_version.definition.title,
                    s.exercise_version.number,
                    s.mode,
                    _homework_status(by_submission.get(s.pk), timing),
                    "",
                    "",
                    "",
                    metrics,
                    json.dumps(s.answers, ensure_ascii=False, sort_keys=True),
                ],
            )
        )
    responses = AssessmentResponse.objects.filter(client=client).with_revisions()
    for r in responses:
        score = current_score(r)
        records.append(
            (
                r.submitted_at,
                r.pk,
                [
                    questionnaire,
                    r.pk,
                    r.submitted_at.astimezone(zoneinfo.ZoneInfo("UTC")).isoformat(),
                    timezone.localtime(r.submitted_at, zone).date().isoformat(),
                    r.instrument.abbreviation,
                    score.version,
                    r.mode,
                    _homework_status(by_response.get(r.pk), timing),
                    "" if score.total is None else format_amount(float(score.total)),
                    score.band,
                    json.dumps(score.subscales, sort_keys=True) if score.subscales else "",
                    "",
                    json.dumps(r.answers),
                ],
            )
        )
    records.sort(key=lambda item: (item[0], item[2][0], item[1]))
    return [row for _, _, row in records]


@dataclass(frozen=True)
class HomeworkLine:
    title: str
    status: str
    started: date
    figures: Adherence

    @property
    def rate(self) -> str:
        return rate_label(self.figures)


@dataclass
class Report:
    client: Client
    today: date
    generated: datetime
    first_day: date | None
    homework: list[HomeworkLine] = field(default_factory=list)
    totals: Adherence | None = None
    metrics: list[MetricLine] = field(default_factory=list)
    minutes: charts.BarChart | None = None
    scores: list[Results] = field(default_factory=list)

    @property
    def totals_rate(self) -> str:
        return "—" if self.totals is None else rate_label(self.totals)


def build_report(client: Client, time_zone: str) -> Report:
    """The client's whole record for printing: homework, measures, questionnaires."""
    today = local_today(client.time_zone, timezone.now())
    assignments = list(
        Assignment.objects.filter(client=client)
        .annotate(started=Min("schedules__start"))
        .order_by("created_at", "id")
    )
    first_day = min((a.started for a in assignments if a.started), default=None)
    report = Report(
        client=client,
        today=today,
        generated=timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(time_zone)),
        first_day=first_day,
    )
    if first_day is not None:
        days = min((today - first_day).days + 7, MAX_REPORT_DAYS)
        groups = queries.due_groups({client.pk: today}, days, by="assignment_id")
        since = today - timedelta(days=days)
        for assignment in assignments:
            report.homework.append(
                HomeworkLine(
                    title=reader_text(assignment.title),
                    status=assignment.get_status_display(),
                    started=assignment.started or today,
                    figures=period_adherence(groups.get(assignment.pk, []), since, today),
                )
            )
        report.totals = period_adherence([g for gs in groups.values() for g in gs], since, today)
    start, _end = local_day_bounds(today - timedelta(days=MAX_REPORT_DAYS), client.time_zone)
    report.metrics = metric_lines(client, start)
    report.minutes, _ = minutes_chart(client, today)
    report.scores = score_results(client, time_zone)
    return report


def content_disposition(filename: str) -> str:
    return f'attachment; filename="{filename}"'


def export_headers(response: Any, filename: str) -> None:
    """A download, never stored by a browser or proxy."""
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "no-store, private, max-age=0"
    response["X-Content-Type-Options"] = "nosniff"


def own_data_zip(client: Client, *, now: datetime) -> bytes:
    """All of a client's own data: their details, homework, answers, feedback, questionnaires
    (as JSON, and the same rows as the care team's CSV), for their right of access."""
    assignments = Assignment.objects.filter(client=client).order_by("created_at", "id")
    submissions = Submission.objects.filter(client=client).select_related(
        "exercise_version__definition"
    )
    responses = AssessmentResponse.objects.filter(client=client).select_related("instrument")
    feedback = Feedback.objects.filter(completion__client=client).select_related("author")
    data = {
        "exported_at": now.isoformat(),
        "you": {
            "name": client.display_name,
            "email": client.email,
            "mobile": client.mobile,
            "time_zone": client.time_zone,
            "joined": client.created_at.isoformat(),
        },
        "homework": [
            {
                "id": a.pk,
                "what": a.title,
                "status": a.status,
                "note_from_your_therapist": a.note,
                "assigned_at": a.created_at.isoformat(),
            }
            for a in assignments
        ],
        "exercises": [
            {
                "id": s.pk,
                "exercise": s.exercise_version.definition.title,
                "version": s.exercise_version.number,
                "where": s.mode,
                "when": s.submitted_at.isoformat(),
                "answers": s.answers,
            }
            for s in submissions
        ],
        "questionnaires": [
            {
                "id": r.pk,
                "questionnaire": r.instrument.abbreviation,
                "when": r.submitted_at.isoformat(),
                "answers": r.answers,
                "total": None if r.total is None else float(r.total),
                "band": r.band,
            }
            for r in responses
        ],
        "feedback": [
            {
                "from": f.author.display_name,
                "when": f.created_at.isoformat(),
                "text": f.text,
                "about": f.completion_id,
            }
            for f in feedback
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("my-data.json", json.dumps(data, ensure_ascii=False, indent=1))
        archive.writestr("my-data.csv", write_csv(CLIENT_CSV_HEADERS, client_csv_rows(client)))
        archive.writestr(
            "README.txt",
            _(
                "Everything Stepwise holds about you, exported on %(day)s.\n"
                "my-data.json has all of it; my-data.csv lists your exercises and "
                "questionnaires, one a line.\n"
            )
            % {"day": now.date().isoformat()},
        )
    return buffer.getvalue()
