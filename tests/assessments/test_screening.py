"""The ASQ is a screening rule: no total, the result is the band, a refusal counts as positive."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from stepwise.assessments.scoring import report, score

from .helpers import DEFINITIONS

ASQ = DEFINITIONS["asq"]
NEGATIVE = "Negative screen"
NON_ACUTE = "Non-acute positive screen (potential risk)"
ACUTE = "Acute positive screen (imminent risk)"
UNDETERMINED = "Positive screen - acuity not established"

screening_answer = st.sampled_from([0, 1, None])  # No, Yes, refused
acuity_answer = st.sampled_from([0, 1, None])  # No, Yes, not asked


def test_asq_is_read_as_a_screening_rule_with_item_5_gated() -> None:
    screen = ASQ.plan.screen
    assert screen is not None
    assert screen.screening_items == (1, 2, 3, 4)
    assert screen.acuity_item == 5
    assert screen.refusal_is_positive is True
    assert {screen.negative, screen.positive, screen.acute, screen.undetermined} == {
        NEGATIVE,
        NON_ACUTE,
        ACUTE,
        UNDETERMINED,
    }


def test_asq_is_in_session_only_and_the_others_are_not() -> None:
    assert ASQ.in_session_only is True
    assert not any(d.in_session_only for key, d in DEFINITIONS.items() if key != "asq")


def test_a_refusal_alone_makes_the_screen_positive() -> None:
    result = score(ASQ, [0, 0, 0, None, 0])
    assert result.band == NON_ACUTE
    assert result.critical_items == [4]
    assert result.total is None


def test_item_5_yes_is_acute_even_when_items_1_to_4_were_recorded_no() -> None:
    assert score(ASQ, [0, 0, 0, 0, 1]).band == ACUTE


def test_the_clinician_sees_next_steps_for_each_positive_result() -> None:
    assert "safety" in ASQ.next_steps(ACUTE).lower()
    assert "brief suicide safety assessment" in ASQ.next_steps(NON_ACUTE).lower()
    assert ASQ.next_steps("no such band") == ""


@given(st.lists(screening_answer, min_size=4, max_size=4), acuity_answer)
def test_any_yes_or_refusal_is_never_a_negative_screen(
    screening: list[int | None], acuity: int | None
) -> None:
    result = score(ASQ, [*screening, acuity])
    positive = any(a != 0 for a in screening)
    assert (result.band == NEGATIVE) is (not positive and acuity != 1)
    assert report(result)["total"] is None
    if positive:
        assert result.critical_items  # every positive screen raises the alert
    if positive and acuity is None:
        assert result.band == UNDETERMINED
