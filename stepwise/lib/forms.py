"""Form fields shared across apps: time zones, mobile numbers and dates, with specific messages."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stepwise.lib.tz import is_time_zone


class TimeZoneField(forms.CharField):
    """An IANA time-zone name, typed or picked from a list the template offers."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault(
            "help_text", gettext_lazy("For example Europe/London or America/New_York.")
        )
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"list": "time-zones", "autocomplete": "off", "data-detect-tz": ""}
        )

    def clean(self, value: Any) -> str:
        cleaned: str = super().clean(value)
        if cleaned and not is_time_zone(cleaned):
            raise forms.ValidationError(
                _(
                    "“%(zone)s” is not a time zone we know. Pick one from the list, "
                    "for example Europe/London."
                )
                % {"zone": cleaned},
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
        kwargs.setdefault(
            "help_text", gettext_lazy("With the country code, for example +44 7700 900123.")
        )
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
                _(
                    "Enter the mobile number with its country code, starting with +, "
                    "for example +44 7700 900123."
                ),
                code="invalid_mobile",
            )
        return compact


def _years_from(day: date, years: int) -> date:
    """`day` moved by whole years (29 February becomes 28 February), clamped to what exists."""
    year = min(max(day.year + years, date.min.year), date.max.year)
    return (
        day.replace(year=year, day=min(day.day, 28)) if day.month == 2 else day.replace(year=year)
    )


def date_bounds(years_back: int, years_ahead: int, today: date | None = None) -> tuple[date, date]:
    """The first and last day a date field accepts, counted from `today` (the local date)."""
    today = today or timezone.localdate()
    return _years_from(today, -years_back), _years_from(today, years_ahead)


class DateInRangeInput(forms.DateInput):
    """The browser's date picker, limited to the same range the server accepts."""

    input_type = "date"

    def __init__(self, years_back: int, years_ahead: int, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)
        self.years_back, self.years_ahead = years_back, years_ahead

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        low, high = date_bounds(self.years_back, self.years_ahead)
        attrs = {"min": low.isoformat(), "max": high.isoformat(), **(attrs or {})}
        return super().get_context(name, value, attrs)


class DateInRangeField(forms.DateField):
    """Every date a person types in Stepwise: a real date within a sane distance of today.

    A date like 9999-12-31 parses, but arithmetic on it (a schedule's next day, a day's end in
    UTC) overflows; a date decades away is a typo in any case. The range is counted from the
    local today at the moment the form is checked, so a long-running server never goes stale.
    """

    def __init__(self, *, years_back: int = 100, years_ahead: int = 10, **kwargs: Any) -> None:
        self.years_back, self.years_ahead = years_back, years_ahead
        kwargs.setdefault("widget", DateInRangeInput(years_back, years_ahead))
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value in self.empty_values:
            return
        low, high = date_bounds(self.years_back, self.years_ahead)
        if not low <= value <= high:
            raise forms.ValidationError(
                _("Enter a date between %(low)s and %(high)s."),
                code="date_out_of_range",
                params={
                    "low": dateformat.format(low, "j F Y"),
                    "high": dateformat.format(high, "j F Y"),
                },
            )
