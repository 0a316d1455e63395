"""The builder's form <-> a definition document. Pure functions, no ORM and no request.

Each step type reads and shows its own settings (its `builder_values` and `read_builder` facets in
`stepwise/library/steps/`); this module holds what is common. The builder edits the JSON document
through plain fields: one set per step (`s<n>-<key>`), lists of options as one line each, anchors
as `value = label`, list-step fields as `Label | kind | settings`, metrics as
`name | label | step[.field] | aggregate | unit`. What the builder does not show (an option's id,
a list field's help) is kept from the previous draft, so a copied or imported exercise survives a
round trip. Drafts may be invalid; publishing validates.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_lazy
from django_stubs_ext import StrOrPromise

from stepwise.library import schema, steps
from stepwise.library.steps.building import BuilderFields, lines, make_identifier, num, whole

__all__ = [
    "MAX_BUILDER_STEPS",
    "QUESTION_TYPES",
    "STEP_LABELS",
    "StepEditor",
    "apply_op",
    "editors",
    "make_identifier",
    "meta_values",
    "new_step",
    "read_document",
    "read_step",
    "step_values",
]

# Translated when shown: each step type marks its label with gettext_noop.
STEP_LABELS: dict[str, StrOrPromise] = {
    name: gettext_lazy(kind.label) for name, kind in steps.REGISTRY.items()
}
QUESTION_TYPES = frozenset(name for name, kind in steps.REGISTRY.items() if kind.question)
MAX_BUILDER_STEPS = 100


def new_step(step_type: str, taken: set[str]) -> dict[str, Any]:
    """A fresh step of a type, with sensible settings and an empty prompt to fill in."""
    step_id = make_identifier(step_type, taken, step_type)
    step: dict[str, Any] = {"type": step_type, "id": step_id}
    if step_type in QUESTION_TYPES:
        step["prompt"] = ""
    kind = steps.REGISTRY.get(step_type)
    if kind is not None:
        step.update(copy.deepcopy(dict(kind.builder_defaults)))
    return step


# --- document -> form values -------------------------------------------------------------------


# Optional "key=value" settings after a metric's unit: count rows that chose an option, compare
# the same emotions as another step, report as a percentage of another metric.
METRIC_EXTRAS = ("option", "same_as", "percent_of")


def _metric_line(metric: Mapping[str, Any]) -> str:
    source = str(metric.get("source", ""))
    if metric.get("field"):
        source += f".{metric['field']}"
    parts = [
        str(metric.get("name", "")),
        str(metric.get("label", "")),
        source,
        str(metric.get("aggregate", "value")),
    ]
    extras = [f"{key}={metric[key]}" for key in METRIC_EXTRAS if metric.get(key)]
    if metric.get("unit") or extras:
        parts.append(str(metric.get("unit") or ""))
    # Optional trailing "option=yes" (count rows that chose it) or "same_as=step" (emotions).
    return " | ".join(parts + extras)


def step_values(step: Mapping[str, Any]) -> dict[str, str]:
    """The builder's field values for one step (strings, as the form shows them)."""
    values: dict[str, str] = {}
    for key in ("id", "title", "prompt", "help"):
        value = step.get(key)
        values[key] = "" if value is None else num(value)
    kind = steps.REGISTRY.get(str(step.get("type")))
    if "required" in step:
        values["required"] = "on" if step.get("required") else ""
    else:  # the schema's default
        required = kind.model.model_fields.get("required") if kind is not None else None
        values["required"] = "on" if required is None or required.default else ""
    if kind is not None:
        values.update(kind.builder_values(step))
    return values


@dataclass
class StepEditor:
    index: int
    type: str
    values: dict[str, str]
    earlier_ids: list[str] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def type_label(self) -> str:
        return str(STEP_LABELS.get(self.type, self.type))

    @property
    def prefix(self) -> str:
        return f"s{self.index}"

    @property
    def is_question(self) -> bool:
        return self.type in QUESTION_TYPES

    @property
    def choices(self) -> Mapping[str, list[tuple[str, str]]]:
        """The choices of the step's select fields, by key."""
        kind = steps.REGISTRY.get(self.type)
        if kind is None:
            return {}
        return {
            key: [(value, gettext(label)) for value, label in choices]
            for key, choices in kind.builder_choices.items()
        }

    @property
    def template(self) -> str:
        """The fields of the step's own settings ("" for a type this Stepwise does not know)."""
        kind = steps.REGISTRY.get(self.type)
        return kind.builder_template if kind is not None else ""


def editors(document: Mapping[str, Any]) -> list[StepEditor]:
    steps = [s for s in document.get("steps", []) if isinstance(s, Mapping)]
    result = []
    for index, step in enumerate(steps):
        earlier = [str(s.get("id", "")) for s in steps[:index]]
        result.append(StepEditor(index, str(step.get("type", "")), step_values(step), earlier))
    return result


def meta_values(document: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "title": document.get("title", ""),
        "category": document.get("category", ""),
        "audience": list(document.get("audience", [])),
        "summary": document.get("summary", ""),
        "why_this_helps": document.get("why_this_helps", ""),
        "therapist_notes": document.get("therapist_notes", ""),
        "references": lines([str(r) for r in document.get("references", [])]),
        "estimated_minutes": num(document.get("estimated_minutes", "")),
        "metrics": lines([_metric_line(m) for m in document.get("metrics", [])]),
        # The language the author writes the exercise in: its texts' `lang` in the form.
        "language": str(document.get("language") or "en"),
    }


