"""Reliable-change verdicts on hand-computed series of scores."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepwise.assessments.scoring import (
    NO_RELIABLE_CHANGE,
    RECOVERED,
    RELIABLE_DETERIORATION,
    RELIABLE_IMPROVEMENT,
    ScoringError,
    classify_change,
    score,
)

from .helpers import DEFINITIONS

# (instrument, series of totals, verdict comparing the first with the last, why)
SERIES = [
    ("phq9", [18, 15, 11, 9], RECOVERED, "-9 and from caseness (>=10) to below it"),
    ("phq9", [18, 14, 12], RELIABLE_IMPROVEMENT, "-6 but still at caseness"),
    ("phq9", [8, 5, 2], RELIABLE_IMPROVEMENT, "-6 but never a case, so not a recovery"),
    ("phq9", [15, 12, 10], NO_RELIABLE_CHANGE, "-5 is below the 6-point threshold"),
    ("phq9", [10, 9], NO_RELIABLE_CHANGE, "crossing caseness without reliable change"),
    ("phq9", [9, 12, 15], RELIABLE_DETERIORATION, "+6"),
    ("phq9", [4, 9], NO_RELIABLE_CHANGE, "+5"),
    ("gad7", [10, 8, 6], RECOVERED, "-4 and from caseness (>=8) to below it"),
    ("gad7", [12, 8], RELIABLE_IMPROVEMENT, "-4 but 8 is still caseness"),
    ("gad7", [10, 7], NO_RELIABLE_CHANGE, "-3"),
    ("gad7", [5, 9], RELIABLE_DETERIORATION, "+4"),
    ("who5", [40, 48, 52], RELIABLE_IMPROVEMENT, "+12 points where higher is better"),
    ("who5", [60, 48], RELIABLE_DETERIORATION, "-12 points where higher is better"),
    ("who5", [40, 48], NO_RELIABLE_CHANGE, "+8 is below the 10-point threshold"),
    ("who5", [40, 50], RELIABLE_IMPROVEMENT, "exactly the 10-point threshold"),
    ("pcl5", [50, 40, 35], RELIABLE_IMPROVEMENT, "-15 is the minimum reliable change"),
    ("pcl5", [50, 45], NO_RELIABLE_CHANGE, "-5 was the DSM-IV PCL's figure; not reliable"),
    ("pcl5", [50, 36], NO_RELIABLE_CHANGE, "-14, meaningful (10) but not reliable"),
    ("pcl5", [45, 30], RECOVERED, "-15 and from caseness (>=33) to below it"),
    ("pcl5", [30, 45], RELIABLE_DETERIORATION, "+15"),
    ("swls", [10, 30], None, "no published reliable change"),
    ("brs", [2.5, 4.33], None, "no published reliable change"),
    ("k10", [40, 12], None, "no published reliable change"),
]


@pytest.mark.parametrize(
    ("instrument_id", "series", "verdict"),
    [case[:3] for case in SERIES],
    ids=[f"{case[0]} {case[1]}: {case[3]}" for case in SERIES],
)
def test_change_between_first_and_last_score_is_classified(
    instrument_id: str, series: list[float], verdict: str | None
) -> None:
    result = classify_change(DEFINITIONS[instrument_id], series[0], series[-1])
    assert result.verdict == verdict
    assert result.change == pytest.approx(series[-1] - series[0])


def test_change_reports_the_thresholds_it_used() -> None:
    result = classify_change(DEFINITIONS["phq9"], 18, 9)
    assert (result.reliable_change, result.caseness_threshold) == (6, 10)
    assert result.higher_is_better is False
    assert result.change == -9


def test_pcl5_ten_points_is_clinically_meaningful() -> None:
    assert classify_change(DEFINITIONS["pcl5"], 50, 40).clinically_meaningful is True
    assert classify_change(DEFINITIONS["pcl5"], 50, 45).clinically_meaningful is False


def test_instruments_without_an_mcid_leave_clinical_meaning_open() -> None:
    assert classify_change(DEFINITIONS["phq9"], 18, 9).clinically_meaningful is None


def test_score_results_can_be_compared_directly() -> None:
    phq9 = DEFINITIONS["phq9"]
    baseline = score(phq9, [2, 2, 2, 2, 2, 2, 2, 2, 0])
    latest = score(phq9, [1, 1, 1, 1, 1, 1, 1, 1, 0])
    assert classify_change(phq9, baseline, latest).verdict == RECOVERED


def test_brs_change_is_exact_to_two_decimals() -> None:
    assert classify_change(DEFINITIONS["brs"], 4.3, 4.33).change == 0.03


def test_scores_of_another_instrument_are_refused() -> None:
    gad7_result = score(DEFINITIONS["gad7"], [1] * 7)
    with pytest.raises(ScoringError, match=r"phq9: cannot compare with a gad7 score"):
        classify_change(DEFINITIONS["phq9"], gad7_result, 5)


def test_dass21_has_no_total_to_compare() -> None:
    dass21 = DEFINITIONS["dass21"]
    result = score(dass21, [0] * 21)
    with pytest.raises(ScoringError, match=r"dass21 has no total score to compare"):
        classify_change(dass21, result, result)


@given(st.integers(0, 27), st.integers(0, 27))
def test_reversing_a_phq9_series_swaps_improvement_and_deterioration(first: int, last: int) -> None:
    phq9 = DEFINITIONS["phq9"]
    forward = classify_change(phq9, first, last).verdict
    backward = classify_change(phq9, last, first).verdict
    improved = {RELIABLE_IMPROVEMENT, RECOVERED}
    assert (forward in improved) is (backward == RELIABLE_DETERIORATION)
    assert (backward in improved) is (forward == RELIABLE_DETERIORATION)
    assert (forward == NO_RELIABLE_CHANGE) is (backward == NO_RELIABLE_CHANGE)


@given(st.integers(0, 27), st.integers(0, 27))
def test_phq9_recovery_means_reliable_drop_from_caseness_to_below(first: int, last: int) -> None:
    verdict = classify_change(DEFINITIONS["phq9"], first, last).verdict
    expected = first - last >= 6 and first >= 10 and last < 10
    assert (verdict == RECOVERED) is expected
