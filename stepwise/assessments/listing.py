"""What `manage.py library` lists: every published exercise and assessment definition.

Assessments come after the library, so the listing of both lives here: the exercises from
`stepwise.library.listing`, the instruments from this app's own tables.
"""

from __future__ import annotations

from typing import Any

from stepwise.assessments.definitions import shipped_instruments
from stepwise.assessments.models import InstrumentVersion
from stepwise.library.listing import exercise_rows


def _audience(respondent: str, population: str) -> list[str]:
    if respondent == "caregiver":
        return ["caregiver"]
    return ["child"] if population.lower().startswith(("child", "adolescent")) else ["adult"]


def assessment_rows() -> list[dict[str, Any]]:
    """Every instrument's latest stored version (shipped and each practice's own); the shipped
    definitions when none is stored yet."""
    latest: dict[tuple[int | None, str], InstrumentVersion] = {}
    for row in InstrumentVersion.objects.select_related("practice").order_by("key", "version"):
        latest[(row.practice_id, row.key)] = row  # later versions replace earlier ones
    if latest:
        return [
            {
                "slug": row.key,
                "kind": "assessment",
                "category": row.category,
                "audience": _audience(row.respondent, str(row.definition.get("population", ""))),
                "version": row.version,
                "title": row.name,
                "step_types": ["choice"],
                "abbreviation": row.abbreviation,
                "items": len(row.definition.get("items", [])),
                "practice": row.practice.name if row.practice else None,
            }
            for row in sorted(latest.values(), key=lambda r: (r.key, r.practice_id or 0))
        ]
    return [
        {
            "slug": key,
            "kind": "assessment",
            "category": str((instrument.model_extra or {}).get("category", "")),
            "audience": _audience(
                str((instrument.model_extra or {}).get("respondent", "self")),
                str((instrument.model_extra or {}).get("population", "")),
            ),
            "version": int((instrument.model_extra or {}).get("version", 1)),
            "title": instrument.name,
            "step_types": ["choice"],
            "abbreviation": instrument.abbreviation,
            "items": len(instrument.items),
            "practice": None,
        }
        for key, instrument in sorted(shipped_instruments().items())
    ]


def published_definitions() -> list[dict[str, Any]]:
    """Exercises first, then assessments; each a dict with at least slug, kind, category,
    audience, version, title and step_types."""
    return exercise_rows() + assessment_rows()
