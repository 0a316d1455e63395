"""The shipped files in `content/` as the database stores them: content hashes, listing fields,
translations. The loader that writes them is `stepwise/library/actions/shipped.py`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from stepwise.library.loader import shipped_translation
from stepwise.library.schema import ExerciseDefinition as Document
from stepwise.library.translations import TRANSLATION_LANGUAGES


def content_hash(document: dict[str, Any]) -> str:
    """SHA-256 of a document without its version number (which the database assigns)."""
    body = {key: value for key, value in document.items() if key != "version"}
    if not body.get("alert_rules"):
        # Added to the schema later: a definition without rules keeps the hash it had.
        body.pop("alert_rules", None)
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def catalogue_fields(document: Document) -> dict[str, Any]:
    """The definition-row copies of a document's listing fields."""
    return {
        "title": document.title,
        "summary": document.summary,
        "category": document.category.value,
        "audiences": "," + ",".join(a.value for a in document.audience) + ",",
        "estimated_minutes": document.estimated_minutes,
    }


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    translated: list[str] = field(default_factory=list)  # slugs whose translations changed
    # Translation files that do not match their English: the exercise is shown in English.
    translation_problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created)} new, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged shipped exercises."
            + (f" {len(self.translated)} with new translations." if self.translated else "")
            + (
                f" {len(self.translation_problems)} translation problems."
                if self.translation_problems
                else ""
            )
        )


def shipped_translations(slug: str, report: SyncReport) -> dict[str, dict[str, str]]:
    """{language: texts} of every valid translation file of a shipped exercise."""
    found = {}
    for language in TRANSLATION_LANGUAGES:
        texts, problems = shipped_translation(slug, language)
        report.translation_problems += problems
        if texts is not None:
            found[language] = texts
    return found
