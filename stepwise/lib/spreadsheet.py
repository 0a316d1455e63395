"""The one way Stepwise writes CSV: every cell passes through `safe_cell`, so text that a
spreadsheet would run as a formula (an email like `=cmd|'/C calc'!A0@evil.test`) stays text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any, Protocol

# A cell starting with one of these is a formula (or, with tab and CR, smuggles one past a
# spreadsheet's import); OWASP's CSV-injection guidance lists the same characters.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text that would start a formula gets a leading apostrophe; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Sink(Protocol):
    def write(self, value: str, /) -> Any: ...


class SafeCsvWriter:
    """`csv.writer` with `safe_cell` applied to every cell of every row, headers included."""

    def __init__(self, out: _Sink) -> None:
        self._writer = csv.writer(out, lineterminator="\r\n")

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([safe_cell(cell) for cell in row])


class _Echo:
    """A file that hands back what is written: lets a streaming response yield CSV lines."""

    def write(self, value: str) -> str:
        return value


def csv_line_writer() -> SafeCsvWriter:
    """A writer whose `writerow` returns the CSV line (for StreamingHttpResponse)."""
    return SafeCsvWriter(_Echo())


def csv_text(headers: list[str], rows: Iterable[Iterable[object]]) -> str:
    """The whole CSV document, header row first."""
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(row)
    return out.getvalue()
