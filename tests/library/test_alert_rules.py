"""Exercise alert rules: explicit data in the definition, validated, and a pure check of answers."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from stepwise.library.loader import shipped_definitions
from stepwise.library.responses import fired_alert_rules, validate_response
from stepwise.library.schema import ExerciseDefinition
from tests.library.test_shipped_content import example_answers


def mood_check_in() -> ExerciseDefinition:
    return next(d for d in shipped_definitions() if d.slug == "daily-mood-check-in")


def with_rules(*rules: dict[str, Any]) -> dict[str, Any]:
    document = mood_check_in().model_dump(mode="json")
    document["alert_rules"] = list(rules)
    return document


def test_the_shipped_mood_check_in_alerts_on_mood_0_and_hopeless_at_its_strongest() -> None:
    rules = [(r.source, r.field, r.operator.value, r.value) for r in mood_check_in().alert_rules]
    assert rules == [
        ("mood", None, "at_most", 0),
        ("feelings", "hopeless", "at_least", 100),
    ]


@pytest.mark.parametrize(
    ("changes", "fired"),
    [
        ({"mood": 0}, [{"step": "mood", "field": None, "value": 0.0}]),
        ({"mood": 1}, []),
        (
            {"feelings": [{"emotion": "hopeless", "intensity": 100}]},
            [{"step": "feelings", "field": "hopeless", "value": 100.0}],
        ),
        ({"feelings": [{"emotion": "hopeless", "intensity": 99}]}, []),
        ({"feelings": [{"emotion": "sad", "intensity": 100}]}, []),
        ({"feelings": []}, []),
    ],
)
def test_a_rule_fires_only_when_the_answer_meets_it(
    changes: dict[str, Any], fired: list[dict[str, Any]]
) -> None:
    definition = mood_check_in()
    answers = {**example_answers(definition), **changes}
    validated = validate_response(definition, answers)
    assert fired_alert_rules(definition, validated.answers) == fired


def test_an_unanswered_optional_step_fires_nothing() -> None:
    definition = ExerciseDefinition.model_validate(
        with_rules({"source": "feelings", "field": "hopeless", "operator": "at_least", "value": 1})
    )
    answers = {**example_answers(definition)}
    answers.pop("feelings")
    validated = validate_response(definition, answers)
    assert fired_alert_rules(definition, validated.answers) == []


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ({"source": "nope", "operator": "at_most", "value": 0}, "reads step 'nope'"),
        ({"source": "mood", "operator": "at_most", "value": 11}, "outside the step's range 0"),
        ({"source": "went_well", "operator": "equals", "value": 1}, "text step gives no single"),
        ({"source": "feelings", "operator": "at_least", "value": 90}, "name the emotion"),
        (
            {"source": "feelings", "field": "bored", "operator": "at_least", "value": 90},
            "has no emotion 'bored'",
        ),
        ({"source": "mood", "field": "x", "operator": "at_most", "value": 0}, "has no fields"),
        ({"source": "mood", "operator": "below", "value": 0}, "operator"),
        ({"source": "mood", "value": 0}, "operator"),
        ({"source": "mood", "operator": "at_most", "value": 0, "extra": 1}, "extra"),
    ],
)
def test_a_rule_that_cannot_apply_is_refused_with_a_reason(
    rule: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        ExerciseDefinition.model_validate(with_rules(rule))
    assert problem in str(refused.value)


def test_a_definition_without_rules_keeps_its_content_hash() -> None:
    from stepwise.library.shipped import content_hash

    document = mood_check_in().model_dump(mode="json")
    document["alert_rules"] = []
    without = {k: v for k, v in document.items() if k != "alert_rules"}
    assert content_hash(document) == content_hash(without)
