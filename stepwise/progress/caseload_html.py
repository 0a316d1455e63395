"""The dashboard's caseload rows and attention items as HTML, built in Python rather than in
the template.

Measured (bench/RESULTS.md): Django's template engine took about 0.4 ms a row for these cells,
nearly half of the whole dashboard at 25 rows; `format_html` still 0.2 ms, most of it in its
checks for lazy strings. Here every value that is not a number or fixed markup passes through
`_e` (the standard library's `html.escape`, which is what Django's `escape` calls), and the
whole row is marked safe once. The markup is the one the template had:
`tests/progress/test_caseload_html.py` renders the template's row beside this one over several
hundred kinds of row, hostile names included, and compares them.
"""

from __future__ import annotations

from html import escape as _e
from typing import TYPE_CHECKING

from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from stepwise.homework.schedule import Adherence
    from stepwise.progress.dashboard import AttentionItem, CaseloadRow, LatestScore

MUTED_DASH = '<span class="muted">\u2014</span>'


def row_html(row: CaseloadRow) -> SafeString:
    """One `<tr>` of the caseload table."""
    client = row.client
    name = _e(client.display_name)
    attention = ' class="needs-attention"' if row.needs_attention else ""
    minor = ' <span class="badge">Under 18</span>' if client.is_minor else ""
    html = (
        f"<tr{attention}>"
        f'<td data-label="Client"><a href="{_e(row.detail_url)}">{name}</a>{minor}{_flags(row)}'
        "</td>"
        f'<td data-label="Last 7 days">{_adherence(row.week_label, row.week)}</td>'
        f'<td data-label="Last 30 days">{_adherence(row.month_label, row.month)}</td>'
        f'<td data-label="Last activity">{_e(row.activity_label)}</td>'
        f'<td data-label="Latest scores">{_scores(row.scores)}</td>'
        f'<td data-label="Next session">{_next_session(row)}</td>'
        f'<td data-label="Open"><a href="{_e(row.summary_url)}">Summary'
        f'<span class="visually-hidden"> for {name}</span></a> \u00b7 '
        f'<a href="{_e(row.progress_url)}">Progress'
        f'<span class="visually-hidden"> of {name}</span></a></td>'
        "</tr>\n"
    )
    # Every value in it is escaped above, or a number, or fixed markup.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703


def _flags(row: CaseloadRow) -> str:
    flags = []
    if row.alerts:
        flags.append(f"{int(row.alerts)} alert{'s' if row.alerts != 1 else ''}")
    if row.unreviewed:
        flags.append(f"{int(row.unreviewed)} to review")
    if row.is_inactive:
        flags.append("Inactive")
    return "".join(f' <span class="badge flag">{flag}</span>' for flag in flags)


def _adherence(label: str, figures: Adherence) -> str:
    if not figures.due:
        return _e(label)
    return f'{_e(label)} <span class="muted">({int(figures.done)} of {int(figures.due)})</span>'


def _scores(scores: list[LatestScore]) -> str:
    if not scores:
        return MUTED_DASH
    cells = []
    for score in scores:
        band = f" {_e(score.band)}" if score.band else ""
        trend = ""
        if score.trend.arrow:
            trend = (
                f' <span class="trend" aria-hidden="true">{_e(score.trend.arrow)}</span>'
                f'<span class="visually-hidden">, {_e(score.trend.label)}</span>'
            )
        worse = ' <span class="badge flag">Reliably worse</span>' if score.deteriorated else ""
        cells.append(
            f'<span class="score-cell">{_e(score.abbreviation)} '
            f"<strong>{_e(score.total_label)}</strong>{band}{trend}{worse}</span>"
        )
    return "<br>".join(cells)


def _next_session(row: CaseloadRow) -> str:
    client = row.client
    when = format_date(client.next_session_on, "D j M") if client.next_session_on else ""
    note = client.next_session_note
    if not when and not note:
        return MUTED_DASH
    if when and note:
        return f"{_e(when)}: {_e(note)}"
    return _e(when or note)


def attention_html(item: AttentionItem) -> SafeString:
    """One `<li>` of the attention queue."""
    when = ""
    if item.when:
        when = f' <span class="muted">({_e(format_date(item.when, "j M, H:i"))})</span>'
    html = (
        f'<li class="attention-item attention-{_e(item.kind)}">'
        f'<span class="badge attention-kind">{_e(item.kind_label)}</span> '
        f'<a href="{_e(item.url)}">{_e(item.name)}</a>: {_e(item.text)}{when}</li>\n'
    )
    # Every value in it is escaped above.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703
