"""Step prompts and field labels do not repeat what the page adds to them: "(optional)" and the
range of a number ("Distress (0-100) (0-100)" was read out twice by screen readers)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CONTENT = Path(__file__).resolve().parents[2] / "stepwise" / "library" / "content"
ADDED_BY_THE_PAGE = re.compile(r"\(optional\)|\(\s*\d+\s*(?:-|\u2013|to)\s*\d+\s*\)", re.I)


def words(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("prompt", "label") and isinstance(value, str):
                yield f"{where}.{key}", value
            else:
                yield from words(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from words(value, f"{where}[{index}]")


@pytest.mark.parametrize("path", sorted(CONTENT.glob("*.json")), ids=lambda p: p.stem)
def test_no_prompt_or_label_says_what_the_page_adds(path: Path) -> None:
    repeated = [
        (where, text)
        for where, text in words(json.loads(path.read_text()))
        if ADDED_BY_THE_PAGE.search(text)
    ]
    assert repeated == []
