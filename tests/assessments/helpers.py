"""Shared test helpers: the shipped definitions, editable copies of them, and vectors.json."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from stepwise.assessments.definitions import (
    INSTRUMENTS_DIR,
    InstrumentDefinition,
    shipped_instruments,
)

DEFINITIONS: dict[str, InstrumentDefinition] = shipped_instruments()

# A copy of the shared, hand-computed vectors, so the suite does not depend on ../shared.
VECTORS_PATH = Path(__file__).with_name("vectors.json")
VECTORS: list[dict[str, Any]] = json.loads(VECTORS_PATH.read_text())

# The order the `score` command prints its keys in.
REPORT_KEYS = ("instrument", "total", "band", "subscales", "critical_items")


def raw_instrument(instrument_id: str) -> dict[str, Any]:
    """A fresh, editable copy of a shipped instrument file, for building variants."""
    data: dict[str, Any] = json.loads((INSTRUMENTS_DIR / f"{instrument_id}.json").read_text())
    return copy.deepcopy(data)


def expected_report(case: dict[str, Any]) -> dict[str, Any]:
    """The part of a vector the scorer must reproduce, in the command's key order.

    A vector without a "band" (DASS-21: no total, so no overall band) expects "band": null.
    """
    return {key: case.get(key) for key in REPORT_KEYS}


def answers_as_argv(case: dict[str, Any]) -> list[str]:
    argv = [case["instrument"], *("-" if a is None else str(a) for a in case["answers"])]
    if "sex" in case:
        argv += ["--sex", case["sex"]]
    return argv
