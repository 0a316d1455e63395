"""What `manage.py library` lists: every published exercise and assessment definition."""

from __future__ import annotations

import importlib
from typing import Any

from django.db import connection
from django.db.models import Model

from stepwise.library.models import ExerciseDefinition


def step_types(document: dict[str, Any]) -> list[str]:
    """The step types a document uses, in order of first appearance."""
    seen: dict[str, None] = {}
    for step in document.get("steps", []):
        seen.setdefault(str(step.get("type")), None)
    return list(seen)


def exercise_rows() -> list[dict[str, Any]]:
    rows = []
    definitions = (
        ExerciseDefinition.objects.published()
        .select_related("current_version", "practice")
        .order_by("slug", "practice_id")
    )
    for definition in definitions:
        version = definition.current_version
        assert version is not None
        rows.append(
            {
                "slug": definition.slug,
                "kind": "exercise",
                "category": definition.category,
                "audience": definition.audience_list,
                "version": version.number,
                "title": definition.title,
                "step_types": step_types(version.document),
                "tags": list(version.document.get("tags", [])),
                "visibility": definition.visibility,
                "practice": definition.practice.name if definition.practice else None,
                "estimated_minutes": definition.estimated_minutes,
                "published_at": version.published_at.isoformat(),
            }
        )
    return rows


def _audience(respondent: str, population: str) -> list[str]:
    if respondent == "caregiver":
        return ["caregiver"]
    return ["child"] if population.lower().startswith(("child", "adolescent")) else ["adult"]


def _instrument_version_model() -> Any:
    """The assessments app's stored instrument versions, when that app has them."""
    try:
        module = importlib.import_module("stepwise.assessments.models")
    except ImportError:
        return None
    model = getattr(module, "InstrumentVersion", None)
    if not (isinstance(model, type) and issubclass(model, Model)):
        return None
    if model._meta.db_table not in connection.introspection.table_names():
        return None  # not migrated yet
    return model


def assessment_rows() -> list[dict[str, Any]]:
    model = _instrument_version_model()
    if model is not None:
        latest: dict[tuple[Any, str], Any] = {}
        row: Any
        for row in model._default_manager.select_related("practice").order_by("key", "version"):
            latest[(row.practice_id, row.key)] = row  # later versions replace earlier ones
        if latest:
            return [
                {
                    "slug": row.key,
                    "kind": "assessment",
                    "category": row.category,
                    "audience": _audience(
                        row.respondent, str(row.definition.get("population", ""))
                    ),
                    "version": row.version,
                    "title": row.name,
                    "step_types": ["choice"],
                    "abbreviation": row.abbreviation,
                    "items": len(row.definition.get("items", [])),
                    "practice": row.practice.name if row.practice else None,
                }
                for row in sorted(latest.values(), key=lambda r: (r.key, r.practice_id or 0))
            ]
    from stepwise.assessments.definitions import shipped_instruments

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
