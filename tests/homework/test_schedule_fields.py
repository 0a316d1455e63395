"""The schedule fields the assign form and the schedule-edit form share: the same choices in each
form's words, the field each frequency needs, and the schedule that what was typed describes."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms

from stepwise.homework.forms import AssignForm, ScheduleForm
from stepwise.homework.schedule import Frequency, Schedule
from stepwise.homework.schedule_fields import FREQUENCY_LABELS, frequency_choices

TODAY = date(2026, 11, 26)
ITEMS = [
    ("Exercises", [("exercise:1", "Thought record")]),
    ("Questionnaires", [("assessment:2", "PHQ-9")]),
]


def assign_form(data: dict[str, object]) -> AssignForm:
    return AssignForm(data, item_choices=ITEMS, has_caregiver=False, today=TODAY)


def choices(form: forms.Form, name: str) -> list[tuple[str, str]]:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return list(field.choices)  # type: ignore[arg-type]


def test_both_forms_offer_the_same_frequencies_in_their_own_words() -> None:
    edit, assign = ScheduleForm(), AssignForm(item_choices=ITEMS, has_caregiver=False, today=TODAY)

    edit_values = [value for value, _ in choices(edit, "frequency")]
    assert edit_values == [f.value for f in FREQUENCY_LABELS]
    assert [value for value, _ in choices(assign, "frequency")] == ["recommended", *edit_values]
    assert dict(choices(edit, "frequency"))["daily"] == "Daily"
    assert dict(choices(assign, "frequency"))["daily"] == "Every day"
    assert choices(edit, "weekdays") == choices(assign, "weekdays")


def test_a_form_may_put_its_own_choice_first_and_reword_some() -> None:
    choices = frequency_choices(first=("x", "Mine"), wording={Frequency.ONCE: "Just once"})

    assert choices[0] == ("x", "Mine")
    assert choices[-1] == ("once", "Just once")
    assert choices[1] == ("daily", "Daily")


@pytest.mark.parametrize(
    ("frequency", "field", "message"),
    [
        ("times_per_week", "times_per_week", "How many times each week? From 1 to 7."),
        ("weekdays", "weekdays", "Choose at least one day of the week."),
        ("once", "due", "Choose the date it is due by."),
    ],
)
def test_the_assign_form_asks_for_the_field_the_frequency_needs(
    frequency: str, field: str, message: str
) -> None:
    form = assign_form({"item": "exercise:1", "frequency": frequency})

    assert not form.is_valid()
    assert form.errors == {field: [message]}


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("exercise:1", Schedule(Frequency.DAILY, TODAY)),
        ("assessment:2", Schedule(Frequency.EVERY_N_WEEKS, TODAY, interval_weeks=1)),
    ],
)
def test_one_click_assigns_the_recommended_schedule(item: str, expected: Schedule) -> None:
    form = assign_form({"item": item, "interval_weeks": "4", "end": "2026-12-31"})

    assert form.is_valid(), form.errors
    assert form.schedule() == expected  # no end unless "ends on a date" was chosen


def test_the_assign_form_keeps_only_the_end_that_was_chosen() -> None:
    form = assign_form(
        {
            "item": "exercise:1",
            "frequency": "weekdays",
            "weekdays": ["0", "3"],
            "ends": "count",
            "end": "2026-12-31",
            "max_count": "5",
        }
    )

    assert form.is_valid(), form.errors
    assert form.schedule() == Schedule(
        Frequency.WEEKDAYS, TODAY, max_count=5, weekdays=frozenset({0, 3})
    )


def test_the_edit_form_leaves_the_checks_to_the_schedule_and_fills_empty_numbers() -> None:
    form = ScheduleForm({"frequency": "times_per_week", "start": "2026-11-26"})
    assert form.is_valid(), form.errors
    assert form.schedule() == Schedule(Frequency.TIMES_PER_WEEK, TODAY, times_per_week=1)

    zero = ScheduleForm({"frequency": "every_n_weeks", "start": "2026-11-26", "interval_weeks": 0})
    assert zero.is_valid(), zero.errors
    assert zero.schedule().interval_weeks == 0  # kept, so the schedule's own check names it
