"""The builder's form <-> a definition document. Pure functions, no ORM and no request.

The builder edits the JSON document through plain fields: one set per step (`s<n>-<key>`), lists
of options as one line each, anchors as `value = label`, list-step fields as
`Label | kind | settings`, metrics as `name | label | step[.field] | aggregate | unit`. What the
builder does not show (an option's id, a list field's help) is kept from the previous draft, so a
copied or imported exercise survives a round trip. Drafts may be invalid; publishing validates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from stepwise.library import schema

STEP_LABELS: dict[str, str] = {
    "content": "Text to read",
    "text": "Written answer",
    "scale": "Rating scale",
    "suds": "Distress rating (0-100)",
    "choice": "Choice",
    "checklist": "Checklist",
    "emotion": "Feelings and how strong",
    "list": "List of rows (e.g. a ladder)",
    "timer": "Timer",
    "breathing": "Breathing pacer",
    "media": "Audio or video",
    "reflection": "Reflection questions",
}
QUESTION_TYPES = frozenset(STEP_LABELS) - {"content", "media", "reflection"}
LIST_FIELD_KINDS = ("text", "long", "number", "suds", "scale", "choice")
MAX_BUILDER_STEPS = 100

_NON_ID = re.compile(r"[^a-z0-9_]+")


def make_identifier(text: str, taken: set[str], fallback: str = "item") -> str:
    """A step/option/field id from a label: lower-case letters, digits and `_`, unique."""
    base = _NON_ID.sub("_", text.lower()).strip("_")[:32] or fallback
    if not base[0].isalpha():
        base = f"{fallback}_{base}"[:32]
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}_{number}"
        number += 1
    taken.add(candidate)
    return candidate


def new_step(step_type: str, taken: set[str]) -> dict[str, Any]:
    """A fresh step of a type, with sensible settings and an empty prompt to fill in."""
    step_id = make_identifier(step_type, taken, step_type)
    step: dict[str, Any] = {"type": step_type, "id": step_id}
    if step_type in QUESTION_TYPES:
        step["prompt"] = ""
    defaults: dict[str, dict[str, Any]] = {
        "content": {"body": ""},
        "text": {"size": "long"},
        "scale": {
            "min": 0,
            "max": 10,
            "anchors": [{"value": 0, "label": "Not at all"}, {"value": 10, "label": "Extremely"}],
        },
        "choice": {"options": []},
        "checklist": {"items": []},
        "list": {"fields": [{"kind": "text", "id": "item", "label": "Item"}]},
        "timer": {"mode": "countdown", "duration_seconds": 300},
        "breathing": {"inhale_seconds": 4, "exhale_seconds": 6, "cycles": 10},
        "media": {"kind": "video"},
        "reflection": {"questions": []},
    }
    step.update(defaults.get(step_type, {}))
    return step


# --- document -> form values -------------------------------------------------------------------


def _lines(values: list[str]) -> str:
    return "\n".join(values)


def _list_field_line(item: Mapping[str, Any]) -> str:
    kind = item.get("kind", "text")
    label = str(item.get("label", ""))
    if kind == "text":
        setting = "long" if item.get("size") == "long" else "text"
    elif kind in ("number", "scale"):
        low, high = item.get("min", 0), item.get("max", 10)
        setting = f"{kind} {_num(low)}-{_num(high)}"
        if kind == "number" and item.get("integer") is False:
            setting += " decimal"
    elif kind == "choice":
        setting = "choice: " + ", ".join(str(o.get("label", "")) for o in item.get("options", []))
    else:
        setting = str(kind)
    optional = " | optional" if item.get("required") is False else ""
    return f"{label} | {setting}{optional}"


def _num(value: Any) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


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
    # Optional trailing "option=yes", "same_as=step" or "percent_of=metric" (METRIC_EXTRAS).
    return " | ".join(parts + extras)


def step_values(step: Mapping[str, Any]) -> dict[str, str]:
    """The builder's field values for one step (strings, as the form shows them)."""
    values: dict[str, str] = {}
    for key in (
        "id", "title", "prompt", "help", "body", "size", "max_length", "placeholder", "min",
        "max", "min_selected", "max_selected", "intensity_min", "intensity_max",
        "intensity_label", "min_rows", "max_rows", "add_label", "mode", "inhale_seconds",
        "hold_in_seconds", "exhale_seconds", "hold_out_seconds", "cycles", "kind", "transcript",
        "after",
    ):  # fmt: skip
        value = step.get(key)
        values[key] = "" if value is None else _num(value)
    for flag in ("required", "multiple", "read_aloud", "orderable"):
        if flag in step:
            values[flag] = "on" if step.get(flag) else ""
    step_type = step.get("type")
    if "required" not in step:
        values["required"] = "" if step_type in ("checklist", "media") else "on"
    image = step.get("image") or {}
    values["image_src"] = str(image.get("src", ""))
    values["image_alt"] = str(image.get("alt", ""))
    seconds = step.get("duration_seconds") or step.get("max_seconds")
    values["seconds"] = "" if seconds is None else str(seconds)
    values["options"] = _lines([str(o.get("label", "")) for o in step.get("options", [])])
    values["items"] = _lines([str(o.get("label", "")) for o in step.get("items", [])])
    values["emotions"] = _lines([str(o.get("label", "")) for o in step.get("emotions", [])])
    values["questions"] = _lines([str(q.get("prompt", "")) for q in step.get("questions", [])])
    values["anchors"] = _lines(
        [
            f"{_num(a.get('value'))} = {a['label']}" if a.get("label") else _num(a.get("value"))
            for a in step.get("anchors", [])
        ]
    )
    values["fields"] = _lines([_list_field_line(f) for f in step.get("fields", [])])
    source = step.get("source") or {}
    if source.get("kind") == "upload":
        values["source"] = f"upload:{source.get('file', '')}"
    elif source.get("kind") == "link":
        values["source"] = "link"
    else:
        values["source"] = ""
    values["url"] = str(source.get("url", ""))
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
        return STEP_LABELS.get(self.type, self.type)

    @property
    def prefix(self) -> str:
        return f"s{self.index}"

    @property
    def is_question(self) -> bool:
        return self.type in QUESTION_TYPES


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
        "references": _lines([str(r) for r in document.get("references", [])]),
        "estimated_minutes": _num(document.get("estimated_minutes", "")),
        "metrics": _lines([_metric_line(m) for m in document.get("metrics", [])]),
    }


