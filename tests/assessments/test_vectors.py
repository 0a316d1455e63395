"""Every hand-computed case in vectors.json, through the scorer and through the command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stepwise.assessments.definitions import INSTRUMENTS_DIR
from stepwise.assessments.management.commands.score import main
from stepwise.assessments.scoring import ScoringError, report, score

from .helpers import DEFINITIONS, VECTORS, VECTORS_PATH, answers_as_argv, expected_report

SHARED_DIR = Path("/work/shared/instruments")

VALID = [case for case in VECTORS if not case.get("invalid")]
INVALID = [case for case in VECTORS if case.get("invalid")]


def _case_id(case: dict[str, Any]) -> str:
    return f"{case['instrument']}: {case.get('note', '')}"


@pytest.mark.parametrize("case", VALID, ids=_case_id)
def test_vector_scores_as_hand_computed(case: dict[str, Any]) -> None:
    result = score(DEFINITIONS[case["instrument"]], case["answers"], sex=case.get("sex"))
    assert report(result) == expected_report(case)


@pytest.mark.parametrize("case", VALID, ids=_case_id)
def test_vector_prints_as_hand_computed_from_the_command(case: dict[str, Any]) -> None:
    outcome = main(answers_as_argv(case))
    assert outcome.exit_code == 0
    assert outcome.stderr == ""
    assert outcome.stdout.count("\n") == 1
    printed = json.loads(outcome.stdout)
    assert printed == expected_report(case)
    assert list(printed) == list(expected_report(case))


@pytest.mark.parametrize("case", INVALID, ids=_case_id)
def test_invalid_vector_is_refused_by_the_scorer(case: dict[str, Any]) -> None:
    with pytest.raises(ScoringError):
        score(DEFINITIONS[case["instrument"]], case["answers"], sex=case.get("sex"))


@pytest.mark.parametrize("case", INVALID, ids=_case_id)
def test_invalid_vector_is_refused_by_the_command(case: dict[str, Any]) -> None:
    outcome = main(answers_as_argv(case))
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert outcome.stderr.startswith(f"score: {case['instrument']}")
    assert outcome.stderr.count("\n") == 1


def test_vectors_cover_every_shipped_instrument() -> None:
    assert {case["instrument"] for case in VECTORS} == set(DEFINITIONS)


def test_vectors_include_at_least_one_refusal() -> None:
    assert INVALID


@pytest.mark.skipif(not SHARED_DIR.is_dir(), reason="shared instrument folder not present")
def test_vectors_copy_matches_the_shared_file() -> None:
    assert VECTORS_PATH.read_bytes() == (SHARED_DIR / "vectors.json").read_bytes()


@pytest.mark.skipif(not SHARED_DIR.is_dir(), reason="shared instrument folder not present")
def test_shipped_instruments_are_the_verified_files_plus_explicit_scoring_rules() -> None:
    shared = {p.name for p in SHARED_DIR.glob("*.json")} - {"vectors.json"}
    assert {p.name for p in INSTRUMENTS_DIR.glob("*.json")} == shared
    for name in shared:
        shipped = json.loads((INSTRUMENTS_DIR / name).read_text())
        assert "scoring_rules" in shipped, name
        del shipped["scoring_rules"]
        verified = json.loads((SHARED_DIR / name).read_text())
        # Every verified field, in the same order, with the same wording and values.
        assert list(shipped.items()) == list(verified.items()), name
    sources = (INSTRUMENTS_DIR / "SOURCES.md").read_bytes()
    assert sources == (SHARED_DIR / "README.md").read_bytes()
