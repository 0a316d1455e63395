"""Strict parsers for settings read from the environment.

A bad value stops the process at start with a message naming the variable, instead of
silently falling back to a default that might be unsafe.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path


class SettingError(Exception):
    """A variable in the environment has a value Stepwise cannot use."""


class Env:
    """Reads typed values from a mapping (``os.environ`` by default)."""

    def __init__(self, source: Mapping[str, str] | None = None) -> None:
        self.source = os.environ if source is None else source

    def raw(self, name: str) -> str | None:
        value = self.source.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def string(self, name: str, default: str = "") -> str:
        value = self.raw(name)
        return default if value is None else value

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise SettingError(f"{name} must be true or false (got {value!r}).")

    def integer(
        self, name: str, default: int, *, minimum: int = 0, maximum: int | None = None
    ) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise SettingError(f"{name} must be a whole number (got {value!r}).") from None
        if number < minimum or (maximum is not None and number > maximum):
            upper = "" if maximum is None else f" and at most {maximum}"
            raise SettingError(f"{name} must be at least {minimum}{upper} (got {number}).")
        return number

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self.raw(name)
        if value is None:
            return default
        if value not in choices:
            raise SettingError(f"{name} must be one of {', '.join(choices)} (got {value!r}).")
        return value

    def csv_list(self, name: str, default: list[str] | None = None) -> list[str]:
        value = self.raw(name)
        if value is None:
            return list(default or [])
        items = [item.strip() for item in value.split(",")]
        if any(not item for item in items):
            raise SettingError(f"{name} is a comma-separated list with an empty entry ({value!r}).")
        return items

    def email(self, name: str, default: str) -> str:
        value = self.string(name, default)
        if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+", value.split("<")[-1].rstrip(">").strip()):
            raise SettingError(f"{name} must be an email address (got {value!r}).")
        return value

    def path(self, name: str, default: Path) -> Path:
        value = self.raw(name)
        return default if value is None else Path(value).expanduser().resolve()
