"""An exercise's title and summary in the reader's language, for lists: no query per row.

Lists show copies of the English title (`ExerciseDefinition.title`, `Assignment.title`, a plan
item's title). `reader_text()` gives the reader's wording: from the exercise version when the
caller has it loaded, else from the shipped translation files (read once per process), else the
text as written, which is then English (or the practice's own words) shown to a reader of another
language: `lang` says so, for the element's `lang` attribute.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from stepwise.lib.language import base_language

CONTENT_DIR = Path(__file__).resolve().parent / "content"
LISTED_KEYS = ("title", "summary")


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@cache
def shipped_wording(language: str) -> dict[str, str]:
    """{English title or summary: its text in `language`} of every shipped exercise."""
    found: dict[str, str] = {}
    folder = CONTENT_DIR / language
    if not folder.is_dir():
        return found
    for translated_path in sorted(folder.glob("*.json")):
        english = _read(CONTENT_DIR / translated_path.name)
        translated = _read(translated_path)
        for key in LISTED_KEYS:
            source, text = english.get(key), translated.get(key)
            if isinstance(source, str) and isinstance(text, str) and text.strip():
                found.setdefault(source, text.strip())
    return found


class Shown(str):
    """A text as shown to the reader; `lang` is "" when it is in the reader's language, else the
    language it is written in (for a `lang` attribute)."""

    lang: str

    def __new__(cls, text: str, lang: str = "") -> Shown:
        shown = super().__new__(cls, text)
        shown.lang = lang
        return shown


def reader_text(
    english: str,
    *,
    version: Any = None,
    key: str = "title",
    language: str | None = None,
    written_in: str = "en",
) -> Shown:
    """`english` (a listed title or summary) in the reader's language.

    `version`: the exercise version, if loaded, whose own translation is used first (a practice's
    exercise translated in the builder). `written_in`: the language the text was written in.
    """
    code = base_language(language)
    text = english or ""
    if code == base_language(written_in):
        return Shown(text)
    if version is not None:
        texts = (getattr(version, "translations", None) or {}).get(code) or {}
        translated = texts.get(key) if isinstance(texts, dict) else None
        if isinstance(translated, str) and translated.strip():
            return Shown(translated.strip())
    translated = shipped_wording(code).get(text)
    if translated:
        return Shown(translated)
    return Shown(text, base_language(written_in))


def english_of_matching(query: str, language: str | None = None) -> list[str]:
    """The English titles and summaries of shipped exercises whose text in the reader's language
    contains `query` (case-insensitive): a search typed in the reader's language."""
    code = base_language(language)
    wanted = query.strip().casefold()
    if code == "en" or not wanted:
        return []
    return [english for english, text in shipped_wording(code).items() if wanted in text.casefold()]
