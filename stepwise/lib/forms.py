"""Form fields shared across apps: time zones and mobile numbers with specific messages."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from stepwise.lib.tz import is_time_zone


class TimeZoneField(forms.CharField):
    """An IANA time-zone name, typed or picked from a list the template offers."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("help_text", "For example Europe/London or America/New_York.")
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"list": "time-zones", "autocomplete": "off", "data-detect-tz": ""}
        )

    def clean(self, value: Any) -> str:
        cleaned: str = super().clean(value)
        if cleaned and not is_time_zone(cleaned):
            raise forms.ValidationError(
                f"“{cleaned}” is not a time zone we know. Pick one from the list, "
                "for example Europe/London.",
                code="unknown_time_zone",
            )
        return cleaned


_PHONE_JUNK = re.compile(r"[\s\-().]")
# A mobile number in international (E.164) form: + and 7 to 15 digits, no leading zero.
E164 = re.compile(r"\+[1-9]\d{6,14}")


class MobileField(forms.CharField):
    """A mobile number in international form (+ and country code), stored without spaces."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 24)
        kwargs.setdefault("help_text", "With the country code, for example +44 7700 900123.")
        super().__init__(**kwargs)
        self.widget.input_type = "tel"
        self.widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})

    def clean(self, value: Any) -> str:
        cleaned: str = super().clean(value)
        if not cleaned:
            return ""
        compact = _PHONE_JUNK.sub("", cleaned)
        if compact.startswith("00"):
            compact = "+" + compact[2:]
        if not E164.fullmatch(compact):
            raise forms.ValidationError(
                "Enter the mobile number with its country code, starting with +, "
                "for example +44 7700 900123.",
                code="invalid_mobile",
            )
        return compact
