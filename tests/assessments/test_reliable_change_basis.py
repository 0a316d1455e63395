"""Every reliable-change value is either computed by Jacobson-Truax from a cited SD and r, or
taken from a cited source, and the record of which agrees with the instrument files."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from stepwise.assessments.definitions import reliable_change_basis

from .helpers import DEFINITIONS

BASIS_PATH = Path(__file__).resolve().parents[2] / "stepwise/assessments/reliable_change.json"
BASIS: dict[str, Any] = {
    k: v for k, v in json.loads(BASIS_PATH.read_text()).items() if not k.startswith("_")
}
WITH_VALUE = sorted(k for k, d in DEFINITIONS.items() if d.reliable_change is not None)


def jacobson_truax(sd: float, r: float) -> float:
    return 1.96 * sd * math.sqrt(2 * (1 - r))


def test_every_instrument_with_a_value_records_where_it_comes_from() -> None:
    assert sorted(BASIS) == WITH_VALUE


@pytest.mark.parametrize("key", WITH_VALUE)
def test_the_recorded_value_is_the_instrument_files_value(key: str) -> None:
    rc = DEFINITIONS[key].reliable_change
    assert rc is not None
    assert BASIS[key]["value"] == rc.value
    assert BASIS[key]["method"] in ("published", "jacobson_truax")
    assert BASIS[key]["source" if BASIS[key]["method"] == "published" else "sd_source"]


@pytest.mark.parametrize("key", [k for k in WITH_VALUE if BASIS[k]["method"] == "jacobson_truax"])
def test_computed_values_follow_the_formula_from_the_cited_sd_and_r(key: str) -> None:
    entry = BASIS[key]
    assert math.ceil(jacobson_truax(entry["sd"], entry["r"])) == entry["value"]


def test_pcl5_uses_the_pcl5_value_not_the_dsm_iv_pcl_one() -> None:
    assert BASIS["pcl5"]["value"] == 15
    assert "Marx" in BASIS["pcl5"]["source"]


def test_the_basis_is_attached_to_the_definition_for_display() -> None:
    assert reliable_change_basis("smfq_parent")["method"] == "jacobson_truax"
    assert reliable_change_basis("phq9")["method"] == "published"
    assert reliable_change_basis("swls") == {}
