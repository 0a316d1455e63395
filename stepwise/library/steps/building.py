"""Helpers the step types share to read the exercise builder's plain fields. Pure, no ORM.

A builder form names a step's fields `s<n>-<key>`; lists of options are one line each, anchors
`value = label`. What the builder does not show (an option's id) is kept from the previous draft.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext

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


def lines(values: list[str]) -> str:
    return "\n".join(values)


def num(value: Any) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def whole(text: str) -> int | str | None:
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


def decimal(text: str) -> float | int | str:
    try:
        number = float(text.strip())
    except ValueError:
        return text.strip()
    return int(number) if number == int(number) else number


def options(text: str, old: list[Any], fallback: str) -> list[dict[str, str]]:
    """One option per line; an option keeps its id when its label did not change."""
    old_ids = {
        str(o.get("label")): str(o.get("id")) for o in old if isinstance(o, Mapping) and o.get("id")
    }
    taken: set[str] = set()
    found = []
    for line in text.splitlines():
        label = line.strip()
        if not label:
            continue
        kept = old_ids.get(label)
        option_id = kept if kept and kept not in taken else make_identifier(label, taken, fallback)
        taken.add(option_id)
        found.append({"id": option_id, "label": label})
    return found


def option_lines(items: Any) -> str:
    return lines([str(o.get("label", "")) for o in items or []])


def anchors(text: str, problems: list[str], where: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        value, sep, label = line.partition("=")
        number = whole(value)
        if not sep or not isinstance(number, int):
            problems.append(
                gettext("%(where)s: write each anchor as “number = label”, e.g. “0 = Calm”")
                % {"where": where}
            )
            # kept as typed, so the line is still there to fix (publishing refuses it)
            found.append({"value": line.strip() if not sep else value.strip(), "label": ""})
            continue
        found.append({"value": number, "label": label.strip()})
    return found


def anchor_lines(items: Any) -> str:
    return lines(
        [
            f"{num(a.get('value'))} = {a['label']}" if a.get("label") else num(a.get("value"))
            for a in items or []
        ]
    )


class BuilderFields:
    """One step's fields of a posted builder form (`s<n>-<key>`)."""

    def __init__(self, form: Any, prefix: str) -> None:
        self.form = form
        self.prefix = prefix

    def text(self, key: str) -> str:
        return str(self.form.get(f"{self.prefix}-{key}", "")).strip()

    def flag(self, key: str) -> bool:
        return bool(self.form.get(f"{self.prefix}-{key}"))

    def raw(self, key: str) -> Any:
        return self.form.get(f"{self.prefix}-{key}")
