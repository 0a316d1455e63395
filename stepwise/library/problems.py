"""What is wrong with a draft, in the author's words and language: the builder's messages.

The import page and the shipped-content checks speak of the JSON file (`loader.format_problems`:
`step 1 ("answer") > prompt: String should have at least 1 character`); the builder's author
never sees the JSON, so each problem names the field as the builder's form labels it and says
what to do, in the reader's language, one plain message per kind of problem (pydantic's
`error["type"]`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy
from django_stubs_ext import StrOrPromise
from pydantic import ValidationError

from stepwise.library import schema

# The builder's names of a definition's settings (the same words as its form labels).
FIELD_WORDS: dict[str, StrOrPromise] = {
    "title": gettext_lazy("Title"),
    "summary": gettext_lazy("Summary"),
    "why_this_helps": pgettext_lazy("exercise field", "Why this helps"),
    "therapist_notes": gettext_lazy("Therapist notes"),
    "references": gettext_lazy("References"),
    "estimated_minutes": gettext_lazy("Minutes it takes"),
    "category": gettext_lazy("Category"),
    "audience": pgettext_lazy("exercise field", "Who it is for"),
    "metrics": gettext_lazy("Metrics"),
    "steps": pgettext_lazy("exercise field", "Steps"),
    "id": gettext_lazy("Answer key"),
    "prompt": gettext_lazy("Question or instruction"),
    "help": pgettext_lazy("exercise field", "Hint under the question"),
    "body": pgettext_lazy("exercise field", "Text"),
    "options": pgettext_lazy("exercise field", "Options"),
    "items": pgettext_lazy("exercise field", "Items"),
    "fields": pgettext_lazy("exercise field", "Columns"),
    "anchors": pgettext_lazy("exercise field", "Labels on the scale"),
    "emotions": pgettext_lazy("exercise field", "Feelings"),
    "questions": pgettext_lazy("exercise field", "Questions"),
    "label": pgettext_lazy("exercise field", "Label"),
    "placeholder": pgettext_lazy("exercise field", "Example answer"),
    "unit": pgettext_lazy("exercise field", "Unit"),
    "name": pgettext_lazy("exercise field", "Name"),
    "source": pgettext_lazy("exercise field", "Source"),
}
_UNION_TAGS = frozenset(schema.STEP_TYPES) | {"text", "number", "suds", "scale", "choice"}
_UNION_TAGS |= {"link", "upload"}


def _step_id(data: Any, index: int) -> str | None:
    steps = data.get("steps") if isinstance(data, Mapping) else None
    if isinstance(steps, list) and 0 <= index < len(steps) and isinstance(steps[index], Mapping):
        found = steps[index].get("id")
        return found if isinstance(found, str) and found else None
    return None


def where(loc: Sequence[int | str], data: Any) -> str:
    """`("steps", 0, "text", "prompt")` -> `Step 1 ("answer") > Question or instruction`."""
    parts: list[str] = []
    items = list(loc)
    index = 0
    while index < len(items):
        item = items[index]
        following = items[index + 1] if index + 1 < len(items) else None
        if item == "steps" and isinstance(following, int):
            step_id = _step_id(data, following)
            parts.append(
                gettext("Step %(number)d (“%(id)s”)") % {"number": following + 1, "id": step_id}
                if step_id
                else gettext("Step %(number)d") % {"number": following + 1}
            )
            index += 2
            if index < len(items) and items[index] in _UNION_TAGS:
                index += 1  # pydantic's union tag adds nothing
            continue
        if isinstance(item, int):
            parts.append(gettext("line %(number)d") % {"number": item + 1})
        elif item in _UNION_TAGS and parts:
            pass
        else:
            parts.append(str(FIELD_WORDS.get(str(item), item)))
        index += 1
    return " > ".join(parts)


def message(error: Mapping[str, Any]) -> str:
    """One plain sentence for a pydantic error, in the reader's language."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "string_too_short":
        least = int(ctx.get("min_length", 1))
        if least <= 1:
            return gettext("this is empty: write something here.")
        return ngettext(
            "write at least %(count)d character.", "write at least %(count)d characters.", least
        ) % {"count": least}
    if kind == "string_too_long":
        most = int(ctx.get("max_length", 0))
        return ngettext(
            "too long: at most %(count)d character.",
            "too long: at most %(count)d characters.",
            most,
        ) % {"count": most}
    if kind == "too_short":
        least = int(ctx.get("min_length", 1))
        return ngettext("add at least %(count)d line.", "add at least %(count)d lines.", least) % {
            "count": least
        }
    if kind == "too_long":
        most = int(ctx.get("max_length", 0))
        return ngettext(
            "too many: at most %(count)d line.", "too many: at most %(count)d lines.", most
        ) % {"count": most}
    if kind == "missing":
        return gettext("missing: fill this in.")
    if kind == "extra_forbidden":
        return gettext("not a setting Stepwise knows: remove it.")
    if kind in ("greater_than_equal", "greater_than"):
        return gettext("must be %(limit)s or more.") % {"limit": ctx.get("ge", ctx.get("gt", ""))}
    if kind in ("less_than_equal", "less_than"):
        return gettext("must be %(limit)s or less.") % {"limit": ctx.get("le", ctx.get("lt", ""))}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return gettext("must be a whole number.")
    if kind in ("literal_error", "enum"):
        return gettext("choose one of the choices offered.")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return gettext("this kind of step is not known.")
    if kind == "string_pattern_mismatch":
        return gettext("use letters, digits and _ only, starting with a letter.")
    # A check of our own (a value error): its words, which name what to change.
    text = str(error.get("msg", ""))
    return text[len("Value error, ") :] if text.startswith("Value error, ") else text


def in_words(exc: ValidationError, data: Any) -> list[str]:
    """One line per problem: where, in the builder's words, and what to do."""
    lines = []
    for error in exc.errors():
        place = where(tuple(error["loc"]), data)
        said = message(error)
        if place:
            lines.append(gettext("%(where)s: %(problem)s") % {"where": place, "problem": said})
        else:
            lines.append(said[:1].upper() + said[1:])
    return lines


def draft_problems(document: Mapping[str, Any]) -> list[str]:
    """The builder's problems with a draft document, in words ([] when it validates)."""
    try:
        schema.ExerciseDefinition.model_validate(dict(document))
    except ValidationError as exc:
        return in_words(exc, document)
    return []
