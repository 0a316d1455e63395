"""Pure scoring of standardised assessments and reliable-change classification.

No Django and no database: a checked `InstrumentDefinition` and the answers go in, a frozen result
comes out, so every rule can be tested exhaustively.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from stepwise.assessments.definitions import (
    Band,
    InstrumentDefinition,
    MissingPolicy,
    ScreenPlan,
    exact,
    find_band,
    format_number,
)

RELIABLE_IMPROVEMENT = "reliable improvement"
NO_RELIABLE_CHANGE = "no reliable change"
RELIABLE_DETERIORATION = "reliable deterioration"
# Reliable improvement that also takes the score from caseness to below it (NHS Talking Therapies'
# "reliable recovery"); only where the instrument publishes a caseness threshold.
RECOVERED = "recovered"


class ScoringError(ValueError):
    """Answers that cannot be scored; the message names the instrument, the item and the problem."""


@dataclass(frozen=True)
class ScoreResult:
    instrument: str
    # The instrument's reported score: a sum, WHO-5's percentage, BRS's mean; None for DASS-21.
    total: int | float | None
    band: str | None
    subscales: dict[str, int | float] = field(default_factory=dict)
    subscale_bands: dict[str, str] = field(default_factory=dict)
    # Subscales with a published cut-off (PSC-17, SCARED): True when the score reaches it.
    subscale_positive: dict[str, bool] = field(default_factory=dict)
    critical_items: list[int] = field(default_factory=list)
    answered: int = 0
    # Items left blank: scored 0 (PSC-17) or left out of the mean (BRS).
    missing: list[int] = field(default_factory=list)
    # True when a mean was taken over fewer than all items.
    prorated: bool = False


@dataclass(frozen=True)
class ChangeResult:
    instrument: str
    baseline: int | float
    latest: int | float
    change: int | float
    # One of the four verdicts above, or None where the instrument publishes no reliable change.
    verdict: str | None
    reliable_change: int | float | None = None
    caseness_threshold: int | float | None = None
    higher_is_better: bool | None = None
    # Where a minimal clinically important difference is published (PCL-5: 10 points).
    clinically_meaningful: bool | None = None


def score(
    definition: InstrumentDefinition, answers: Sequence[int | None], sex: str | None = None
) -> ScoreResult:
    """Score one completed form; answers are option values in item order, None where unanswered."""
    plan = definition.plan
    expect_answer_count(definition, len(answers))
    item_scores = [_item_score(definition, number, raw) for number, raw in enumerate(answers, 1)]
    if plan.screen is not None:
        return _screen(definition, plan.screen, item_scores)
    missing = [number for number, value in enumerate(item_scores, 1) if value is None]
    _check_missing(definition, plan.missing, missing)
    bands = _total_bands(definition, sex)

    answered = [value for value in item_scores if value is not None]
    total: int | float | None = None
    band: str | None = None
    if plan.aggregate == "sum":
        total = sum(answered) * plan.multiplier
        band = _band_label(definition, bands, exact(total)) if bands else None
    elif plan.aggregate == "mean":
        mean = Fraction(sum(answered), len(answered))
        total = _round_half_up(mean, plan.decimals)
        # Band on the unrounded mean, as BRS's file says; rounding is for the reported figure.
        band = _band_label(definition, bands, mean) if bands else None

    subscales: dict[str, int | float] = {}
    subscale_bands: dict[str, str] = {}
    subscale_positive: dict[str, bool] = {}
    for sid, sub in plan.subscales.items():
        # Blanks allowed by the missing rule count as 0 here too, as PSC-17 scores them.
        value = sum(item_scores[n - 1] or 0 for n in sub.items) * sub.multiplier
        subscales[sid] = value
        if sub.bands:
            subscale_bands[sid] = _band_label(definition, sub.bands, exact(value))
        if sub.cutoff is not None:
            subscale_positive[sid] = value >= sub.cutoff

    critical = sorted(
        {
            rule.target
            for rule in plan.critical_rules
            if isinstance(rule.target, int)
            and (item := item_scores[rule.target - 1]) is not None
            and rule.fires(item)
        }
    )
    return ScoreResult(
        instrument=definition.id,
        total=total,
        band=band,
        subscales=subscales,
        subscale_bands=subscale_bands,
        subscale_positive=subscale_positive,
        critical_items=[int(n) for n in critical],
        answered=len(answered),
        missing=missing,
        prorated=plan.aggregate == "mean" and bool(missing),
    )


def _screen(
    definition: InstrumentDefinition, screen: ScreenPlan, answers: list[int | None]
) -> ScoreResult:
    # No total: the result is the band. A refused screening question (None) counts as positive
    # where the instrument says so; the acuity question is None when it was not asked.
    return ScoreResult(
        instrument=definition.id,
        total=None,
        band=screen.band(answers),
        critical_items=screen.flagged_items(answers),
        answered=sum(1 for a in answers if a is not None),
        missing=[n for n, a in enumerate(answers, 1) if a is None],
    )


def report(result: ScoreResult) -> dict[str, Any]:
    """The result in the form the `score` command prints and vectors.json records."""
    # Every key is always present, so callers can rely on the shape: an instrument without a
    # total (DASS-21) reports "total": null and "band": null, its bands being per subscale.
    return {
        "instrument": result.instrument,
        "total": result.total,
        "band": result.band,
        "subscales": dict(result.subscales),
        "critical_items": list(result.critical_items),
    }


def expect_answer_count(definition: InstrumentDefinition, count: int) -> None:
    """Refuse a form with the wrong number of answers before looking at any of them."""
    expected = len(definition.items)
    if count != expected:
        raise ScoringError(f"{definition.id}: expected {expected} answers, got {count}")


def supplementary_alerts(definition: InstrumentDefinition, answers: Mapping[str, Any]) -> list[str]:
    """Ids of supplementary questions whose alert rule fires (PHQ-A's lifetime attempt)."""
    fired: list[str] = []
    for rule in definition.plan.critical_rules:
        value = answers.get(rule.target) if isinstance(rule.target, str) else None
        if (
            isinstance(value, int | float | str)
            and not isinstance(value, bool)
            and rule.fires(value)
        ):
            fired.append(str(rule.target))
    return fired


def classify_change(
    definition: InstrumentDefinition,
    baseline: ScoreResult | int | float,
    latest: ScoreResult | int | float,
) -> ChangeResult:
    """Jacobson-Truax style verdict on the change between two scores of the same instrument."""
    first = _comparable_total(definition, baseline)
    last = _comparable_total(definition, latest)
    change = last - first
    if isinstance(change, float):
        change = float(exact(last) - exact(first))  # 4.33 - 4.3 should be 0.03, not 0.0299...
    rc = definition.reliable_change
    if rc is None:
        return ChangeResult(definition.id, first, last, change, verdict=None)

    higher_is_better = definition.plan.higher_is_better
    improvement = exact(change) if higher_is_better else -exact(change)
    threshold = exact(rc.value)
    if improvement >= threshold:
        verdict = RELIABLE_IMPROVEMENT
        caseness = rc.caseness_threshold
        if (
            caseness is not None
            and _is_case(first, caseness, higher_is_better)
            and not _is_case(last, caseness, higher_is_better)
        ):
            verdict = RECOVERED
    elif -improvement >= threshold:
        verdict = RELIABLE_DETERIORATION
    else:
        verdict = NO_RELIABLE_CHANGE
    meaningful = None if rc.mcid is None else abs(exact(change)) >= exact(rc.mcid)
    return ChangeResult(
        definition.id,
        first,
        last,
        change,
        verdict=verdict,
        reliable_change=rc.value,
        caseness_threshold=rc.caseness_threshold,
        higher_is_better=higher_is_better,
        clinically_meaningful=meaningful,
    )


def _item_score(definition: InstrumentDefinition, number: int, raw: object) -> int | None:
    if raw is None:
        return None
    scores = definition.plan.item_scores[number - 1]
    allowed = ", ".join(str(v) for v in sorted(scores))
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ScoringError(
            f"{definition.id} item {number}: {raw!r} is not a whole number; use one of {allowed}"
        )
    if raw not in scores:
        raise ScoringError(f"{definition.id} item {number}: {raw} is not one of {allowed}")
    return scores[raw]


def _check_missing(
    definition: InstrumentDefinition, policy: MissingPolicy, missing: list[int]
) -> None:
    if not missing:
        return
    name, count = definition.id, len(definition.items)
    listed = ", ".join(str(n) for n in missing)
    if policy.kind == "blank_as_zero":
        if len(missing) > policy.max_blank:
            raise ScoringError(
                f"{name}: {len(missing)} items blank ({listed}); "
                f"{policy.max_blank + 1} or more blanks make the questionnaire invalid"
            )
    elif policy.kind == "mean_of_answered":
        answered = count - len(missing)
        if answered < policy.min_answered:
            raise ScoringError(
                f"{name}: {answered} of {count} items answered; "
                f"at least {policy.min_answered} are required"
            )
    else:
        noun = "item" if len(missing) == 1 else "items"
        raise ScoringError(f"{name} {noun} {listed}: unanswered; every item is required")


def _total_bands(definition: InstrumentDefinition, sex: str | None) -> tuple[Band, ...]:
    if not definition.bands_by_sex:
        return definition.bands or ()
    choices = ", ".join(sorted(definition.bands_by_sex))
    if sex is None or not sex.strip():
        raise ScoringError(f"{definition.id}: the respondent's sex is required ({choices})")
    key = sex.strip().lower()
    if key not in definition.bands_by_sex:
        raise ScoringError(f"{definition.id}: sex {sex!r} is not one of {choices}")
    return definition.bands_by_sex[key]


def _band_label(definition: InstrumentDefinition, bands: Sequence[Band], value: Fraction) -> str:
    band = find_band(bands, value)
    if band is None:
        # Checked definitions cover every reachable score, so this means a broken definition.
        raise ScoringError(f"{definition.id}: score {format_number(value)} falls in no band")
    return band.label


def _round_half_up(value: Fraction, decimals: int) -> float:
    quantum = Decimal(1).scaleb(-decimals)
    rounded = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP
    )
    return float(rounded)


def _comparable_total(
    definition: InstrumentDefinition, value: ScoreResult | int | float
) -> int | float:
    if isinstance(value, ScoreResult):
        if value.instrument != definition.id:
            raise ScoringError(f"{definition.id}: cannot compare with a {value.instrument} score")
        total = value.total
    else:
        total = value
    if total is None:
        raise ScoringError(f"{definition.id} has no total score to compare; compare its subscales")
    if isinstance(total, bool) or not isinstance(total, int | float):
        raise ScoringError(f"{definition.id}: {total!r} is not a score")
    return total


def _is_case(value: int | float, caseness: int | float, higher_is_better: bool | None) -> bool:
    # Symptom scales count "at or above the threshold" as a case (PHQ-9 >= 10); a scale where
    # higher is better mirrors that, counting "at or below" as a case.
    if higher_is_better:
        return exact(value) <= exact(caseness)
    return exact(value) >= exact(caseness)
