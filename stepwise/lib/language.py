"""Languages: the ones Stepwise speaks, and the language a person reads."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def language_choices() -> list[tuple[str, str]]:
    """(code, name in its own language) for every language with a catalogue."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def reader_language(code: str | None) -> str:
    """The language a person reads: theirs if Stepwise speaks it, else the site's default."""
    known = {each for each, _ in settings.LANGUAGES}
    if code in known:
        return str(code)
    base = (code or "").split("-")[0].lower()
    return base if base in known else settings.LANGUAGE_CODE


def base_language(code: str | None = None) -> str:
    """The two-letter language of `code`, else of the active one: "es-MX" -> "es". Content is
    kept per language, not per region."""
    chosen = code or translation.get_language() or settings.LANGUAGE_CODE
    return chosen.split("-")[0].split("_")[0].lower() or settings.LANGUAGE_CODE
