"""The scorer follows each instrument's own rules and refuses answers it cannot score."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from stepwise.assessments.definitions import load_instrument
from stepwise.assessments.scoring import (
    ScoreResult,
    ScoringError,
    report,
    score,
    supplementary_alerts,
)

from .helpers import DEFINITIONS, raw_instrument

PHQ9 = DEFINITIONS["phq9"]


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_item9_endorsed_raises_critical_item(item9: int) -> None:
    result = score(PHQ9, [0] * 8 + [item9])
    assert result.critical_items == [9]


def test_phq9_item9_not_at_all_raises_no_critical_item() -> None:
    assert score(PHQ9, [3] * 8 + [0]).critical_items == []


def test_phq9_severe_total_is_banded_severe() -> None:
    result = score(PHQ9, [3] * 9)
    assert (result.total, result.band) == (27, "Severe")


def test_phqa_item9_endorsed_raises_critical_item() -> None:
    assert score(DEFINITIONS["phqa"], [0] * 8 + [1]).critical_items == [9]


def test_phqa_lifetime_attempt_raises_a_supplementary_alert_outside_the_score() -> None:
    phqa = DEFINITIONS["phqa"]
    assert score(phqa, [0] * 9).critical_items == []
    answers = {"lifetime_attempt": "Yes", "past_month_serious_thoughts": "No"}
    assert supplementary_alerts(phqa, answers) == ["lifetime_attempt"]


def test_phqa_supplementary_answers_of_no_raise_no_alert() -> None:
    answers = {"lifetime_attempt": "No", "past_month_serious_thoughts": "no"}
    assert supplementary_alerts(DEFINITIONS["phqa"], answers) == []


def test_who5_total_is_the_raw_sum_times_four() -> None:
    result = score(DEFINITIONS["who5"], [5, 5, 5, 5, 5])
    assert (result.total, result.band) == (100, "No indication of poor well-being")


def test_who5_raw_12_is_48_percent_and_poor_well_being() -> None:
    result = score(DEFINITIONS["who5"], [3, 3, 2, 2, 2])
    assert (result.total, result.band) == (48, "Poor well-being - screen for depression")


def test_brs_reverses_items_2_4_and_6() -> None:
    # Agreeing strongly with every statement: forward items 5, reversed items 1 -> mean 3.
    assert score(DEFINITIONS["brs"], [5] * 6).total == 3.0


def test_brs_most_resilient_answers_score_five() -> None:
    result = score(DEFINITIONS["brs"], [5, 1, 5, 1, 5, 1])
    assert (result.total, result.band) == (5.0, "High resilience")


def test_brs_reports_the_mean_to_two_decimals() -> None:
    assert score(DEFINITIONS["brs"], [3, 3, 3, 3, 3, 4]).total == 2.83


def test_brs_mean_of_five_answered_items_is_prorated() -> None:
    result = score(DEFINITIONS["brs"], [5, 1, 5, 2, 4, None])
    assert result.total == 4.6
    assert result.answered == 5
    assert result.missing == [6]
    assert result.prorated is True


def test_brs_with_all_items_answered_is_not_prorated() -> None:
    assert score(DEFINITIONS["brs"], [3] * 6).prorated is False


def test_brs_with_only_four_items_answered_is_refused() -> None:
    with pytest.raises(ScoringError, match=r"brs: 4 of 6 items answered; at least 5"):
        score(DEFINITIONS["brs"], [5, None, 5, 2, None, 3])


def test_mean_score_is_banded_on_the_unrounded_mean() -> None:
    # A BRS variant whose "high" band starts at 4.331: the mean 26/6 = 4.3333 is high, though
    # its reported value 4.33 would fall in "normal" if banded after rounding.
    data = raw_instrument("brs")
    data["id"] = "brs_variant"
    data["bands"] = [
        {"min": 1.0, "max": 2.99, "label": "Low resilience"},
        {"min": 3.0, "max": 4.33, "label": "Normal resilience"},
        {"min": 4.331, "max": 5.0, "label": "High resilience"},
    ]
    result = score(load_instrument(data), [5, 1, 5, 2, 4, 3])
    assert (result.total, result.band) == (4.33, "High resilience")


def test_dass21_has_no_total_and_bands_each_doubled_subscale() -> None:
    answers = [3, 2, 2, 2, 2, 3, 2, 3, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 0, 0, 2]
    result = score(DEFINITIONS["dass21"], answers)
    assert (result.total, result.band) == (None, None)
    assert result.subscales == {"depression": 28, "anxiety": 18, "stress": 34}
    assert result.subscale_bands == {
        "depression": "Extremely severe",
        "anxiety": "Severe",
        "stress": "Extremely severe",
    }


def test_dass21_report_has_a_null_band_beside_its_null_total() -> None:
    reported = report(score(DEFINITIONS["dass21"], [0] * 21))
    assert list(reported) == ["instrument", "total", "band", "subscales", "critical_items"]
    assert reported["band"] is None


def test_dass21_requires_every_item() -> None:
    with pytest.raises(ScoringError, match=r"dass21 item 21: unanswered"):
        score(DEFINITIONS["dass21"], [0] * 20 + [None])


def test_psc17_blanks_count_as_zero_up_to_three() -> None:
    result = score(DEFINITIONS["psc17"], [None, None, None] + [2] * 14)
    assert result.total == 28
    assert result.missing == [1, 2, 3]
    assert result.subscales == {"internalizing": 8, "attention": 6, "externalizing": 14}
    assert result.prorated is False


def test_psc17_four_blanks_make_the_questionnaire_invalid() -> None:
    with pytest.raises(ScoringError, match=r"4 or more blanks make the questionnaire invalid"):
        score(DEFINITIONS["psc17"], [None] * 4 + [2] * 13)


def test_psc17_subscale_at_its_cutoff_is_positive() -> None:
    answers = [2, 0, 2, 1, 1, 0, 2, 1, 0, 1, 0, 1, 1, 1, 0, 0, 0]
    result = score(DEFINITIONS["psc17"], answers)
    assert result.subscale_positive == {
        "internalizing": False,
        "attention": True,
        "externalizing": False,
    }


def test_scared_panic_subscale_of_seven_is_positive() -> None:
    answers = [1] * 21 + [0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0, 0, 1, 0, 0, 1, 1, 1]
    result = score(DEFINITIONS["scared_child"], answers)
    assert result.subscales["panic_somatic"] == 7
    assert result.subscale_positive["panic_somatic"] is True


def test_pss10_reverses_items_4_5_7_and_8() -> None:
    assert score(DEFINITIONS["pss10"], [0] * 10).total == 16
    assert score(DEFINITIONS["pss10"], [4] * 10).total == 24


def test_pcl5_subscales_add_up_to_the_total() -> None:
    answers = [4, 3, 2, 1, 0, 4, 3, 2, 1, 0, 4, 3, 2, 1, 0, 4, 3, 2, 1, 0]
    result = score(DEFINITIONS["pcl5"], answers)
    assert result.total == 40
    assert sum(result.subscales.values()) == 40
    assert result.band == "Probable PTSD (provisional; confirm with clinical interview e.g. CAPS-5)"


def test_auditc_bands_depend_on_sex() -> None:
    auditc = DEFINITIONS["auditc"]
    assert score(auditc, [1, 1, 1], sex="male").band == "Negative screen"
    assert str(score(auditc, [1, 1, 1], sex="female").band).startswith("Positive screen")


def test_auditc_accepts_sex_in_any_letter_case() -> None:
    assert score(DEFINITIONS["auditc"], [0, 0, 0], sex=" Female ").band == "Negative screen"


def test_auditc_without_sex_is_refused() -> None:
    with pytest.raises(ScoringError, match=r"auditc: the respondent's sex is required"):
        score(DEFINITIONS["auditc"], [1, 1, 1])


def test_auditc_with_unknown_sex_is_refused() -> None:
    with pytest.raises(ScoringError, match=r"auditc: sex 'other' is not one of female, male"):
        score(DEFINITIONS["auditc"], [1, 1, 1], sex="other")


def test_sex_is_ignored_by_instruments_without_sex_bands() -> None:
    assert score(PHQ9, [1] * 9, sex="anything").total == 9


def test_out_of_range_answer_names_the_item_and_the_allowed_values() -> None:
    with pytest.raises(ScoringError) as caught:
        score(PHQ9, [0, 0, 7, 0, 0, 0, 0, 0, 0])
    assert str(caught.value) == "phq9 item 3: 7 is not one of 0, 1, 2, 3"


def test_zero_is_out_of_range_on_a_one_to_five_scale() -> None:
    with pytest.raises(ScoringError, match=r"k10 item 1: 0 is not one of 1, 2, 3, 4, 5"):
        score(DEFINITIONS["k10"], [0] + [1] * 9)


def test_negative_answer_is_out_of_range() -> None:
    with pytest.raises(ScoringError, match=r"swls item 5: -1 is not one of 1, 2, 3"):
        score(DEFINITIONS["swls"], [1, 1, 1, 1, -1])


@pytest.mark.parametrize("bad", [1.0, "1", True, [1]])
def test_non_integer_answer_is_refused(bad: Any) -> None:
    with pytest.raises(ScoringError, match=r"phq9 item 2: .* is not a whole number"):
        score(PHQ9, [0, bad, 0, 0, 0, 0, 0, 0, 0])


@pytest.mark.parametrize("count", [0, 8, 10])
def test_wrong_number_of_answers_is_refused(count: int) -> None:
    with pytest.raises(ScoringError, match=rf"phq9: expected 9 answers, got {count}"):
        score(PHQ9, [0] * count)


def test_missing_answers_are_refused_where_every_item_is_required() -> None:
    with pytest.raises(ScoringError, match=r"phq9 items 2, 5: unanswered; every item is required"):
        score(PHQ9, [0, None, 0, 0, None, 0, 0, 0, 0])


def test_result_is_frozen() -> None:
    result = score(PHQ9, [0] * 9)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.total = 5  # type: ignore[misc]


def test_result_counts_answered_items() -> None:
    result = score(PHQ9, [1] * 9)
    assert isinstance(result, ScoreResult)
    assert (result.answered, result.missing, result.prorated) == (9, [], False)
