"""The assign form: what, for whom, how often, until when, and when to remind. Defaults are
what a therapist would pick: daily for skills practice, weekly for questionnaires."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from django import forms

from stepwise.homework.models import Assignee
from stepwise.homework.schedule import Frequency, ScheduleError
from stepwise.homework.schedule_fields import (
    WEEKDAY_CHOICES,
    ScheduleDateField,
    ScheduleFieldsForm,
    frequency_choices,
)

RECOMMENDED = "recommended"
DEFAULT_REMINDER = time(18, 0)  # until the client chooses their own time
FREQUENCIES = frequency_choices(
    first=(RECOMMENDED, "Recommended: every day for an exercise, every week for a questionnaire"),
    wording={
        Frequency.DAILY: "Every day",
        Frequency.TIMES_PER_WEEK: "A number of times each week",
        Frequency.ONCE: "Once, by a date",
    },
)
ENDS = [("never", "No end date"), ("date", "On a date"), ("count", "After a number of times")]


class AssignForm(ScheduleFieldsForm):
    item = forms.ChoiceField(label="What to practise")
    frequency = forms.ChoiceField(
        label="How often",
        choices=FREQUENCIES,
        initial=RECOMMENDED,
        required=False,
        widget=forms.RadioSelect,
    )
    times_per_week = forms.IntegerField(
        label="Times each week", min_value=1, max_value=7, initial=3, required=False
    )
    weekdays = forms.MultipleChoiceField(
        label="Days of the week",
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interval_weeks = forms.IntegerField(
        label="Every how many weeks", min_value=1, max_value=52, initial=2, required=False
    )
    due = ScheduleDateField(label="Due by", required=False)
    start = ScheduleDateField(label="Starting", required=False)
    ends = forms.ChoiceField(
        label="Ends", choices=ENDS, initial="never", required=False, widget=forms.RadioSelect
    )
    end = ScheduleDateField(label="Last day", required=False)
    max_count = forms.IntegerField(
        label="Number of times", min_value=1, max_value=365, required=False
    )
    reminder_time = forms.TimeField(
        label="Reminder time (the client's local time)",
        initial=DEFAULT_REMINDER,
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    note = forms.CharField(
        label="A personal note for the client (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown only inside Stepwise, never in reminders.",
    )
    assignee = forms.ChoiceField(
        label="Who does it",
        choices=Assignee.choices,
        initial=Assignee.CLIENT,
        widget=forms.RadioSelect,
    )
    hidden_from_caregiver = forms.BooleanField(
        label="Hide from the client's parent or carer", required=False
    )

    def __init__(
        self,
        *args: Any,
        item_choices: list[tuple[str, list[tuple[str, str]]]],
        has_caregiver: bool,
        today: date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["item"].choices = [("", "Choose an exercise or questionnaire"), *item_choices]  # type: ignore[attr-defined]
        self.fields["start"].initial = today
        if not has_caregiver:
            del self.fields["assignee"]
            del self.fields["hidden_from_caregiver"]

    def schedule_data(self) -> dict[str, Any]:
        """Resolve "recommended" by the kind of item, and keep only the end that was chosen."""
        data = dict(self.cleaned_data)
        if data["frequency"] == RECOMMENDED:
            is_assessment = data["item"].startswith("assessment:")
            data["frequency"] = Frequency.EVERY_N_WEEKS if is_assessment else Frequency.DAILY
            data["interval_weeks"] = 1
        if data.get("ends") != "date":
            data["end"] = None
        if data.get("ends") != "count":
            data["max_count"] = None
        return data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # One click ("assign this as homework") sends only the item: the defaults fill the rest.
        cleaned["frequency"] = cleaned.get("frequency") or RECOMMENDED
        cleaned["start"] = cleaned.get("start") or self.today
        cleaned["ends"] = cleaned.get("ends") or "never"
        cleaned["reminder_time"] = cleaned.get("reminder_time") or DEFAULT_REMINDER
        if self.errors:
            return cleaned
        self.check_needed_fields(cleaned["frequency"])
        if cleaned.get("ends") == "date" and not cleaned.get("end"):
            self.add_error("end", "Choose the last day, or pick “No end date”.")
        if cleaned.get("ends") == "count" and not cleaned.get("max_count"):
            self.add_error("max_count", "How many times in all?")
        if cleaned.get("start") and cleaned["start"] < self.today - timedelta(days=1):
            self.add_error("start", "The start cannot be in the past.")
        if self.errors:
            return cleaned
        try:
            self.schedule().validate(today=self.today)
        except ScheduleError as exc:
            self.add_error(None, str(exc))
        return cleaned
