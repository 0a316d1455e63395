"""What the assign form and the schedule-edit form share: the frequency and weekday choices,
which field each frequency needs, and turning the cleaned fields into a `Schedule`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stepwise.homework.schedule import HORIZON_DAYS, Frequency, Schedule
from stepwise.lib.forms import DateInRangeField

# The plain words, as the therapist's pages say a schedule (`summaries.how_often`).
FREQUENCY_LABELS: Mapping[Frequency, str | Promise] = {
    Frequency.DAILY: _("Daily"),
    Frequency.TIMES_PER_WEEK: _("A number of times a week"),
    Frequency.WEEKDAYS: _("On chosen days of the week"),
    Frequency.EVERY_N_WEEKS: _("Every few weeks"),
    Frequency.ONCE: _("Once, by a due date"),
}
# Django's own weekday names (0 = Monday), in the active language.
WEEKDAY_CHOICES = [(str(n), WEEKDAYS[n]) for n in range(7)]
# The field a frequency cannot do without, and what to say when it is left empty.
NEEDED_FOR: Mapping[str, tuple[str, str | Promise]] = {
    Frequency.TIMES_PER_WEEK.value: ("times_per_week", _("How many times each week? From 1 to 7.")),
    Frequency.WEEKDAYS.value: ("weekdays", _("Choose at least one day of the week.")),
    Frequency.ONCE.value: ("due", _("Choose the date it is due by.")),
}


class ScheduleDateField(DateInRangeField):
    """A start, due or last day: from a year back to the schedule's horizon ahead."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(years_back=1, years_ahead=HORIZON_DAYS // 366, **kwargs)


def frequency_choices(
    *,
    first: tuple[str, str | Promise] | None = None,
    wording: Mapping[Frequency, str | Promise] | None = None,
) -> list[tuple[str, str | Promise]]:
    """The frequencies as choices, optionally after a form's own `first` choice (a default the
    form resolves itself) and with some labels in the form's own `wording`."""
    labels = {**FREQUENCY_LABELS, **(wording or {})}
    choices = [(frequency.value, label) for frequency, label in labels.items()]
    return [first, *choices] if first else choices


class ScheduleFieldsForm(forms.Form):
    """A form whose fields describe a schedule: `frequency`, `start`, `times_per_week`,
    `weekdays`, `interval_weeks`, `due`, `end` and `max_count`, each declared by the subclass in
    its own words. An empty number falls back to the schedule's default of 1."""

    def schedule_data(self) -> Mapping[str, Any]:
        """The cleaned fields as the schedule reads them; a subclass resolves its own extras."""
        return self.cleaned_data

    def schedule(self) -> Schedule:
        """The schedule the form describes (after `is_valid()`); not yet validated."""
        data = self.schedule_data()

        def number(name: str) -> int:
            value = data.get(name)
            return 1 if value is None else int(value)

        return Schedule(
            frequency=Frequency(data["frequency"]),
            start=data["start"],
            end=data.get("end"),
            max_count=data.get("max_count"),
            due=data.get("due"),
            times_per_week=number("times_per_week"),
            weekdays=frozenset(int(d) for d in data.get("weekdays") or ()),
            interval_weeks=number("interval_weeks"),
        )

    def check_needed_fields(self, frequency: str) -> None:
        """Put an error on the field that `frequency` needs when it was left empty."""
        needed = NEEDED_FOR.get(frequency)
        if needed is not None and not self.cleaned_data.get(needed[0]):
            self.add_error(needed[0], str(needed[1]))
