"""The translation catalogues: complete, compiled, and one word per idea across the apps.

(`manage.py messages --check`, run in CI, also compares them with a fresh extraction.)
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest
from django.conf import settings

import stepwise

ROOT = Path(stepwise.__file__).parent
LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogues(language: str) -> list[Path]:
    return sorted(ROOT.glob(f"**/locale/{language}/LC_MESSAGES/*.po"))


def forms(entry: polib.POEntry) -> tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
    return (entry.msgstr,)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language: str) -> None:
    missing = [
        f"{po.relative_to(ROOT)}: {entry.msgid!r}"
        for po in catalogues(language)
        for entry in polib.pofile(str(po))
        if not entry.obsolete and (entry.fuzzy or not all(forms(entry)))
    ]
    assert catalogues(language)
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_is_compiled_from_its_source(language: str) -> None:
    for po in catalogues(language):
        mo = po.with_suffix(".mo")
        assert mo.exists(), mo
        written = {(e.msgctxt or "", e.msgid): e.msgstr for e in polib.pofile(str(po)) if e.msgid}
        compiled = {(e.msgctxt or "", e.msgid): e.msgstr for e in polib.mofile(str(mo)) if e.msgid}
        assert compiled == written, f"{mo.relative_to(ROOT)}: run manage.py messages"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_same_english_is_translated_the_same_way_in_every_app(language: str) -> None:
    """The project's catalogue wins over the apps', and earlier apps over later ones: two
    translations of one message would show only one of them, and a reader would meet one idea
    under two names. Where the meaning differs, the message has a context (`pgettext`)."""
    seen: dict[tuple[str, str], dict[tuple[str, ...], list[str]]] = defaultdict(dict)
    for po in catalogues(language):
        for entry in polib.pofile(str(po)):
            if entry.msgid and not entry.obsolete:
                where = str(po.relative_to(ROOT)).split("/locale/")[0] or "project"
                seen[(entry.msgctxt or "", entry.msgid)].setdefault(forms(entry), []).append(where)
    clashes = {key[1]: ways for key, ways in seen.items() if len(ways) > 1}
    assert clashes == {}
