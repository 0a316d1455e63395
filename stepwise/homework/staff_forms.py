"""Forms of the therapist's homework pages: feedback, editing a schedule or details, plans.

The forms only parse; whether a schedule can be kept is the action's call (`ScheduleError`),
whose message the view puts on the form so what was typed stays.
"""

from __future__ import annotations

from typing import Any

from django import forms

from stepwise.homework.models import Assignment, HomeworkPlan
from stepwise.homework.schedule_fields import (
    WEEKDAY_CHOICES,
    ScheduleDateField,
    ScheduleFieldsForm,
    frequency_choices,
)

FEEDBACK_MAX = 2000


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label="Feedback for the client",
        max_length=FEEDBACK_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="They see it with this piece of homework. Up to 2000 characters.",
        error_messages={
            "required": "Write some feedback first.",
            "max_length": "Feedback can be at most 2000 characters (this is %(show_value)d).",
        },
    )


class ScheduleForm(ScheduleFieldsForm):
    frequency = forms.ChoiceField(
        label="How often", choices=frequency_choices(), widget=forms.RadioSelect
    )
    start = ScheduleDateField(label="Starts on")
    times_per_week = forms.IntegerField(
        label="Times a week", required=False, help_text="For “a number of times a week”: 1 to 7."
    )
    weekdays = forms.MultipleChoiceField(
        label="Days of the week",
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For “on chosen days of the week”.",
    )
    interval_weeks = forms.IntegerField(
        label="Every how many weeks", required=False, help_text="For “every few weeks”: 1 to 52."
    )
    due = ScheduleDateField(label="Due date", required=False, help_text="For “once”.")
    end = ScheduleDateField(
        label="Last day",
        required=False,
        help_text="Leave empty to keep going until you end it.",
    )
    max_count = forms.IntegerField(
        label="Or stop after this many times",
        max_value=365,  # as on the assign form; the schedule itself checks the lower end
        required=False,
        help_text="Leave empty for no limit.",
    )


class DetailsForm(forms.Form):
    note = forms.CharField(
        label="Personal note",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown to the client with this homework; never sent in reminders.",
    )
    reminder_time = forms.TimeField(
        label="Reminder time", widget=TimeInput(), help_text="In the client's local time."
    )
    hidden_from_caregiver = forms.BooleanField(
        label="Hide from their parent or carer", required=False
    )


class AssignmentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class PlanForm(forms.Form):
    name = forms.CharField(
        label="Plan name",
        max_length=120,
        help_text="For example “Week 1 of panic treatment”. Other therapists may see it.",
    )
    assignments = AssignmentChoiceField(
        label="Homework to include",
        queryset=Assignment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one piece of homework for the plan."},
    )
    shared_with_practice = forms.BooleanField(
        label="Share with the therapists of my practice", required=False
    )

    def __init__(self, *args: Any, assignments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignments"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = assignments


class PlanAssignForm(forms.Form):
    plan = forms.ModelChoiceField(
        label="Homework plan",
        queryset=HomeworkPlan.objects.none(),
        error_messages={
            "required": "Choose a plan.",
            "invalid_choice": "Choose one of the plans offered.",
        },
    )

    def __init__(self, *args: Any, plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["plan"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = plans
