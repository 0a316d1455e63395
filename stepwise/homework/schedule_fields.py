"""What the assign form and the schedule-edit form share: the frequency and weekday choices,
which field each frequency needs, and turning the cleaned fields into a `Schedule`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from stepwise.homework.schedule import HORIZON_DAYS, Frequency, Schedule
from stepwise.lib.forms import DateInRangeField

# The plain words, as the therapist's pages say a schedule (`summaries.how_often`).
FREQUENCY_LABELS: Mapping[Frequency, str] = {
    Frequency.DAILY: "Daily",
    Frequency.TIMES_PER_WEEK: "A number of times a week",
    Frequency.WEEKDAYS: "On chosen days of the week",
    Frequency.EVERY_N_WEEKS: "Every few weeks",
    Frequency.ONCE: "Once, by a due date",
}
WEEKDAY_CHOICES = [
    (str(n), name)
    for n, name in enumerate(
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    )
]
# The field a frequency cannot do without, and what to say when it is left empty.
NEEDED_FOR: Mapping[str, tuple[str, str]] = {
    Frequency.TIMES_PER_WEEK.value: ("times_per_week", "How many times each week? From 1 to 7."),
    Frequency.WEEKDAYS.value: ("weekdays", "Choose at least one day of the week."),
    Frequency.ONCE.value: ("due", "Choose the date it is due by."),
}


class ScheduleDateField(DateInRangeField):
    """A start, due or last day: from a year back to the schedule's horizon ahead."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(years_back=1, years_ahead=HORIZON_DAYS // 366, **kwargs)


def frequency_choices(
    *, first: tuple[str, str] | None = None, wording: Mapping[Frequency, str] | None = None
) -> list[tuple[str, str]]:
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
            self.add_error(*needed)
