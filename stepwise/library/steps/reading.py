"""Small pure helpers the step types share to read answers: forms, numbers, text, ids.

No step type and no schema here, so every step module (and `responses.py`) can use them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Final

from django.utils.translation import gettext

FORM_PREFIX: Final = "step-"
_NUMERIC_TEXT_MAX = 32  # longer "numbers" are garbage; refuse before converting
# ASCII digits only: `\d` and str.isdigit() also match characters int() cannot read, such as "²".
_INTEGER = re.compile(r"[+-]?[0-9]{1,15}(?:\.0*)?")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,15}(?:\.[0-9]{0,15})?|\.[0-9]{1,15})")
# C0 control characters other than tab and newline cannot be stored or shown sensibly.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

Errors = dict[str, str]


class _Missing:
    """What a step's `parse` facet returns when the form holds nothing for it."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


def field_name(step_id: str) -> str:
    """The form field name of a step: `step-<id>`; rows, emotions and questions add `-<part>`."""
    return f"{FORM_PREFIX}{step_id}"


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return not value
    return False


def as_int(value: Any) -> int | None:
    """A whole number from an int, an integral float or a string; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value == int(value) else None
    if isinstance(value, str):
        text = value.strip()
        if len(text) <= _NUMERIC_TEXT_MAX and _INTEGER.fullmatch(text):
            return int(float(text)) if "." in text else int(text)
    return None


def as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return float(value) if abs(value) < 10**15 else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip()
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # a decimal comma, as many keyboards type it
        if len(text) <= _NUMERIC_TEXT_MAX and _DECIMAL.fullmatch(text):
            return float(text)
    return None


def number_text(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


def read_text(
    value: Any, *, limit: int, short: bool, required: bool
) -> tuple[str | None, str | None]:
    """(normalised text, error message)."""
    if is_blank(value):
        return None, (gettext("Please write an answer.") if required else None)
    if not isinstance(value, str):
        return None, gettext("Please write your answer as text.")
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if _CONTROL.search(text):
        return None, gettext(
            "This answer contains characters that cannot be saved. Please retype it."
        )
    if short:
        text = " ".join(text.split())
    if len(text) > limit:
        return None, gettext("This answer is too long: at most %(limit)d characters.") % {
            "limit": limit
        }
    return text, None


def whole_number(
    value: Any, low: int, high: int, *, required: bool, missing: str, wrong: str
) -> tuple[int | None, str | None]:
    if is_blank(value):
        return None, (missing if required else None)
    number = as_int(value)
    if number is None or not low <= number <= high:
        return None, wrong
    return number, None


def labels(options: Iterable[Any]) -> dict[str, str]:
    """Option id -> label."""
    return {option.id: option.label for option in options}


def ids(value: Any) -> list[str] | None:
    """A list of ids from a list of strings (or one string); None when it is not that shape."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return list(value)
    return None


def aggregate(values: list[float], how: str) -> float | None:
    if how == "count":
        return float(len(values))
    if not values:
        return None
    if how == "max":
        return max(values)
    if how == "min":
        return min(values)
    if how == "sum":
        return float(sum(values))
    return sum(values) / len(values)  # mean


def minutes_text(seconds: int) -> str:
    """Seconds as minutes the way people type them: 300 -> "5", 90 -> "1.5", 65 -> "1.08"."""
    text = f"{seconds / 60:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def seconds_from_minutes(value: str) -> int | str:
    """A timer's form value is minutes ("4.5"); the answer is whole seconds. Garbage stays as typed
    so validation can name it."""
    try:
        minutes = Decimal(value.strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return value
    if not minutes.is_finite():
        return value
    return int((minutes * 60).to_integral_value(rounding=ROUND_HALF_UP))


def form_value(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


def dedupe(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


class PostedForm:
    """A flat form (a Django QueryDict or a mapping of name -> str | list[str]) read defensively:
    garbage never raises, validation reports what is missing."""

    def __init__(self, form: Any) -> None:
        self._form = form
        try:
            self.keys: list[str] = [key for key in form if isinstance(key, str)]
        except Exception:  # a garbage form must not break parsing
            self.keys = []

    def getlist(self, key: str) -> list[str]:
        """All values posted under `key`, as strings; [] for anything unreadable."""
        try:
            getlist = getattr(self._form, "getlist", None)
            values = getlist(key) if callable(getlist) else self._form.get(key)
        except Exception:  # same reason as in __init__
            return []
        if values is None:
            return []
        if not isinstance(values, list | tuple):
            values = [values]
        return [v if isinstance(v, str) else str(v) for v in values if v is not None]

    def last(self, key: str) -> str | None:
        values = self.getlist(key)
        return values[-1] if values else None


def as_text(value: Any) -> str:
    """A stored or posted value as the text a form control shows."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def mapping_rows(raw: Any) -> list[Mapping[str, Any]]:
    return [r for r in raw if isinstance(r, Mapping)] if isinstance(raw, list) else []
