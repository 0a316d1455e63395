"""`manage.py score`: one JSON line on success, exit status 2 and one stderr line otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stepwise.assessments.management.commands.score import main

from .helpers import DEFINITIONS

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _printed(argv: list[str]) -> dict[str, Any]:
    outcome = main(argv)
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert outcome.stdout.endswith("\n")
    assert outcome.stdout.count("\n") == 1
    printed: dict[str, Any] = json.loads(outcome.stdout)
    return printed


def _refusal(argv: list[str]) -> str:
    outcome = main(argv)
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert outcome.stderr.count("\n") == 1
    return outcome.stderr.rstrip("\n")


def test_it_prints_one_json_line_with_keys_in_order() -> None:
    outcome = main(["phq9", "2", "2", "2", "2", "1", "1", "1", "1", "2"])
    assert outcome.stdout == (
        '{"instrument": "phq9", "total": 14, "band": "Moderate", "subscales": {}, '
        '"critical_items": [9]}\n'
    )


def test_dass21_prints_a_null_total_and_a_null_band() -> None:
    printed = _printed(["dass21", *["1"] * 21])
    assert list(printed) == ["instrument", "total", "band", "subscales", "critical_items"]
    assert printed["total"] is None
    assert printed["band"] is None
    assert printed["subscales"] == {"depression": 14, "anxiety": 14, "stress": 14}


def test_subscales_map_subscale_ids_to_scores() -> None:
    printed = _printed(["pcl5", *["1"] * 20])
    assert printed["subscales"] == {
        "B_intrusion": 5,
        "C_avoidance": 2,
        "D_negative_cognition_mood": 7,
        "E_arousal_reactivity": 6,
    }


@pytest.mark.parametrize("instrument_id", ["k10", "pss10", "phqa", "scared_child"])
def test_it_scores_instruments_no_practice_has_enabled(instrument_id: str) -> None:
    definition = DEFINITIONS[instrument_id]
    lowest = [str(min(scores)) for scores in definition.plan.item_scores]
    assert _printed([instrument_id, *lowest])["instrument"] == instrument_id


@pytest.mark.parametrize(
    "argv",
    [
        ["auditc", "--sex", "female", "1", "1", "1"],
        ["auditc", "1", "1", "1", "--sex", "female"],
        ["auditc", "1", "--sex", "female", "1", "1"],
        ["--sex", "female", "auditc", "1", "1", "1"],
        ["auditc", "1", "1", "1", "--sex=female"],
        ["auditc", "1", "1", "1", "--sex", "FEMALE"],
    ],
)
def test_sex_option_works_before_between_or_after_the_answers(argv: list[str]) -> None:
    printed = _printed(argv)
    assert printed["band"] == "Positive screen (hazardous drinking or active AUD likely)"


def test_a_dash_marks_a_missing_answer() -> None:
    printed = _printed(["psc17", "-", "-", "-", *["2"] * 14])
    assert printed["total"] == 28


def test_brs_with_one_missing_answer_prints_the_mean_of_the_rest() -> None:
    assert _printed(["brs", "5", "1", "5", "2", "4", "-"])["total"] == 4.6


def test_django_global_options_are_tolerated() -> None:
    argv = ["--settings=stepwise.settings", "-v", "2", "--traceback", "gad2", "1", "1"]
    assert _printed(argv)["band"] == "Negative screen"


def test_help_prints_usage_and_succeeds() -> None:
    outcome = main(["--help"])
    assert outcome.exit_code == 0
    assert outcome.stdout.startswith("usage: manage.py score INSTRUMENT_ID")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["phq9", "0", "0", "7", "0", "0", "0", "0", "0", "0"],
            "score: phq9 item 3: 7 is not one of 0, 1, 2, 3",
        ),
        (
            ["phq9", "0", "-1", "0", "0", "0", "0", "0", "0", "0"],
            "score: phq9 item 2: -1 is not one of 0, 1, 2, 3",
        ),
        (
            ["phq9", "0", "two", "0", "0", "0", "0", "0", "0", "0"],
            "score: phq9 item 2: 'two' is not a whole number (use - for a missing answer)",
        ),
        (
            ["phq9", "0", "1.5", "0", "0", "0", "0", "0", "0", "0"],
            "score: phq9 item 2: '1.5' is not a whole number (use - for a missing answer)",
        ),
        (
            ["phq9", "0", "-x", "0", "0", "0", "0", "0", "0", "0"],
            "score: phq9 item 2: '-x' is not a whole number (use - for a missing answer)",
        ),
        (["phq9", "1", "1"], "score: phq9: expected 9 answers, got 2"),
        (["phq9", *["1"] * 10], "score: phq9: expected 9 answers, got 10"),
        (
            ["phq9", "0", "0", "0", "-", "0", "0", "0", "0", "0"],
            "score: phq9 item 4: unanswered; every item is required",
        ),
        (
            ["psc17", "-", "-", "-", "-", *["2"] * 13],
            "score: psc17: 4 items blank (1, 2, 3, 4); 4 or more blanks make the questionnaire "
            "invalid",
        ),
        (
            ["brs", "5", "-", "5", "-", "4", "3"],
            "score: brs: 4 of 6 items answered; at least 5 are required",
        ),
        (
            ["auditc", "1", "1", "1"],
            "score: auditc: the respondent's sex is required (female, male)",
        ),
        (
            ["auditc", "1", "1", "1", "--sex", "x"],
            "score: --sex must be male or female, not 'x'",
        ),
        (["auditc", "1", "1", "1", "--sex"], "score: --sex needs a value"),
        (["phq9", "--verbose"], "score: unknown option --verbose"),
    ],
)
def test_invalid_input_exits_2_with_one_line_naming_the_problem(
    argv: list[str], message: str
) -> None:
    assert _refusal(argv).startswith(message)


def test_unknown_instrument_lists_the_known_ones() -> None:
    message = _refusal(["epds", "1", "2"])
    assert message.startswith("score: unknown instrument 'epds' (known: asq, auditc, brs,")


def test_no_instrument_explains_usage() -> None:
    assert _refusal([]).startswith("score: no instrument given (usage: manage.py score")


def test_call_command_prints_the_json_line() -> None:
    out = StringIO()
    call_command("score", "gad7", "2", "2", "2", "2", "2", "2", "2", stdout=out)
    assert json.loads(out.getvalue()) == {
        "instrument": "gad7",
        "total": 14,
        "band": "Moderate",
        "subscales": {},
        "critical_items": [],
    }


@pytest.mark.parametrize(
    ("args", "options"),
    [
        (["auditc", "2", "1", "0"], {"sex": "male"}),
        (["auditc", "--sex", "male", "2", "1", "0"], {}),
        (["auditc", "2", "1", "0", "--sex", "male"], {}),
    ],
)
def test_call_command_takes_sex_as_an_option_anywhere(
    args: list[str], options: dict[str, str]
) -> None:
    out = StringIO()
    call_command("score", *args, stdout=out, **options)
    assert json.loads(out.getvalue())["band"] == "Negative screen"


def test_call_command_accepts_dashes_and_negative_numbers_as_answers() -> None:
    out = StringIO()
    call_command("score", "psc17", "-", "-", *["0"] * 15, stdout=out)
    assert json.loads(out.getvalue())["total"] == 0
    with pytest.raises(CommandError, match=r"phq9 item 1: -1 is not one of 0, 1, 2, 3") as caught:
        call_command("score", "phq9", "-1", *["0"] * 8)
    assert caught.value.returncode == 2


def _run_manage_py(*args: str) -> subprocess.CompletedProcess[str]:
    # A settings module that adds the app, so this runs before the project lists it too.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "stepwise.settings"}
    return subprocess.run(
        [sys.executable, "manage.py", "score", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_manage_py_score_prints_json_and_exits_0() -> None:
    done = _run_manage_py("phq9", "0", "0", "0", "0", "0", "0", "0", "0", "1")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout == (
        '{"instrument": "phq9", "total": 1, "band": "None-minimal", "subscales": {}, '
        '"critical_items": [9]}\n'
    )


def test_manage_py_score_takes_negative_numbers_and_dashes_without_argparse_errors() -> None:
    done = _run_manage_py("brs", "-", "-3", "1", "1", "1", "1")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == "score: brs item 2: -3 is not one of 1, 2, 3, 4, 5\n"


def test_manage_py_score_refuses_bad_input_with_status_2_and_one_line() -> None:
    done = _run_manage_py("auditc", "--sex", "unknown", "1", "1", "1")
    assert done.returncode == 2
    assert done.stderr == "score: --sex must be male or female, not 'unknown'\n"


def test_manage_py_score_with_sex_after_the_answers() -> None:
    done = _run_manage_py("auditc", "4", "0", "0", "--sex", "male")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == 4
