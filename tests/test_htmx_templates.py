"""htmx attributes in the templates that a browser test would only catch at random."""

from __future__ import annotations

import re
from pathlib import Path

import stepwise

TEMPLATES = Path(stepwise.__file__).parent  # the project's templates and every app's
SYNC = re.compile(r'hx-sync="([^"]*)"')


def test_no_htmx_request_is_cut_off_by_the_next_one() -> None:
    """htmx logs `htmx:sendAbort` as a console error whenever a request is aborted, which
    `hx-sync` "replace" and "abort" do: requests that overtake each other queue instead
    ("queue last": the newest wins, nothing is logged)."""
    aborting = [
        f"{path.relative_to(TEMPLATES)}: {value}"
        for path in TEMPLATES.rglob("*.html")
        for value in SYNC.findall(path.read_text())
        if value.rsplit(":", 1)[-1].strip() in {"replace", "abort"}
    ]
    assert aborting == []


def test_requests_fired_while_typing_or_choosing_say_how_they_queue() -> None:
    """Search-as-you-type, filters and the live preview fire again while a request is out."""
    repeating = re.compile(r"<[^>]*hx-trigger=\"[^\"]*\b(input|change)\b[^\"]*\"[^>]*>", re.S)
    unsynced = [
        f"{path.relative_to(TEMPLATES)}: {tag.group(0)[:80]}"
        for path in TEMPLATES.rglob("*.html")
        for tag in repeating.finditer(path.read_text())
        if "hx-sync=" not in tag.group(0)
    ]
    assert unsynced == []
