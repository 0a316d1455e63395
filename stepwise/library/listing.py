"""The library's part of what `manage.py library` lists: every published exercise definition.
The command itself (exercises and assessments together) is `stepwise.assessments.listing`.
"""

from __future__ import annotations

from typing import Any

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
                "languages": version.languages(),
                "visibility": definition.visibility,
                "practice": definition.practice.name if definition.practice else None,
                "estimated_minutes": definition.estimated_minutes,
                "published_at": version.published_at.isoformat(),
            }
        )
    return rows
