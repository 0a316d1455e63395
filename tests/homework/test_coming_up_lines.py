"""The client's "Coming up" list says each homework once a day, with how many times."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from stepwise.homework.today import Person


def _item(day: date, pk: int, title: str) -> Any:
    return SimpleNamespace(
        occurrence=SimpleNamespace(opens=day), assignment=SimpleNamespace(pk=pk, title=title)
    )


def test_three_openings_of_one_homework_on_one_day_are_one_line() -> None:
    thursday, friday = date(2026, 12, 10), date(2026, 12, 11)
    person = Person(client=None, today=date(2026, 12, 7), as_caregiver=False)  # type: ignore[arg-type]
    person.coming_up = [
        _item(thursday, 1, "Plan and rate your activities"),
        _item(thursday, 1, "Plan and rate your activities"),
        _item(thursday, 1, "Plan and rate your activities"),
        _item(thursday, 2, "Daily mood check-in"),
        _item(friday, 2, "Daily mood check-in"),
    ]
    assert person.coming_up_days == [
        (thursday, "Plan and rate your activities", 3),
        (thursday, "Daily mood check-in", 1),
        (friday, "Daily mood check-in", 1),
    ]
