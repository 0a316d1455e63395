"""percent_of: the arithmetic behind metrics such as sleep efficiency."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from stepwise.library.loader import shipped_definitions
from stepwise.library.percentages import percent_of
from stepwise.library.schema import ExerciseDefinition


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (6, 8, 75.0),  # 6 h asleep in 8 h in bed
        (7.5, 7.5, 100.0),
        (0, 8, 0.0),
        (5.5, 7.75, 5.5 / 7.75 * 100),
    ],
)
def test_it_gives_the_part_as_a_percentage_of_the_whole(
    part: float, whole: float, expected: float
) -> None:
    assert percent_of(part, whole) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("part", "whole"),
    [(None, 8), (6, None), (6, 0), (0, 0), (9, 8), (-1, 8)],
)
def test_it_gives_nothing_without_a_whole_or_for_an_inconsistent_part(
    part: float | None, whole: float | None
) -> None:
    assert percent_of(part, whole) is None


def _diary(metrics: Sequence[Mapping[str, object]]) -> dict[str, object]:
    shipped = next(d for d in shipped_definitions() if d.slug == "sleep-diary")
    return {**shipped.model_dump(mode="json"), "metrics": metrics}


@pytest.mark.parametrize(
    "percent_of_name",
    ["nowhere", "ratio"],  # no such metric; itself
)
def test_a_percentage_must_name_another_plain_metric(percent_of_name: str) -> None:
    metrics = [
        {
            "name": "in_bed",
            "label": "In bed",
            "source": "night",
            "field": "hours_in_bed",
            "aggregate": "sum",
        },
        {
            "name": "ratio",
            "label": "Ratio",
            "source": "night",
            "field": "hours_asleep",
            "aggregate": "sum",
            "percent_of": percent_of_name,
        },
    ]

    with pytest.raises(ValueError, match="percent_of must name another metric"):
        ExerciseDefinition.model_validate(_diary(metrics))


def test_a_percentage_of_a_percentage_is_refused() -> None:
    metrics = [
        {
            "name": "in_bed",
            "label": "In bed",
            "source": "night",
            "field": "hours_in_bed",
            "aggregate": "sum",
            "percent_of": "asleep",
        },
        {
            "name": "asleep",
            "label": "Asleep",
            "source": "night",
            "field": "hours_asleep",
            "aggregate": "sum",
            "percent_of": "in_bed",
        },
    ]

    with pytest.raises(ValueError, match="percent_of must name another metric"):
        ExerciseDefinition.model_validate(_diary(metrics))


def test_a_metric_without_a_percentage_dumps_as_before() -> None:
    metrics = [
        {
            "name": "in_bed",
            "label": "In bed",
            "source": "night",
            "field": "hours_in_bed",
            "aggregate": "sum",
        }
    ]

    dumped = ExerciseDefinition.model_validate(_diary(metrics)).model_dump(mode="json")

    assert "percent_of" not in dumped["metrics"][0]
