"""Properties that hold for any valid answers to any shipped instrument (Hypothesis)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepwise.assessments.definitions import (
    Band,
    InstrumentDefinition,
    exact,
    find_band,
    possible_scores,
    possible_subscale_scores,
)
from stepwise.assessments.scoring import ScoringError, score

from .helpers import DEFINITIONS

INSTRUMENT_IDS = sorted(DEFINITIONS)
SUMMED = sorted(iid for iid, d in DEFINITIONS.items() if d.plan.aggregate == "sum")
# Instruments whose subscales split the items between them, so they add up to the raw sum.
PARTITIONED = ["pcl5", "psc17", "scared_child", "scared_parent"]


def _blanks_allowed(definition: InstrumentDefinition) -> int:
    missing = definition.plan.missing
    if missing.kind == "blank_as_zero":
        return missing.max_blank
    if missing.kind == "mean_of_answered":
        return len(definition.items) - missing.min_answered
    return 0


@st.composite
def completed_forms(
    draw: st.DrawFn, instrument_ids: list[str] = INSTRUMENT_IDS
) -> tuple[InstrumentDefinition, list[int | None], str | None]:
    """An instrument, answers its missing rule accepts, and a sex where its bands need one."""
    definition = DEFINITIONS[draw(st.sampled_from(instrument_ids))]
    answers: list[int | None] = [
        draw(st.sampled_from(sorted(scores))) for scores in definition.plan.item_scores
    ]
    blanks = draw(
        st.lists(
            st.integers(0, len(answers) - 1), max_size=_blanks_allowed(definition), unique=True
        )
    )
    for index in blanks:
        answers[index] = None
    sex = draw(st.sampled_from(sorted(definition.bands_by_sex))) if definition.needs_sex else None
    return definition, answers, sex


def _bands(definition: InstrumentDefinition, sex: str | None) -> tuple[Band, ...]:
    if definition.bands_by_sex and sex:
        return definition.bands_by_sex[sex]
    return definition.bands or ()


@settings(max_examples=400, deadline=None)
@given(completed_forms())
def test_total_stays_within_the_declared_range(
    form: tuple[InstrumentDefinition, list[int | None], str | None],
) -> None:
    definition, answers, sex = form
    result = score(definition, answers, sex=sex)
    if result.total is not None:
        assert definition.scoring.min <= result.total <= definition.scoring.max
    for sid, value in result.subscales.items():
        assert value in possible_subscale_scores(definition, sid)


@settings(max_examples=400, deadline=None)
@given(completed_forms())
def test_band_is_the_band_holding_the_unrounded_score(
    form: tuple[InstrumentDefinition, list[int | None], str | None],
) -> None:
    definition, answers, sex = form
    result = score(definition, answers, sex=sex)
    item_scores = [
        scores[raw]
        for scores, raw in zip(definition.plan.item_scores, answers, strict=True)
        if raw is not None
    ]
    if definition.plan.aggregate == "mean":
        unrounded = Fraction(sum(item_scores), len(item_scores))
        assert abs(exact(result.total or 0) - unrounded) <= Fraction(1, 200)
    elif definition.plan.aggregate == "sum":
        unrounded = exact(result.total or 0)
    elif definition.plan.aggregate == "screen":
        # A screening rule (ASQ) reports one of its named results and no total.
        assert result.total is None
        assert result.band in {b.label for b in definition.screen_bands}
        return
    else:
        assert result.band is None
        return
    band = find_band(_bands(definition, sex), unrounded)
    assert band is not None
    assert result.band == band.label


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_every_possible_total_falls_into_exactly_one_band(instrument_id: str) -> None:
    definition = DEFINITIONS[instrument_id]
    band_sets = [definition.bands or ()]
    band_sets += list((definition.bands_by_sex or {}).values())
    for bands in filter(None, band_sets):
        for total in possible_scores(definition):
            assert sum(band.contains(total) for band in bands) == 1, (instrument_id, total)


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_every_possible_subscale_score_falls_into_exactly_one_subscale_band(
    instrument_id: str,
) -> None:
    definition = DEFINITIONS[instrument_id]
    for sid, sub in definition.plan.subscales.items():
        for value in possible_subscale_scores(definition, sid):
            if sub.bands:
                assert sum(band.contains(value) for band in sub.bands) == 1, (sid, value)


@pytest.mark.parametrize("instrument_id", SUMMED)
def test_every_whole_number_in_a_summed_range_is_banded(instrument_id: str) -> None:
    # Independent of the reachable-score calculation: walk the declared range itself.
    definition = DEFINITIONS[instrument_id]
    step = definition.plan.multiplier
    bands_by_kind = [definition.bands] if definition.bands else []
    bands_by_kind += list((definition.bands_by_sex or {}).values())
    low, high = int(definition.scoring.min), int(definition.scoring.max)
    for bands in bands_by_kind:
        for total in range(low, high + 1, step):
            assert sum(band.contains(Fraction(total)) for band in bands) == 1, total


@settings(max_examples=400, deadline=None)
@given(completed_forms(SUMMED), st.data())
def test_raising_one_forward_item_never_lowers_a_summed_total(
    form: tuple[InstrumentDefinition, list[int | None], str | None], data: st.DataObject
) -> None:
    definition, answers, sex = form
    index = data.draw(st.integers(0, len(answers) - 1))
    options = sorted(definition.plan.item_scores[index])
    current = answers[index]
    higher = [v for v in options if current is None or v > current]
    if not higher:
        return
    raised = [*answers]
    raised[index] = data.draw(st.sampled_from(higher))
    before = score(definition, answers, sex=sex).total
    after = score(definition, raised, sex=sex).total
    assert before is not None
    assert after is not None
    if definition.items[index].reverse:
        assert after <= before
    else:
        assert after >= before


@settings(max_examples=200, deadline=None)
@given(completed_forms(PARTITIONED))
def test_subscales_add_up_to_the_total_where_they_split_the_items(
    form: tuple[InstrumentDefinition, list[int | None], str | None],
) -> None:
    definition, answers, sex = form
    result = score(definition, answers, sex=sex)
    assert sum(result.subscales.values()) == result.total


@settings(max_examples=200, deadline=None)
@given(completed_forms(["phq9", "phqa"]))
def test_item9_alert_fires_exactly_when_item9_is_at_least_one(
    form: tuple[InstrumentDefinition, list[int | None], str | None],
) -> None:
    definition, answers, sex = form
    result = score(definition, answers, sex=sex)
    assert (result.critical_items == [9]) is ((answers[8] or 0) >= 1)


@settings(max_examples=300, deadline=None)
@given(completed_forms(), st.data())
def test_an_answer_outside_the_options_is_always_refused_naming_its_item(
    form: tuple[InstrumentDefinition, list[int | None], str | None], data: st.DataObject
) -> None:
    definition, answers, sex = form
    index = data.draw(st.integers(0, len(answers) - 1))
    allowed = definition.plan.item_scores[index]
    bad = data.draw(st.integers(-100, 100).filter(lambda v: v not in allowed))
    answers[index] = bad
    with pytest.raises(ScoringError, match=rf"{definition.id} item {index + 1}: {bad} is not one"):
        score(definition, answers, sex=sex)
