"""The scorer follows each instrument's explicit `scoring_rules`; the prose beside them agrees.

Three checks for every shipped instrument: the explicit fields say what the verbatim prose says
(read the way `prose.py` reads it); with the prose blanked out, the published vectors still score
as hand-computed (so nothing is read from the prose); and a version stored before the fields
existed still loads, read from its prose.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from stepwise.assessments import catalog, prose
from stepwise.assessments.definitions import (
    STORED,
    InstrumentDefinition,
    ScoringRules,
    load_instrument,
    validate_instrument,
)
from stepwise.assessments.models import InstrumentSource, InstrumentVersion
from stepwise.assessments.scoring import ScoringError, report, score
from tests.conftest import World

from .helpers import DEFINITIONS, VECTORS, expected_report, raw_instrument

SHIPPED = sorted(DEFINITIONS)
BLANK = "(prose removed for this test)"


def _without_rules(instrument_id: str) -> dict[str, Any]:
    data = raw_instrument(instrument_id)
    del data["scoring_rules"]
    return data


def _with_blank_prose(instrument_id: str) -> dict[str, Any]:
    """The file with every sentence the old reader took rules from replaced by filler."""
    data = raw_instrument(instrument_id)
    scoring = data["scoring"]
    for key in ("method", "missing_rule", "rounding"):
        if key in scoring:
            scoring[key] = BLANK
    for sub in scoring.get("subscales", {}).values():
        sub["method"] = BLANK
    for critical in data.get("critical_items") or []:
        critical["rule"] = BLANK
    if data.get("reliable_change"):
        data["reliable_change"]["rule"] = BLANK
    data["answer_encoding"] = BLANK
    return data


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_the_explicit_rules_say_what_the_prose_says(instrument_id: str) -> None:
    legacy = InstrumentDefinition.model_validate(
        _without_rules(instrument_id), context={STORED: True}
    )
    read, problems = prose.read_rules(legacy)

    assert problems == []
    assert read is not None
    explicit = DEFINITIONS[instrument_id].rules
    assert ScoringRules.model_validate(read).model_dump() == explicit.model_dump()


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_the_published_vectors_score_from_the_explicit_rules_alone(instrument_id: str) -> None:
    definition = load_instrument(_with_blank_prose(instrument_id))
    cases = [case for case in VECTORS if case["instrument"] == instrument_id]

    assert cases, f"no published vectors for {instrument_id}"
    for case in cases:
        if case.get("invalid"):
            with pytest.raises(ScoringError):
                score(definition, case["answers"], sex=case.get("sex"))
        else:
            result = score(definition, case["answers"], sex=case.get("sex"))
            assert report(result) == expected_report(case), case.get("note")


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_the_plan_is_the_same_with_or_without_the_prose(instrument_id: str) -> None:
    assert load_instrument(_with_blank_prose(instrument_id)).plan == DEFINITIONS[instrument_id].plan


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_a_version_stored_before_the_explicit_rules_still_loads_from_its_prose(
    instrument_id: str,
) -> None:
    stored = load_instrument(_without_rules(instrument_id), stored=True)

    assert stored.plan == DEFINITIONS[instrument_id].plan
    assert stored.rules == DEFINITIONS[instrument_id].rules


def test_a_new_file_without_explicit_rules_is_refused() -> None:
    problems = validate_instrument(_without_rules("phq9"))

    assert len(problems) == 1
    assert problems[0].startswith("scoring_rules is missing")
    assert '"critical": [{"item": 9, "operator": ">=", "value": 1}]' in problems[0]


def test_a_file_whose_prose_cannot_be_read_gets_no_suggestion() -> None:
    data = _without_rules("phq9")
    data["scoring"]["method"] = "add them up"

    problems = validate_instrument(data)

    assert problems[0].startswith("scoring_rules is missing")
    assert "Stepwise reads" not in problems[0]
    assert any("scoring.method 'add them up' is not understood" in p for p in problems)


def test_a_practice_may_word_its_prose_freely() -> None:
    data = raw_instrument("psc17")
    data["id"] = "practice_checklist"
    data["scoring"]["method"] = "Add up the answers; leave out nothing."
    data["scoring"]["missing_rule"] = "Up to three blanks count as nought."
    rules = copy.deepcopy(data["scoring_rules"])

    definition = load_instrument(data)

    assert definition.rules.model_dump() == ScoringRules.model_validate(rules).model_dump()
    assert definition.plan.missing.max_blank == 3


def test_a_stored_version_without_explicit_rules_is_scored_from_its_prose(world: World) -> None:
    data = _without_rules("phq9")
    data["id"] = "older_phq9"
    version = InstrumentVersion.objects.create(
        key="older_phq9",
        version=1,
        definition_text=json.dumps(data),
        content_hash=catalog.content_hash(data),
        source=InstrumentSource.IMPORTED,
        practice=world.practice,
        **catalog.listing_fields(data),
    )

    definition = catalog.definition_of(version)

    assert definition.plan == DEFINITIONS["phq9"].plan
    assert report(score(definition, [1] * 9)) == {
        "instrument": "older_phq9",
        "total": 9,
        "band": "Mild",
        "subscales": {},
        "critical_items": [9],
    }
