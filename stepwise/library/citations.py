"""In-text citations of a therapist note, and the shipped references they must resolve to.

"(Craske et al., 2014; Foa & Kozak, 1986)" and "Holmes and Mathews (2010)" give the first
author's surname and the year; a reference entry gives the same from its citation text.
"""

from __future__ import annotations

import re
import unicodedata

_NAME = r"[A-Z\u00c0-\u00de][\w'\u2019\-]+"
_YEAR = r"(?:19|20)\d{2}"
_PARENTHESIS = re.compile(rf"\(([^()]*?\b{_YEAR}\b[^()]*)\)")
_CHUNK_START = re.compile(rf"\s*(?:e\.g\.,?\s*|see\s+|cf\.\s*)?(?:the\s+)?({_NAME})")
_NARRATIVE = re.compile(
    rf"((?:{_NAME}(?:,\s+|\s+&\s+|\s+and\s+))*{_NAME})(?:\s+et al\.)?\s+\(({_YEAR})\)"
)


def _plain(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def cited(text: str) -> set[tuple[str, str]]:
    """(first author's surname, year) of every citation in a therapist note."""
    found: set[tuple[str, str]] = set()
    for match in _NARRATIVE.finditer(text):
        found.add((_plain(re.split(r",|\s+&\s+|\s+and\s+", match.group(1))[0]), match.group(2)))
    for match in _PARENTHESIS.finditer(text):
        author = ""
        for chunk in match.group(1).split(";"):
            year = re.search(rf"\b({_YEAR})\b", chunk)
            name = _CHUNK_START.match(chunk)
            if name and not re.fullmatch(rf"\s*{_YEAR}\w?\s*", chunk):
                author = _plain(name.group(1))
            # "(Kabat-Zinn, 1982; 1990)": a bare year belongs to the author before it.
            if year and author:
                found.add((author, year.group(1)))
    return found


def reference_key(citation: str) -> tuple[str, str]:
    """(first author's surname, year) of a reference written in APA style."""
    surname = citation.split(",", 1)[0].strip()
    year = re.search(rf"\(({_YEAR})\)", citation)
    return _plain(surname), year.group(1) if year else ""