# --- form values -> document -------------------------------------------------------------------


def _int(text: str) -> int | str | None:
    """A whole number from the form; the text itself when it is not one (validation says so)."""
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number == int(number) else number  # type: ignore[return-value]


def _float(text: str) -> float | int | str:
    try:
        number = float(text.strip())
    except ValueError:
        return text.strip()
    return int(number) if number == int(number) else number


def _options(text: str, old: list[Any], fallback: str) -> list[dict[str, str]]:
    """One option per line; an option keeps its id when its label did not change."""
    old_ids = {
        str(o.get("label")): str(o.get("id")) for o in old if isinstance(o, Mapping) and o.get("id")
    }
    taken: set[str] = set()
    options = []
    for line in text.splitlines():
        label = line.strip()
        if not label:
            continue
        kept = old_ids.get(label)
        option_id = kept if kept and kept not in taken else make_identifier(label, taken, fallback)
        taken.add(option_id)
        options.append({"id": option_id, "label": label})
    return options


def _anchors(text: str, problems: list[str], where: str) -> list[dict[str, Any]]:
    anchors: list[dict[str, Any]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        value, sep, label = line.partition("=")
        number = _int(value)
        if not sep or not isinstance(number, int):
            problems.append(f"{where}: write each anchor as “number = label”, e.g. “0 = Calm”")
            # kept as typed, so the line is still there to fix (publishing refuses it)
            anchors.append({"value": line.strip() if not sep else value.strip(), "label": ""})
            continue
        anchors.append({"value": number, "label": label.strip()})
    return anchors


_RANGE = re.compile(r"^(number|scale)\s+(-?[\d.]+)\s*-\s*(-?[\d.]+)(\s+decimal)?$")


def _list_fields(text: str, old: list[Any], problems: list[str], where: str) -> list[Any]:
    previous = {str(f.get("label")): f for f in old if isinstance(f, Mapping)}
    taken: set[str] = set()
    fields: list[Any] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        label, setting = parts[0], (parts[1] if len(parts) > 1 else "text")
        optional = any(p.lower() == "optional" for p in parts[2:])
        kept = dict(previous.get(label, {}))
        field_id = kept.get("id") if kept.get("id") and kept.get("id") not in taken else None
        field_id = field_id or make_identifier(label, taken, "field")
        taken.add(field_id)
        item: dict[str, Any] = {"id": field_id, "label": label}
        for key in ("help", "unit", "min_label", "max_label"):
            if key in kept:
                item[key] = kept[key]
        lowered = setting.lower()
        range_match = _RANGE.match(lowered)
        if lowered in ("text", "short"):
            item.update(kind="text", size="short")
        elif lowered == "long":
            item.update(kind="text", size="long")
        elif lowered == "suds":
            item["kind"] = "suds"
        elif range_match:
            item.update(
                kind=range_match.group(1),
                min=_float(range_match.group(2)),
                max=_float(range_match.group(3)),
            )
            if range_match.group(1) == "number":
                item["integer"] = not range_match.group(4)
        elif lowered.startswith("choice"):
            labels = setting.partition(":")[2]
            old_options = kept.get("options", []) if kept.get("kind") == "choice" else []
            item.update(
                kind="choice",
                options=_options("\n".join(labels.split(",")), old_options, "option"),
            )
        else:
            problems.append(
                f"{where}, “{label}”: the kind must be text, long, number 0-10, suds, "
                "scale 1-5 or choice: A, B"
            )
            item["kind"] = setting  # kept as typed, to fix (publishing refuses it)
        if optional:
            item["required"] = False
        fields.append(item)
    return fields


def _metrics(text: str, problems: list[str]) -> list[dict[str, Any]]:
    metrics = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 3:
            problems.append(
                f"Metric “{line.strip()}”: write name | label | step id | aggregate | unit"
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
                    f"Metric “{parts[0]}”: “{extra}” is not understood; "
                    "use option=…, same_as=… or percent_of=…"
                )
        metrics.append(metric)
    return metrics


def _flag(form: Any, name: str) -> bool:
    return bool(form.get(name))


def read_step(
    form: Any, prefix: str, old: Mapping[str, Any], problems: list[str]
) -> dict[str, Any]:
    """One step from its builder fields, on top of the previous draft of the same step."""
    step_type = str(form.get(f"{prefix}-type", old.get("type", "text")))

    def text(key: str) -> str:
        return str(form.get(f"{prefix}-{key}", "")).strip()

    step: dict[str, Any] = {"type": step_type, "id": text("id") or str(old.get("id", ""))}
    where = f"Step {int(prefix[1:]) + 1}"
    for key in ("title", "prompt", "help"):
        if text(key):
            step[key] = text(key)
    if step_type in QUESTION_TYPES:
        step.setdefault("prompt", "")
        step["required"] = _flag(form, f"{prefix}-required")
    if step_type == "content":
        step["body"] = text("body")
        step["read_aloud"] = _flag(form, f"{prefix}-read_aloud")
        if text("image_src") or text("image_alt"):
            step["image"] = {"src": text("image_src"), "alt": text("image_alt")}
    elif step_type == "text":
        step["size"] = text("size") or "short"
        for key in ("max_length",):
            if text(key):
                step[key] = _int(text(key))
        if text("placeholder"):
            step["placeholder"] = text("placeholder")
    elif step_type in ("scale", "suds"):
        if step_type == "scale":
            step["min"], step["max"] = _int(text("min")), _int(text("max"))
        if step_type == "scale" or text("anchors"):  # a distress rating has default anchors
            step["anchors"] = _anchors(text("anchors"), problems, where)
    elif step_type == "choice":
        step["options"] = _options(text("options"), list(old.get("options", [])), "option")
        step["multiple"] = _flag(form, f"{prefix}-multiple")
        if step["multiple"]:
            for key in ("min_selected", "max_selected"):
                if text(key):
                    step[key] = _int(text(key))
    elif step_type == "checklist":
        step["items"] = _options(text("items"), list(old.get("items", [])), "item")
    elif step_type == "emotion":
        if text("emotions"):
            step["emotions"] = _options(text("emotions"), list(old.get("emotions", [])), "feeling")
        for key in ("intensity_min", "intensity_max", "max_selected"):
            if text(key):
                step[key] = _int(text(key))
        if text("intensity_label"):
            step["intensity_label"] = text("intensity_label")
    elif step_type == "list":
        step["fields"] = _list_fields(text("fields"), list(old.get("fields", [])), problems, where)
        for key in ("min_rows", "max_rows"):
            if text(key):
                step[key] = _int(text(key))
        step["orderable"] = _flag(form, f"{prefix}-orderable")
        if text("add_label"):
            step["add_label"] = text("add_label")
    elif step_type == "timer":
        step["mode"] = text("mode") or "countdown"
        seconds = _int(text("seconds"))
        if seconds is not None:
            step["duration_seconds" if step["mode"] == "countdown" else "max_seconds"] = seconds
    elif step_type == "breathing":
        for key in ("inhale_seconds", "hold_in_seconds", "exhale_seconds", "hold_out_seconds"):
            if text(key):
                step[key] = _int(text(key))
        step["cycles"] = _int(text("cycles"))
    elif step_type == "media":
        step["kind"] = text("kind") or "video"
        step["required"] = _flag(form, f"{prefix}-required")
        if text("transcript"):
            step["transcript"] = text("transcript")
        source = text("source")
        if source == "link":
            step["source"] = {"kind": "link", "url": text("url")}
        elif source.startswith("upload:"):
            old_source = old.get("source") or {}
            step["source"] = {
                "kind": "upload",
                "file": source.partition(":")[2],
                "content_type": form.get(f"{prefix}-content_type")
                or old_source.get("content_type", ""),
            }
    elif step_type == "reflection":
        if text("after"):
            step["after"] = text("after")
        old_questions = {
            str(q.get("prompt")): q for q in old.get("questions", []) if isinstance(q, Mapping)
        }
        taken: set[str] = set()
        questions = []
        for line in text("questions").splitlines():
            if line.strip():
                kept = old_questions.get(line.strip(), {})
                kept_id = kept.get("id")
                question_id = kept_id if kept_id and kept_id not in taken else None
                question_id = question_id or make_identifier(line, taken, "question")
                taken.add(question_id)
                questions.append({**kept, "id": question_id, "prompt": line.strip()})
        step["questions"] = questions
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
    count = _int(str(form.get("step_count", "0")))
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
        "estimated_minutes": _int(str(form.get("estimated_minutes", ""))),
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
        return len(steps) - 1, f"{STEP_LABELS[new_type]} added as step {len(steps)}."
    if not 0 <= index < len(steps):
        return None, ""
    if action == "remove":
        steps.pop(index)
        return (min(index, len(steps) - 1) if steps else None), f"Step {index + 1} removed."
    if action == "up" and index > 0:
        steps[index - 1], steps[index] = steps[index], steps[index - 1]
        return index - 1, f"Step moved up to position {index}."
    if action == "down" and index < len(steps) - 1:
        steps[index + 1], steps[index] = steps[index], steps[index + 1]
        return index + 1, f"Step moved down to position {index + 2}."
    return index, ""
