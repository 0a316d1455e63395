"""Instrument files load into checked definitions; broken ones are explained problem by problem."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from stepwise.assessments.definitions import (
    INSTRUMENTS_DIR,
    InstrumentError,
    load_instrument,
    possible_scores,
    possible_subscale_scores,
    shipped_instruments,
    validate_instrument,
)

from .helpers import DEFINITIONS, raw_instrument

OFF_BY_DEFAULT = {
    "k10",
    "pss10",
    "scared_child",
    "scared_parent",
    "phqa",
    "smfq_child",
    "smfq_parent",
    "asq",
}


def test_all_twenty_shipped_instruments_load() -> None:
    assert sorted(DEFINITIONS) == [
        "asq",
        "auditc",
        "brs",
        "dass21",
        "gad2",
        "gad7",
        "k10",
        "pcl5",
        "phq2",
        "phq8",
        "phq9",
        "phqa",
        "psc17",
        "pss10",
        "scared_child",
        "scared_parent",
        "smfq_child",
        "smfq_parent",
        "swls",
        "who5",
    ]


def test_shipped_instruments_are_loaded_once_but_handed_out_as_fresh_dicts() -> None:
    first, second = shipped_instruments(), shipped_instruments()
    assert first is not second
    assert first["phq9"] is second["phq9"]


def test_enabled_by_default_matches_the_licence_table() -> None:
    off = {iid for iid, definition in DEFINITIONS.items() if not definition.enabled_by_default}
    assert off == OFF_BY_DEFAULT


def test_fields_the_scorer_does_not_use_are_kept() -> None:
    phq9 = DEFINITIONS["phq9"]
    assert phq9.model_extra is not None
    assert "Pfizer" in phq9.model_extra["license"]
    assert phq9.model_extra["sources"]


def test_load_instrument_from_a_path_and_from_a_mapping_agree() -> None:
    path = INSTRUMENTS_DIR / "gad7.json"
    from_path = load_instrument(path)
    from_text_path = load_instrument(str(path))
    from_mapping = load_instrument(json.loads(path.read_text()))
    assert from_path == from_text_path == from_mapping


@pytest.mark.parametrize("instrument_id", sorted(DEFINITIONS))
def test_every_shipped_file_passes_import_validation(instrument_id: str) -> None:
    text = (INSTRUMENTS_DIR / f"{instrument_id}.json").read_text()
    assert validate_instrument(text) == []


def test_validation_refuses_an_id_already_taken() -> None:
    problems = validate_instrument(raw_instrument("phq9"), taken_ids=set(DEFINITIONS))
    assert problems == ["id 'phq9' is already used by another instrument; choose another id"]


def test_validation_explains_text_that_is_not_json() -> None:
    problems = validate_instrument("{not json")
    assert len(problems) == 1
    assert problems[0].startswith("not valid JSON")


def test_validation_refuses_json_that_is_not_an_object() -> None:
    assert validate_instrument("[1, 2]") == ["the file must hold one JSON object"]


def test_load_instrument_names_the_file_and_lists_its_problems(tmp_path: Path) -> None:
    data = raw_instrument("phq9")
    data["bands"][1]["min"] = 6
    data["critical_items"][0]["number"] = 12
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InstrumentError) as caught:
        load_instrument(path)
    assert caught.value.where == "broken.json"
    assert len(caught.value.problems) == 2
    assert str(caught.value).startswith("broken.json: ")


def test_load_instrument_reports_an_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(InstrumentError, match=r"cannot read the file"):
        load_instrument(tmp_path / "absent.json")


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """An edit that sets one value, addressed like 'bands.1.min'."""

    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return edit


def _rename(data: dict[str, Any]) -> None:
    data["id"] = "practice_phq9"


def _drop_rule_text(data: dict[str, Any]) -> None:
    data["id"] = "practice_phq9"
    data["reliable_change"]["rule"] = "6 points"


def _contradict_direction(data: dict[str, Any]) -> None:
    data["higher_is_better"] = True


def _both_band_kinds(data: dict[str, Any]) -> None:
    data["bands"] = data["bands_by_sex"]["male"]


def _drop_items(data: dict[str, Any]) -> None:
    del data["items"]


BROKEN: list[tuple[str, str, Callable[[dict[str, Any]], None], str]] = [
    ("band gap", "phq9", _set("bands.1.min", 6), "bands leave a gap: no band for score 5"),
    ("band overlap", "phq9", _set("bands.1.min", 4), "overlap or are out of order"),
    (
        "bands stop short",
        "phq9",
        _set("bands.4.max", 26),
        "bands run from 0 to 26 but scores run from 0 to 27",
    ),
    (
        "sex bands with a gap",
        "auditc",
        _set("bands_by_sex.female.1.min", 4),
        "bands_by_sex.female leave a gap: no band for score 3",
    ),
    ("both kinds of band", "auditc", _both_band_kinds, "either bands or bands_by_sex"),
    (
        "subscale band gap",
        "dass21",
        _set("scoring.subscales.stress.bands.1.min", 18),
        "subscale 'stress' bands leave a gap: no band for score 16",
    ),
    ("items misnumbered", "phq9", _set("items.2.number", 7), "numbered 1 to 9 in order"),
    (
        "duplicate option",
        "phq9",
        _set("options.1.value", 0),
        "options: value 0 appears more than once",
    ),
    (
        "option value as text",
        "phq9",
        _set("options.1.value", "1"),
        "options[1].value: should be a whole number, not '1'",
    ),
    (
        "critical item not an item",
        "phq9",
        _set("critical_items.0.number", 12),
        "critical item 12 is not an item",
    ),
    (
        "critical rule not understood",
        "phq9",
        _set("critical_items.0.rule", "whenever worrying"),
        "rule 'whenever worrying' is not understood",
    ),
    (
        "critical supplementary id unknown",
        "phqa",
        _set("critical_items.2.number", "ever_attempted"),
        "critical item 'ever_attempted' names no item",
    ),
    (
        "subscale item out of range",
        "pcl5",
        _set("scoring.subscales.E_arousal_reactivity.items.5", 21),
        "subscale 'E_arousal_reactivity' lists item 21",
    ),
    (
        "item claims unknown subscale",
        "pcl5",
        _set("items.0.subscale", "F_unknown"),
        "item 1 belongs to subscale 'F_unknown', not defined",
    ),
    (
        "subscale range wrong",
        "psc17",
        _set("scoring.subscales.attention.max", 12),
        "subscale 'attention' min/max say 0-12 but its items give 0-10",
    ),
    (
        "method not understood",
        "phq9",
        _set("scoring.method", "add them up"),
        "scoring.method 'add them up' is not understood",
    ),
    (
        "declared range wrong",
        "phq9",
        _set("scoring.max", 30),
        "scoring.min/max say 0-30 but the items give 0-27",
    ),
    (
        "reverse flag disagrees with method",
        "pss10",
        _set("items.3.reverse", False),
        "scoring.method reverses items 4, 5, 7, 8 but the items marked reverse are 5, 7, 8",
    ),
    (
        "raw range disagrees with multiplier",
        "who5",
        _set("scoring.raw_max", 20),
        "scoring.raw_min/raw_max do not match the multiplier",
    ),
    (
        "blanks scored 0 without a limit",
        "psc17",
        _set("scoring.missing_rule", "Items left blank are scored 0."),
        "scores blanks as 0 but gives no limit",
    ),
    (
        "sum that would need prorating",
        "phq9",
        _set("scoring.missing_rule", "Require at least 8 of 9."),
        "a sum would need prorating",
    ),
    ("reliable change without direction", "phq9", _drop_rule_text, "needs a direction"),
    ("direction contradicted", "phq9", _contradict_direction, "contradicts itself"),
    ("id not a slug", "phq9", _set("id", "PHQ 9"), "id: should be up to 40 lower-case letters"),
    ("items missing", "phq9", _drop_items, "items: Field required"),
    ("reverse flag not boolean", "brs", _set("items.1.reverse", "yes"), "should be true or false"),
]


@pytest.mark.parametrize(
    ("instrument_id", "edit", "expected"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_validation_explains_a_broken_definition(
    instrument_id: str, edit: Callable[[dict[str, Any]], None], expected: str
) -> None:
    data = raw_instrument(instrument_id)
    edit(data)
    problems = validate_instrument(data)
    assert any(expected in problem for problem in problems), problems


def test_validation_lists_every_problem_at_once() -> None:
    data = raw_instrument("phq9")
    data["bands"][1]["min"] = 6
    data["critical_items"][0]["number"] = 12
    data["scoring"]["max"] = 30
    assert len(validate_instrument(data)) == 3


def test_a_renamed_copy_keeps_the_direction_stated_in_its_text() -> None:
    data = raw_instrument("phq9")
    _rename(data)
    assert load_instrument(data).plan.higher_is_better is False


def test_an_imported_instrument_can_state_its_direction() -> None:
    data = raw_instrument("phq9")
    _drop_rule_text(data)
    data["higher_is_better"] = False
    assert load_instrument(data).plan.higher_is_better is False


@pytest.mark.parametrize(
    ("instrument_id", "higher_is_better"),
    [
        ("phq9", False),
        ("gad7", False),
        ("who5", True),
        ("pcl5", False),
        ("swls", True),
        ("brs", True),
    ],
)
def test_direction_of_improvement(instrument_id: str, higher_is_better: bool) -> None:
    assert DEFINITIONS[instrument_id].plan.higher_is_better is higher_is_better


def _brute_force_totals(instrument_id: str, blanks_allowed: int) -> set[Fraction]:
    definition = DEFINITIONS[instrument_id]
    plan = definition.plan
    choices = [[*scores.values(), None] for scores in plan.item_scores]
    totals: set[Fraction] = set()
    for combo in itertools.product(*choices):
        answered = [v for v in combo if v is not None]
        if len(combo) - len(answered) > blanks_allowed:
            continue
        if plan.aggregate == "mean":
            totals.add(Fraction(sum(answered), len(answered)))
        else:
            totals.add(Fraction(sum(answered) * plan.multiplier))
    return totals


@pytest.mark.parametrize(
    ("instrument_id", "blanks_allowed"),
    [("phq2", 0), ("gad2", 0), ("auditc", 0), ("who5", 0), ("swls", 0), ("brs", 1)],
)
def test_possible_scores_match_a_brute_force_enumeration(
    instrument_id: str, blanks_allowed: int
) -> None:
    expected = _brute_force_totals(instrument_id, blanks_allowed)
    assert possible_scores(DEFINITIONS[instrument_id]) == expected


def test_who5_possible_scores_are_the_multiples_of_four() -> None:
    assert possible_scores(DEFINITIONS["who5"]) == {Fraction(n) for n in range(0, 101, 4)}


def test_dass21_has_no_possible_totals_but_doubled_subscale_scores() -> None:
    dass21 = DEFINITIONS["dass21"]
    assert possible_scores(dass21) == frozenset()
    expected = {Fraction(n) for n in range(0, 43, 2)}
    assert possible_subscale_scores(dass21, "depression") == expected
