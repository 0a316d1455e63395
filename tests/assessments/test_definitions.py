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


def _drop_direction(data: dict[str, Any]) -> None:
    data["id"] = "practice_phq9"
    data["reliable_change"]["rule"] = "6 points"
    del data["scoring_rules"]["higher_is_better"]


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    """An edit that removes one key, addressed like 'scoring_rules.subscales.stress'."""

    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]

    return edit


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
        _set("scoring_rules.critical.0.item", 12),
        "critical rule for item 12: not an item; items run from 1 to 9",
    ),
    (
        "critical item without a rule",
        "phq9",
        _set("critical_items.0.number", 8),
        "critical_items lists 8 but scoring_rules.critical has no rule for it",
    ),
    (
        "critical operator unknown",
        "phq9",
        _set("scoring_rules.critical.0.operator", "=>"),
        "scoring_rules.critical[0].operator: Input should be '>=', '>', '<=', '<', '==' or '!='",
    ),
    (
        "critical value text for an item",
        "phq9",
        _set("scoring_rules.critical.0.value", "high"),
        "critical rule for item 9: an item's score is compared with a number, not 'high'",
    ),
    (
        "critical value a boolean",
        "phq9",
        _set("scoring_rules.critical.0.value", True),
        "should be a number, or an answer in quotes, not True",
    ),
    (
        "critical supplementary id unknown",
        "phqa",
        _set("scoring_rules.critical.2.item", "ever_attempted"),
        "critical rule for item 'ever_attempted': names no item",
    ),
    (
        "critical answer not an option",
        "phqa",
        _set("scoring_rules.critical.2.value", "Maybe"),
        "critical rule for item 'lifetime_attempt': 'Maybe' is not one of its options",
    ),
    (
        "subscale item out of range",
        "pcl5",
        _set("scoring_rules.subscales.E_arousal_reactivity.items.5", 21),
        "subscale 'E_arousal_reactivity' lists item 21; items run from 1 to 20",
    ),
    (
        "subscale items disagree with the described subscale",
        "pcl5",
        _set("scoring_rules.subscales.C_avoidance.items", [6]),
        "subscale 'C_avoidance': scoring_rules lists items 6 but scoring.subscales lists 6, 7",
    ),
    (
        "subscale without a rule",
        "dass21",
        _drop("scoring_rules.subscales.stress"),
        "scoring.subscales has 'stress' but scoring_rules.subscales does not",
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
        _set("scoring_rules.method", "add them up"),
        "scoring_rules.method: Input should be 'sum', 'mean', 'subscales' or 'screen'",
    ),
    (
        "scoring rules missing",
        "phq9",
        _drop("scoring_rules"),
        "scoring_rules is missing: state how the instrument is scored in explicit fields",
    ),
    (
        "a misspelt rule",
        "phq9",
        _set("scoring_rules.multipler", 2),
        "scoring_rules.multipler: Extra inputs are not permitted",
    ),
    (
        "a multiplied mean",
        "brs",
        _set("scoring_rules.multiplier", 2),
        "scoring_rules.multiplier: a mean score cannot also be multiplied",
    ),
    (
        "decimals on a sum",
        "phq9",
        _set("scoring_rules.decimals", 1),
        'scoring_rules.decimals is only for method "mean"',
    ),
    (
        "reverse item out of range",
        "brs",
        _set("scoring_rules.reverse_items", [2, 4, 7]),
        "scoring_rules.reverse_items lists item 7; items run from 1 to 6",
    ),
    (
        "declared range wrong",
        "phq9",
        _set("scoring.max", 30),
        "scoring.min/max say 0-30 but the items give 0-27",
    ),
    (
        "reverse flag disagrees with the rules",
        "pss10",
        _set("items.3.reverse", False),
        "item 4 says reverse: false but scoring_rules.reverse_items lists it",
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
        _set("scoring_rules.missing", {"policy": "blank_as_zero"}),
        '"blank_as_zero" needs max_missing, the most blanks allowed, from 1 to 16',
    ),
    (
        "sum that would need prorating",
        "phq9",
        _set("scoring_rules.missing", {"policy": "mean_of_answered", "min_answered": 8}),
        "a sum would need prorating",
    ),
    (
        "missing policy unknown",
        "phq9",
        _set("scoring_rules.missing", {"policy": "prorate"}),
        "scoring_rules.missing.policy: Input should be 'require_all', 'blank_as_zero' or",
    ),
    ("reliable change without direction", "phq9", _drop_direction, "needs a direction"),
    (
        "direction contradicted",
        "phq9",
        _contradict_direction,
        "higher_is_better says true but scoring_rules.higher_is_better says false",
    ),
    (
        "cut-off without two bands",
        "phq9",
        _set("scoring_rules.cutoff", {"min": 5, "max": 10}),
        "scoring_rules.cutoff needs a total score split into exactly two bands",
    ),
    (
        "cut-off at the lowest score",
        "pcl5",
        _set("scoring_rules.cutoff", {"min": 0, "max": 33}),
        "scoring_rules.cutoff runs from 0 to 33; it must lie within 1-80",
    ),
    (
        "cut-off range that misses the bands",
        "pcl5",
        _set("scoring_rules.cutoff", {"min": 20, "max": 30}),
        "scoring_rules.cutoff runs from 20 to 30 but the bands split at 33",
    ),
    (
        "cut-off with a misspelt key",
        "pcl5",
        _set("scoring_rules.cutoff", {"min": 31, "maximum": 33}),
        "scoring_rules.cutoff.maximum: Extra inputs are not permitted",
    ),
    (
        "screen item both screening and acuity",
        "asq",
        _set("scoring_rules.screen.acuity_item", 4),
        "item 4 cannot be both a screening and the acuity item",
    ),
    (
        "screen result not a band",
        "asq",
        _set("scoring_rules.screen.results.acute", "Acute"),
        "scoring_rules.screen.results.acute 'Acute' is not one of the bands' labels",
    ),
    (
        "screen positive value not an option",
        "asq",
        _set("scoring_rules.screen.positive_value", 2),
        "scoring_rules.screen.positive_value 2 is not an option of item 1",
    ),
    (
        "screen without its acuity results",
        "asq",
        _drop("scoring_rules.screen.results.undetermined"),
        "scoring_rules.screen.results needs a label for: undetermined",
    ),
    (
        "screen rules on a sum",
        "phq9",
        _set(
            "scoring_rules.screen",
            {"screening_items": [1], "positive_value": 1, "results": {"negative": "No"}},
        ),
        'scoring_rules.screen is only for method "screen"',
    ),
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
    data["scoring_rules"]["critical"][0]["item"] = 12
    data["scoring"]["max"] = 30
    assert len(validate_instrument(data)) == 4  # the bad rule also leaves item 9 without one


def test_a_renamed_copy_keeps_its_direction() -> None:
    data = raw_instrument("phq9")
    _rename(data)
    assert load_instrument(data).plan.higher_is_better is False


def test_an_imported_instrument_can_state_its_direction_at_the_top_level_too() -> None:
    data = raw_instrument("phq9")
    _drop_direction(data)
    data["higher_is_better"] = False
    assert load_instrument(data).plan.higher_is_better is False


def test_the_scorer_follows_the_explicit_rules_not_the_prose() -> None:
    data = raw_instrument("who5")
    data["id"] = "practice_who5"
    data["scoring"]["method"] = "the sum of the items, not multiplied"
    data["scoring"]["rounding"] = "3 decimals"
    definition = load_instrument(data)
    assert (definition.plan.aggregate, definition.plan.multiplier) == ("sum", 4)


def test_an_import_without_scoring_rules_is_told_what_its_prose_seems_to_say() -> None:
    data = raw_instrument("psc17")
    del data["scoring_rules"]
    (problem,) = validate_instrument(data)
    assert problem.startswith("scoring_rules is missing")
    assert '"missing": {"policy": "blank_as_zero", "max_missing": 3}' in problem
    assert "check it against the instrument's manual and add it" in problem


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
