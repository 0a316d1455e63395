"""The dashboard's caseload rows and attention items (the `caseload-row` and `attention-item`
partials of `progress/dashboard.html`) keep the markup the dashboard has always had: the earlier
markup is kept here as the reference and both are compared over varied rows and items, hostile
names included."""

from __future__ import annotations

import itertools
import re
import zoneinfo
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from stepwise.assessments.scoring import RELIABLE_DETERIORATION, RELIABLE_IMPROVEMENT
from stepwise.clinic.models import Client
from stepwise.homework.schedule import Adherence
from stepwise.progress.dashboard import ATTENTION_LABELS, AttentionItem, CaseloadRow
from stepwise.progress.stored import StoredScore

# The row and the item as `progress/dashboard.html` has rendered them since they were written.
REFERENCE = Template((Path(__file__).parent / "caseload_row_reference.html").read_text())
ATTENTION_REFERENCE = Template(
    (Path(__file__).parent / "attention_item_reference.html").read_text()
)
WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def row_html(row: CaseloadRow) -> str:
    return render_to_string("progress/dashboard.html#caseload-row", {"row": row})


def attention_html(item: AttentionItem) -> str:
    return render_to_string("progress/dashboard.html#attention-item", {"item": item})


def normalised(html: str) -> str:
    """Whitespace between tags and before a closing tag dropped, runs of it made one space."""
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s+</", "</", re.sub(r">\s+<", "><", html)).strip()


def score(**changes: object) -> StoredScore:
    fields: dict[str, object] = {
        "key": "phq9",
        "abbreviation": "PHQ-9",
        "total": 12.0,
        "band": "Moderate",
        "previous": 15.0,
        "higher_is_better": False,
        "verdict": None,
        "when": WHEN,
    }
    fields.update(changes)
    return StoredScore(**fields)  # type: ignore[arg-type]


NAMES = ["Carl", 'Zoë <b>"O\'Brien"</b> & co']
SCORES: list[tuple[StoredScore, ...]] = [
    (),
    (score(),),
    (score(total=None, band="", previous=None), score(key="gad7", abbreviation="GAD-7")),
    (score(verdict=RELIABLE_DETERIORATION, total=22.0, band="Severe <5>"),),
    (score(previous=12.0, verdict=RELIABLE_IMPROVEMENT, higher_is_better=None, total=4.5),),
]
ADHERENCE = [
    Adherence(due=0, on_time=0, late=0, missed=0, open=0),
    Adherence(due=7, on_time=3, late=1, missed=2, open=1),
]
SESSIONS = [
    (None, ""),
    (date(2026, 12, 1), ""),
    (None, "Bring the diary & <notes>"),
    (date(2026, 12, 3), "Review"),
]
COUNTS = [
    (0, 0, None, 0),
    (1, 3, 5, 2),
    (2, 1, None, 1),
    (0, 0, 0, 0),
]  # alerts, unreviewed, days, overdue


def rows() -> list[CaseloadRow]:
    found = []
    cases = itertools.product(NAMES, SCORES, ADHERENCE, SESSIONS, COUNTS, [False, True])
    for n, (name, scores, figures, (on, note), counts, minor) in enumerate(cases):
        alerts, unreviewed, days, overdue = counts
        client = Client(
            id=1000 + n,
            display_name=name,
            is_minor=minor,
            next_session_on=on,
            next_session_note=note,
            time_zone="Europe/London",
        )
        found.append(
            CaseloadRow(
                client=client,
                week=figures,
                month=ADHERENCE[(n + 1) % 2],
                last_activity=WHEN if days is not None else None,
                inactive_days=days,
                unreviewed=unreviewed,
                overdue=overdue,
                alerts=alerts,
                stored_scores=scores,
                zone=zoneinfo.ZoneInfo("Europe/London"),
            )
        )
    return found


def test_every_kind_of_row_is_the_markup_the_template_made() -> None:
    cases = rows()
    assert len(cases) > 500
    for row in cases:
        expected = REFERENCE.render(Context({"row": row}, autoescape=True))
        assert normalised(row_html(row)) == normalised(expected), row.client.display_name


@pytest.mark.parametrize("name", NAMES)
def test_names_and_notes_are_escaped(name: str) -> None:
    row = rows()[0]
    row.client.display_name = name
    row.client.next_session_note = "<script>alert(1)</script>"
    html = row_html(row)
    assert "<script>" not in html
    assert "<b>" not in html


@pytest.mark.parametrize("kind", sorted(ATTENTION_LABELS))
@pytest.mark.parametrize("when", [None, WHEN])
@pytest.mark.parametrize("name", NAMES)
def test_every_kind_of_attention_item_is_the_markup_the_template_made(
    kind: str, when: datetime | None, name: str
) -> None:
    item = AttentionItem(kind, 7, name, "PHQ-9 <b>22</b> (Severe): reliably worse & more", when)
    expected = ATTENTION_REFERENCE.render(Context({"item": item}, autoescape=True))
    assert normalised(attention_html(item)) == normalised(expected)
    assert "<b>" not in attention_html(item)