# --- form values -> document -------------------------------------------------------------------


def _metrics(text: str, problems: list[str]) -> list[dict[str, Any]]:
    metrics = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 3:
            problems.append(
                gettext("Metric “%(line)s”: write name | label | step id | aggregate | unit")
                % {"line": line.strip()}
            )
            continue
        source, _, field_id = parts[2].partition(".")
        metric: dict[str, Any] = {"name": parts[0], "label": parts[1], "source": source}
        if field_id:
            metric["field"] = field_id
        if len(parts) > 3 and parts[3]:
            metric["aggregate"] = parts[3]
        if len(parts) > 4 and parts[4]:
            metric["unit"] = parts[4]
        for extra in parts[5:]:
            key, _, value = extra.partition("=")
            if key.strip() in METRIC_EXTRAS and value.strip():
                metric[key.strip()] = value.strip()
            elif extra:
                problems.append(
                    gettext(
                        "Metric “%(name)s”: “%(extra)s” is not understood; "
                        "use option=…, same_as=… or percent_of=…"
                    )
                    % {"name": parts[0], "extra": extra}
                )
        metrics.append(metric)
    return metrics


def read_step(
    form: Any, prefix: str, old: Mapping[str, Any], problems: list[str]
) -> dict[str, Any]:
    """One step from its builder fields, on top of the previous draft of the same step."""
    step_type = str(form.get(f"{prefix}-type", old.get("type", "text")))
    fields = BuilderFields(form, prefix)
    step: dict[str, Any] = {"type": step_type, "id": fields.text("id") or str(old.get("id", ""))}
    for key in ("title", "prompt", "help"):
        if fields.text(key):
            step[key] = fields.text(key)
    if step_type in QUESTION_TYPES:
        step.setdefault("prompt", "")
        step["required"] = fields.flag("required")
    kind = steps.REGISTRY.get(step_type)
    if kind is not None:
        kind.read_builder(
            step,
            fields,
            old,
            problems,
            gettext("Step %(number)d") % {"number": int(prefix[1:]) + 1},
        )
    return step


def read_document(
    form: Any, old: Mapping[str, Any], media_types: Mapping[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """The draft document from the builder form, and problems with lines it could not read.

    `media_types` maps the practice's media file references to their content types.
    """
    problems: list[str] = []
    old_steps = [s for s in old.get("steps", []) if isinstance(s, Mapping)]
    by_id = {str(s.get("id")): s for s in old_steps}
    count = whole(str(form.get("step_count", "0")))
    count = count if isinstance(count, int) else 0
    steps = []
    for index in range(min(max(count, 0), MAX_BUILDER_STEPS)):
        prefix = f"s{index}"
        if f"{prefix}-type" not in form:
            continue
        previous = by_id.get(str(form.get(f"{prefix}-id", "")).strip(), {})
        if previous.get("type") != form.get(f"{prefix}-type"):
            previous = {}
        step = read_step(form, prefix, previous, problems)
        source = step.get("source")
        if isinstance(source, dict) and source.get("kind") == "upload":
            source["content_type"] = media_types.get(source["file"], source["content_type"])
        steps.append(step)
    document = {
        **{k: v for k, v in old.items() if k not in ("steps", "metrics")},
        "title": str(form.get("title", "")).strip(),
        "category": str(form.get("category", "")),
        "audience": [a for a in form.getlist("audience") if a] if hasattr(form, "getlist") else [],
        "summary": str(form.get("summary", "")).strip(),
        "why_this_helps": str(form.get("why_this_helps", "")).strip(),
        "therapist_notes": str(form.get("therapist_notes", "")).strip(),
        "references": [
            line.strip() for line in str(form.get("references", "")).splitlines() if line.strip()
        ],
        "estimated_minutes": whole(str(form.get("estimated_minutes", ""))),
        "steps": steps,
        "metrics": _metrics(str(form.get("metrics", "")), problems),
    }
    document.setdefault("schema_version", schema.SCHEMA_VERSION)
    return document, problems


def apply_op(document: dict[str, Any], op: str, new_type: str) -> tuple[int | None, str]:
    """Add, remove or move a step in place: (index of the step to focus, message for the
    screen-reader status line). An unknown operation changes nothing."""
    steps: list[Any] = document.setdefault("steps", [])
    action, _, raw_index = op.partition(":")
    index = int(raw_index) if raw_index.isdigit() else -1
    if action == "add" and new_type in STEP_LABELS and len(steps) < MAX_BUILDER_STEPS:
        taken = {str(s.get("id")) for s in steps if isinstance(s, Mapping)}
        steps.append(new_step(new_type, taken))
        return len(steps) - 1, gettext("%(type)s added as step %(number)d.") % {
            "type": STEP_LABELS[new_type],
            "number": len(steps),
        }
    if not 0 <= index < len(steps):
        return None, ""
    if action == "remove":
        steps.pop(index)
        return (min(index, len(steps) - 1) if steps else None), gettext(
            "Step %(number)d removed."
        ) % {"number": index + 1}
    if action == "up" and index > 0:
        steps[index - 1], steps[index] = steps[index], steps[index - 1]
        return index - 1, gettext("Step moved up to position %(number)d.") % {"number": index}
    if action == "down" and index < len(steps) - 1:
        steps[index + 1], steps[index] = steps[index], steps[index + 1]
        return index + 1, gettext("Step moved down to position %(number)d.") % {"number": index + 2}
    return index, ""
