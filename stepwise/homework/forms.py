"""Forms of the homework pages. The assign form: what, for whom, how often, until when, and when
to remind; defaults are what a therapist would pick: daily for skills practice, weekly for
questionnaires. Then feedback, editing a schedule or details, and plans.

The forms only parse; whether a schedule can be kept is the action's call (`ScheduleError`),
whose message the view puts on the form so what was typed stays.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stepwise.homework.models import Assignee, Assignment, HomeworkPlan
from stepwise.homework.schedule import Frequency, ScheduleError
from stepwise.homework.schedule_fields import (
    WEEKDAY_CHOICES,
    ScheduleDateField,
    ScheduleFieldsForm,
    frequency_choices,
)
from stepwise.library.titles import reader_text

RECOMMENDED = "recommended"
DEFAULT_REMINDER = time(18, 0)  # until the client chooses their own time
FREQUENCIES = frequency_choices(
    first=(
        RECOMMENDED,
        _("Recommended: every day for an exercise, every week for a questionnaire"),
    ),
    wording={
        Frequency.DAILY: _("Every day"),
        Frequency.TIMES_PER_WEEK: _("A number of times each week"),
        Frequency.ONCE: _("Once, by a date"),
    },
)
ENDS = [
    ("never", _("No end date")),
    ("date", _("On a date")),
    ("count", _("After a number of times")),
]


class AssignForm(ScheduleFieldsForm):
    item = forms.ChoiceField(label=_("What to practise"))
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=FREQUENCIES,
        initial=RECOMMENDED,
        required=False,
        widget=forms.RadioSelect,
    )
    times_per_week = forms.IntegerField(
        label=_("Times each week"), min_value=1, max_value=7, initial=3, required=False
    )
    weekdays = forms.MultipleChoiceField(
        label=_("Days of the week"),
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interval_weeks = forms.IntegerField(
        label=_("Every how many weeks"), min_value=1, max_value=52, initial=2, required=False
    )
    due = ScheduleDateField(label=_("Due by"), required=False)
    start = ScheduleDateField(label=_("Starting"), required=False)
    ends = forms.ChoiceField(
        label=_("Ends"), choices=ENDS, initial="never", required=False, widget=forms.RadioSelect
    )
    end = ScheduleDateField(label=_("Last day"), required=False)
    max_count = forms.IntegerField(
        label=_("Number of times"), min_value=1, max_value=365, required=False
    )
    reminder_time = forms.TimeField(
        label=_("Reminder time (the client's local time)"),
        initial=DEFAULT_REMINDER,
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    note = forms.CharField(
        label=_("A personal note for the client (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown only inside Stepwise, never in reminders."),
    )
    assignee = forms.ChoiceField(
        label=_("Who does it"),
        choices=Assignee.choices,
        initial=Assignee.CLIENT,
        widget=forms.RadioSelect,
    )
    hidden_from_caregiver = forms.BooleanField(
        label=_("Hide from the client's parent or carer"), required=False
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
        choose = ("", gettext("Choose an exercise or questionnaire"))
        self.fields["item"].choices = [choose, *item_choices]  # type: ignore[attr-defined]
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
            self.add_error("end", gettext("Choose the last day, or pick “No end date”."))
        if cleaned.get("ends") == "count" and not cleaned.get("max_count"):
            self.add_error("max_count", gettext("How many times in all?"))
        if cleaned.get("start") and cleaned["start"] < self.today - timedelta(days=1):
            self.add_error("start", gettext("The start cannot be in the past."))
        if self.errors:
            return cleaned
        try:
            self.schedule().validate(today=self.today)
        except ScheduleError as exc:
            self.add_error(None, str(exc))
        return cleaned


FEEDBACK_MAX = 2000


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label=_("Feedback for the client"),
        max_length=FEEDBACK_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("They see it with this piece of homework. Up to 2000 characters."),
        error_messages={
            "required": _("Write some feedback first."),
            "max_length": _("Feedback can be at most 2000 characters (this is %(show_value)d)."),
        },
    )


class ScheduleForm(ScheduleFieldsForm):
    frequency = forms.ChoiceField(
        label=_("How often"), choices=frequency_choices(), widget=forms.RadioSelect
    )
    start = ScheduleDateField(label=_("Starts on"))
    times_per_week = forms.IntegerField(
        label=_("Times a week"),
        required=False,
        help_text=_("For “a number of times a week”: 1 to 7."),
    )
    weekdays = forms.MultipleChoiceField(
        label=_("Days of the week"),
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For “on chosen days of the week”."),
    )
    interval_weeks = forms.IntegerField(
        label=_("Every how many weeks"),
        required=False,
        help_text=_("For “every few weeks”: 1 to 52."),
    )
    due = ScheduleDateField(label=_("Due date"), required=False, help_text=_("For “once”."))
    end = ScheduleDateField(
        label=_("Last day"),
        required=False,
        help_text=_("Leave empty to keep going until you end it."),
    )
    max_count = forms.IntegerField(
        label=_("Or stop after this many times"),
        max_value=365,  # as on the assign form; the schedule itself checks the lower end
        required=False,
        help_text=_("Leave empty for no limit."),
    )


class DetailsForm(forms.Form):
    note = forms.CharField(
        label=_("Personal note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the client with this homework; never sent in reminders."),
    )
    reminder_time = forms.TimeField(
        label=_("Reminder time"), widget=TimeInput(), help_text=_("In the client's local time.")
    )
    hidden_from_caregiver = forms.BooleanField(
        label=_("Hide from their parent or carer"), required=False
    )


class AssignmentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # The exercise's title in the reader's language where it has one.
        return str(reader_text(str(obj.title)))


class PlanForm(forms.Form):
    name = forms.CharField(
        label=_("Plan name"),
        max_length=120,
        help_text=_("For example “Week 1 of panic treatment”. Other therapists may see it."),
    )
    assignments = AssignmentChoiceField(
        label=_("Homework to include"),
        queryset=Assignment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one piece of homework for the plan.")},
    )
    shared_with_practice = forms.BooleanField(
        label=_("Share with the therapists of my practice"), required=False
    )

    def __init__(self, *args: Any, assignments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignments"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = assignments


class PlanAssignForm(forms.Form):
    plan = forms.ModelChoiceField(
        label=_("Homework plan"),
        queryset=HomeworkPlan.objects.none(),
        error_messages={
            "required": _("Choose a plan."),
            "invalid_choice": _("Choose one of the plans offered."),
        },
    )

    def __init__(self, *args: Any, plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["plan"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = plans
