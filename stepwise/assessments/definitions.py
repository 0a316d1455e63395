"""Instrument definitions: the model of an instrument file, how it is read, and how it is checked.

One format serves the shipped instruments and a practice's own imports. The scoring rules a file
states in words are read once, here, into a `ScoringPlan` that the pure scorer follows.
"""

from __future__ import annotations

import functools
import itertools
import json
import operator
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    ValidationError,
    model_validator,
)

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
# Where each shipped reliable-change value comes from (computed or cited), kept beside the
# verbatim instrument files rather than in them.
RELIABLE_CHANGE_BASIS = Path(__file__).resolve().parent / "reliable_change.json"

Aggregate = Literal["sum", "mean", "none", "screen"]
MissingKind = Literal["require_all", "blank_as_zero", "mean_of_answered"]


class InstrumentError(ValueError):
    """An instrument definition that cannot be used; `problems` lists every reason found."""

    def __init__(self, problems: Iterable[str], where: str = "") -> None:
        self.problems = tuple(problems)
        self.where = where
        prefix = f"{where}: " if where else ""
        super().__init__(prefix + "; ".join(self.problems))


class _RuleProblems(ValueError):
    """Raised inside model validation so `validate_instrument` can list the problems one by one."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


# Pydantic's lax mode would turn true into 1 and "3" into 3; an instrument file must say what it
# means, so numbers are checked by hand and give one plain message instead of one per union arm.
def _whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"should be a whole number, not {value!r}")
    return value


def _number(value: object) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"should be a number, not {value!r}")
    return value


def _item_ref(value: object) -> int | str:
    if isinstance(value, str) and value:
        return value
    return _whole(value)


def _slug(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", value):
        raise ValueError(
            "should be up to 40 lower-case letters, digits and underscores, starting with a "
            f"letter, not {value!r}"
        )
    return value


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"should be true or false, not {value!r}")
    return value


Whole = Annotated[int, PlainValidator(_whole)]
Number = Annotated[int | float, PlainValidator(_number)]
ItemRef = Annotated[int | str, PlainValidator(_item_ref)]
Flag = Annotated[bool, PlainValidator(_flag)]
Slug = Annotated[str, PlainValidator(_slug)]
Text = Annotated[str, Field(min_length=1)]


def exact(value: int | float | Fraction) -> Fraction:
    """The exact value of a score or band edge, so 2.99 means 299/100 and not a nearby binary."""
    if isinstance(value, float):
        return Fraction(str(value))
    return Fraction(value)


def format_number(value: int | float | Fraction) -> str:
    """A score as people write it: 14, 4.33."""
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return str(int(value))  # the common case, without building a fraction
    value = exact(value)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}".rstrip("0").rstrip(".")  # 4.001 -> "4", not "4."


class _Model(BaseModel):
    # Files carry licence notes, sources and clinical remarks that are kept but not read here.
    model_config = ConfigDict(extra="allow", frozen=True)


class Option(_Model):
    value: Whole
    label: Text


class Item(_Model):
    number: Whole
    text: Text
    reverse: Flag = False
    subscale: str | None = None
    options: tuple[Option, ...] | None = None
    # A screening question asked only when the screen is positive (ASQ item 5, acuity).
    gated: Flag = False


class Band(_Model):
    min: Number
    max: Number
    label: Text

    def contains(self, score: Fraction) -> bool:
        return exact(self.min) <= score <= exact(self.max)

    def describe(self) -> str:
        return f"{self.label!r} ({format_number(self.min)}-{format_number(self.max)})"


class ScreenBand(_Model):
    """A screening result named by the rule that gives it, with no score range (ASQ)."""

    rule: Text
    label: Text


class Subscale(_Model):
    items: tuple[Whole, ...] = Field(min_length=1)
    min: Number | None = None
    max: Number | None = None
    method: str = "sum"
    cutoff: Number | None = None
    bands: tuple[Band, ...] = ()


class Scoring(_Model):
    method: Text
    # None only for a screening rule, which reports a result and no score (ASQ).
    min: Number | None = None
    max: Number | None = None
    raw_min: Number | None = None
    raw_max: Number | None = None
    subscales: dict[str, Subscale] = Field(default_factory=dict)
    missing_rule: str = ""
    rounding: str | None = None


class CriticalItem(_Model):
    # An item number, or the id of a supplementary question (PHQ-A's "lifetime_attempt").
    number: ItemRef
    rule: Text
    reason: str = ""
    platform_suggested: Flag = False


class SupplementaryItem(_Model):
    id: Text
    text: Text
    options: tuple[Option | str, ...] = ()


class ReliableChange(_Model):
    value: Number = Field(gt=0)
    unit: str | None = None
    rule: str | None = None
    caseness_threshold: Number | None = None
    # Minimal clinically important difference where published (PCL-5: 10 points).
    mcid: Number | None = None


@dataclass(frozen=True)
class MissingPolicy:
    """What unanswered items do: refuse the form, count as 0 up to a limit, or drop from a mean."""

    kind: MissingKind
    max_blank: int = 0
    min_answered: int = 0


@dataclass(frozen=True)
class SubscalePlan:
    items: tuple[int, ...]
    multiplier: int
    bands: tuple[Band, ...]
    cutoff: int | float | None


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}


@dataclass(frozen=True)
class CriticalRule:
    """One alert rule, such as PHQ-9 item 9 `score >= 1`, read from its text."""

    target: int | str
    subject: Literal["score", "answer"]
    comparison: str
    threshold: int | float | str

    def fires(self, value: int | float | str) -> bool:
        if isinstance(self.threshold, str) or isinstance(value, str):
            same = str(value).strip().casefold() == str(self.threshold).casefold()
            return same if self.comparison == "==" else self.comparison == "!=" and not same
        return _COMPARISONS[self.comparison](value, self.threshold)


@dataclass(frozen=True)
class ScreenPlan:
    """A screening rule with no total (ASQ): Yes, or a refusal, to any screening item is positive;
    a gated item, asked only after a positive screen, decides its acuity."""

    screening_items: tuple[int, ...]
    acuity_item: int | None
    positive_value: int
    refusal_is_positive: bool
    negative: str
    positive: str
    acute: str
    # A positive screen whose acuity question is not answered yet: ask it, manage as acute.
    undetermined: str
    # Next steps for the clinician, by band label, where the file gives them.
    actions: Mapping[str, str]

    def band(self, answers: Sequence[int | None]) -> str:
        acuity = None if self.acuity_item is None else answers[self.acuity_item - 1]
        if acuity == self.positive_value:
            return self.acute  # safety first, even against an inconsistent record
        if not self.positive_items(answers):
            return self.negative
        if self.acuity_item is not None and acuity is None:
            return self.undetermined
        return self.positive

    def positive_items(self, answers: Sequence[int | None]) -> list[int]:
        return [
            n
            for n in self.screening_items
            if answers[n - 1] == self.positive_value
            or (answers[n - 1] is None and self.refusal_is_positive)
        ]

    def flagged_items(self, answers: Sequence[int | None]) -> list[int]:
        flagged = self.positive_items(answers)
        if self.acuity_item is not None and answers[self.acuity_item - 1] == self.positive_value:
            flagged.append(self.acuity_item)
        return flagged


@dataclass(frozen=True)
class ScoringPlan:
    """An instrument's scoring rules in a form code can follow without re-reading prose."""

    aggregate: Aggregate
    multiplier: int
    decimals: int
    missing: MissingPolicy
    # Per item, in order: each allowed raw response -> the score it contributes (after reversal).
    item_scores: tuple[dict[int, int], ...]
    subscales: dict[str, SubscalePlan]
    critical_rules: tuple[CriticalRule, ...]
    higher_is_better: bool | None
    screen: ScreenPlan | None = None


# Direction of improvement for shipped instruments whose file does not say it in words. PHQ-9 and
# GAD-7 ("decrease >=N = reliable improvement") and WHO-5 ("higher = better") are read from their
# files instead. A practice's own instrument states it with a top-level "higher_is_better".
KNOWN_DIRECTIONS: dict[str, bool] = {
    "brs": True,  # resilience: higher means bouncing back more easily
    "swls": True,  # life satisfaction: bands run from dissatisfied up to satisfied
    "pcl5": False,  # PTSD symptom severity
    "phq2": False,  # depressive symptoms
    "phqa": False,  # depressive symptoms
    "gad2": False,  # anxiety symptoms
    "k10": False,  # psychological distress
    "pss10": False,  # perceived stress
    "dass21": False,  # depression, anxiety and stress symptoms
    "psc17": False,  # psychosocial problems
    "auditc": False,  # alcohol consumption
    "scared_child": False,  # anxiety symptoms
    "scared_parent": False,  # anxiety symptoms
}


class InstrumentDefinition(_Model):
    id: Slug
    name: Text
    abbreviation: Text
    items: tuple[Item, ...] = Field(min_length=1)
    options: tuple[Option, ...] | None = None
    additional_unscored_items: tuple[SupplementaryItem, ...] = ()
    scoring: Scoring
    bands: tuple[Band, ...] | None = None
    bands_by_sex: dict[str, tuple[Band, ...]] | None = None
    # A screening rule's results (read from the file's "bands" when scoring.method says so).
    screen_bands: tuple[ScreenBand, ...] = ()
    critical_items: tuple[CriticalItem, ...] = ()
    reliable_change: ReliableChange | None = None
    enabled_by_default: Flag = False
    higher_is_better: Flag | None = None

    _plan: ScoringPlan = PrivateAttr()

    @model_validator(mode="before")
    @classmethod
    def _screen_bands(cls, data: Any) -> Any:
        # A screening rule's bands are rules, not ranges: read them as such, and leave the
        # file's own text untouched (critical items there are the same rule in words).
        scoring = data.get("scoring") if isinstance(data, dict) else None
        if isinstance(scoring, dict) and _SCREEN.match(str(scoring.get("method", ""))):
            data = {**data, "screen_bands": data.get("bands") or (), "bands": None}
            data["critical_items"] = ()
        return data

    @model_validator(mode="after")
    def _read_rules(self) -> InstrumentDefinition:
        plan, problems = _read_plan(self)
        if problems or plan is None:
            raise _RuleProblems(problems)
        self._plan = plan
        return self

    @property
    def plan(self) -> ScoringPlan:
        return self._plan

    @property
    def needs_sex(self) -> bool:
        return bool(self.bands_by_sex)

    @property
    def in_session_only(self) -> bool:
        """Asked aloud by a clinician in session, never sent as homework (ASQ)."""
        extra = self.model_extra or {}
        return extra.get("respondent") == "clinician" or "in_session_only" in str(
            extra.get("administration", "")
        )

    def next_steps(self, band: str) -> str:
        """The file's guidance for the clinician after a screening result, if it gives any."""
        screen = self.plan.screen
        if screen is None:
            return ""
        if band == screen.undetermined and band not in screen.actions:
            # The file's platform policy: ask the acuity question; until then, manage as acute.
            acute = screen.actions.get(screen.acute, "")
            return (
                f"Ask question {screen.acuity_item} now and record a new screen with its answer. "
                f"Until it is answered, manage the patient as an acute positive screen. {acute}"
            ).strip()
        return screen.actions.get(band, "")

    def options_for(self, item: Item) -> tuple[Option, ...]:
        return item.options if item.options is not None else self.options or ()


# --- Reading the rules -------------------------------------------------------------------------

# "x 4" (or a multiplication sign, or "* 4") after a word or bracket: WHO-5's "raw x 4".
_MULTIPLIER = re.compile(r"(?:^|[\s)])[x\u00d7*]\s*(\d+)\b")
_NO_TOTAL = re.compile(r"\bno\b[^.;]*\btotal\b", re.IGNORECASE)
_MEAN = re.compile(r"\bmean\b", re.IGNORECASE)
_SUM = re.compile(r"\bsum\b", re.IGNORECASE)
_REVERSED_LIST = re.compile(r"revers\w*\s+items?\s+(\d+(?:\s*(?:,|and)\s*\d+)*)", re.IGNORECASE)
_BLANK_AS_ZERO = re.compile(r"blank[^.;]*?\bscored\s+(?:as\s+)?0\b", re.IGNORECASE)
_BLANK_LIMIT = re.compile(r"(\d+)\s+or\s+more\s+(?:items\s+)?(?:are\s+)?(?:left\s+)?blank", re.I)
_AT_LEAST = re.compile(r"(?:>=|≥|at\s+least)\s*(\d+)\s*(?:of|/)\s*(\d+)", re.IGNORECASE)
_DECIMALS = re.compile(r"(\d+)\s+decimals?", re.IGNORECASE)
_HIGHER_BETTER = re.compile(r"\b(higher|lower)\b[^.;]*?=\s*better", re.IGNORECASE)
_IMPROVEMENT = re.compile(r"\b(decrease|increase)\b[^.;]*?=\s*reliable\s+improvement", re.I)
_RULE = re.compile(r"^\s*(score|answer)\s*(>=|<=|==|!=|=|>|<)\s*(\S+)")
_NUMERIC = re.compile(r"-?\d+(?:\.\d+)?")
_SCREEN = re.compile(r"^\s*screening rule\b", re.IGNORECASE)
_REFUSAL_POSITIVE = re.compile(r"refus\w*[^.;]*\bcounts?\s+as\s+(?:a\s+)?positive", re.I)


def _read_screen_plan(
    d: InstrumentDefinition, item_scores: tuple[dict[int, int], ...]
) -> tuple[ScoringPlan | None, list[str]]:
    """A screening rule (ASQ): bands are outcomes named by their rule, not score ranges."""
    problems: list[str] = []
    gated = [item.number for item in d.items if item.gated]
    screening = tuple(item.number for item in d.items if not item.gated)
    if len(gated) > 1:
        problems.append("a screening rule takes at most one gated (acuity) item")
    yes = [o.value for o in d.options or () if o.label.strip().casefold() == "yes"]
    if len(yes) != 1 or any(item.options for item in d.items):
        problems.append("a screening rule needs shared options with exactly one 'Yes'")
    labels: dict[str, str] = {}
    for band in d.screen_bands:
        rule = band.rule.casefold()
        if "not answered" in rule:
            labels["undetermined"] = band.label
        elif "all no" in rule:
            labels["negative"] = band.label
        elif re.search(r"item\s+\d+\s+yes\b", rule) and "any of" not in rule:
            labels["acute"] = band.label
        elif re.search(r"item\s+\d+\s+no\b", rule):
            labels["positive"] = band.label
        else:
            problems.append(f"screening band {band.label!r}: rule {band.rule!r} is not understood")
    needed = ("negative", "positive", "acute", "undetermined") if gated else ("negative",)
    missing = [name for name in needed if name not in labels]
    if missing:
        problems.append(f"a screening rule needs bands for: {', '.join(missing)}")
    if problems:
        return None, problems
    actions = d.scoring.model_extra.get("actions") if d.scoring.model_extra else None
    negative = labels["negative"]
    screen = ScreenPlan(
        screening_items=screening,
        acuity_item=gated[0] if gated else None,
        positive_value=yes[0],
        refusal_is_positive=bool(_REFUSAL_POSITIVE.search(d.scoring.missing_rule)),
        negative=negative,
        positive=labels.get("positive", negative),
        acute=labels.get("acute", negative),
        undetermined=labels.get("undetermined", negative),
        actions={str(k): str(v) for k, v in (actions or {}).items()},
    )
    plan = ScoringPlan(
        aggregate="screen",
        multiplier=1,
        decimals=0,
        missing=MissingPolicy("require_all"),
        item_scores=item_scores,
        subscales={},
        critical_rules=(),
        higher_is_better=None,
        screen=screen,
    )
    return plan, []


def _read_plan(d: InstrumentDefinition) -> tuple[ScoringPlan | None, list[str]]:
    problems: list[str] = []
    problems += _item_problems(d)
    if problems:
        return None, problems  # nothing below is trustworthy without well-numbered items

    item_scores = tuple(_item_score_map(d.options_for(item), item.reverse) for item in d.items)
    if _SCREEN.match(d.scoring.method):
        return _read_screen_plan(d, item_scores)
    if d.scoring.min is None or d.scoring.max is None:
        problems.append("scoring.min and scoring.max are required for a scored instrument")
        return None, problems
    aggregate, multiplier = _read_total_rule(d, problems)
    missing = _read_missing_rule(d, aggregate, problems)
    decimals = 2
    if d.scoring.rounding and (found := _DECIMALS.search(d.scoring.rounding)):
        decimals = int(found.group(1))
    subscales = _read_subscales(d, aggregate, problems)
    # Ranges and bands can only be checked once the scoring rules themselves make sense.
    rules_understood = not problems
    critical_rules = _read_critical_rules(d, problems)
    higher_is_better = _read_direction(d, problems)

    plan = ScoringPlan(
        aggregate=aggregate,
        multiplier=multiplier,
        decimals=decimals,
        missing=missing,
        item_scores=item_scores,
        subscales=subscales,
        critical_rules=critical_rules,
        higher_is_better=higher_is_better,
    )
    if rules_understood:
        problems += _range_problems(d, plan)
    return (None if problems else plan), problems


def _item_problems(d: InstrumentDefinition) -> list[str]:
    problems: list[str] = []
    numbers = [item.number for item in d.items]
    if numbers != list(range(1, len(numbers) + 1)):
        shown = ", ".join(str(n) for n in numbers)
        problems.append(f"items must be numbered 1 to {len(numbers)} in order; found {shown}")
    if d.options is not None:
        problems += _option_problems("options", d.options)
    for item in d.items:
        if item.options is not None:
            problems += _option_problems(f"item {item.number} options", item.options)
        elif not d.options:
            problems.append(f"item {item.number} has no options and there are no shared options")
    return problems


def _option_problems(where: str, options: Sequence[Option]) -> list[str]:
    if not options:
        return [f"{where}: the list of options is empty"]
    values = [option.value for option in options]
    repeated = sorted({v for v in values if values.count(v) > 1})
    if repeated:
        return [f"{where}: value {', '.join(map(str, repeated))} appears more than once"]
    return []


def _item_score_map(options: Sequence[Option], reverse: bool) -> dict[int, int]:
    values = [option.value for option in options]
    low, high = min(values), max(values)
    # Reverse-scored items are stored as printed; the score mirrors the response within its range.
    return {v: (low + high - v if reverse else v) for v in values}


def _read_total_rule(d: InstrumentDefinition, problems: list[str]) -> tuple[Aggregate, int]:
    method = d.scoring.method
    _check_reversed_items(d, problems)
    if _NO_TOTAL.search(method):
        return "none", 1
    found = _MULTIPLIER.search(method)
    multiplier = int(found.group(1)) if found else 1
    if _MEAN.search(method):
        if found:
            problems.append("scoring.method: a mean score cannot also be multiplied")
        return "mean", 1
    if _SUM.search(method):
        if multiplier < 1:
            problems.append("scoring.method: the multiplier must be at least 1")
        return "sum", max(multiplier, 1)
    problems.append(
        f"scoring.method {method!r} is not understood: say 'sum of ...', 'sum ... x N', "
        "'mean of ...' or 'no total'"
    )
    return "sum", 1


def _check_reversed_items(d: InstrumentDefinition, problems: list[str]) -> None:
    # The prose and the per-item flags must agree, or one of them was edited without the other.
    flagged = {item.number for item in d.items if item.reverse}
    answer_encoding = d.model_extra.get("answer_encoding") if d.model_extra else None
    for where, text in (("scoring.method", d.scoring.method), ("answer_encoding", answer_encoding)):
        if not isinstance(text, str) or not (found := _REVERSED_LIST.search(text)):
            continue
        named = {int(n) for n in re.findall(r"\d+", found.group(1))}
        if named != flagged:
            problems.append(
                f"{where} reverses items {_numbers(named)} but the items marked reverse are "
                f"{_numbers(flagged) or 'none'}"
            )


def _read_missing_rule(
    d: InstrumentDefinition, aggregate: Aggregate, problems: list[str]
) -> MissingPolicy:
    rule = d.scoring.missing_rule
    count = len(d.items)
    if _BLANK_AS_ZERO.search(rule):
        limit = _BLANK_LIMIT.search(rule)
        if not limit or not 1 <= int(limit.group(1)) <= count:
            problems.append(
                "scoring.missing_rule scores blanks as 0 but gives no limit such as "
                "'4 or more items blank makes it invalid'"
            )
            return MissingPolicy("require_all")
        return MissingPolicy("blank_as_zero", max_blank=int(limit.group(1)) - 1)
    at_least = _AT_LEAST.search(rule)
    if at_least:
        needed, out_of = int(at_least.group(1)), int(at_least.group(2))
        if aggregate != "mean":
            problems.append(
                "scoring.missing_rule allows unanswered items, but only a mean score can leave "
                "items out; a sum would need prorating, which Stepwise does not do"
            )
        elif out_of != count or not 1 <= needed <= count:
            problems.append(
                f"scoring.missing_rule asks for {needed} of {out_of} items but there are {count}"
            )
        else:
            return MissingPolicy("mean_of_answered", min_answered=needed)
    return MissingPolicy("require_all")


def _read_subscales(
    d: InstrumentDefinition, aggregate: Aggregate, problems: list[str]
) -> dict[str, SubscalePlan]:
    count = len(d.items)
    plans: dict[str, SubscalePlan] = {}
    for sid, sub in d.scoring.subscales.items():
        where = f"subscale {sid!r}"
        outside = sorted({n for n in sub.items if not 1 <= n <= count})
        if outside:
            problems.append(f"{where} lists item {_numbers(outside)}; items run from 1 to {count}")
        repeated = sorted({n for n in sub.items if sub.items.count(n) > 1})
        if repeated:
            problems.append(f"{where} lists item {_numbers(repeated)} more than once")
        method = sub.method.strip().lower()
        found = _MULTIPLIER.search(method)
        if not _SUM.search(method):
            problems.append(
                f"{where}: method {sub.method!r} is not understood; use 'sum' or 'sum x N'"
            )
        plans[sid] = SubscalePlan(
            items=tuple(sub.items),
            multiplier=int(found.group(1)) if found else 1,
            bands=sub.bands,
            cutoff=sub.cutoff,
        )
    if plans and aggregate == "mean":
        problems.append("subscales cannot be combined with a mean of the answered items")
    for item in d.items:
        if item.subscale is None:
            continue
        if item.subscale not in plans:
            problems.append(
                f"item {item.number} belongs to subscale {item.subscale!r}, not defined"
            )
        elif item.number not in plans[item.subscale].items:
            problems.append(
                f"item {item.number} says it belongs to subscale {item.subscale!r}, "
                "which does not list it"
            )
    for sid, sub_plan in plans.items():
        for number in sub_plan.items:
            declared = d.items[number - 1].subscale if 1 <= number <= count else None
            if declared is not None and declared != sid:
                problems.append(f"subscale {sid!r} lists item {number}, which says {declared!r}")
    if aggregate == "none":
        if not plans:
            problems.append("an instrument without a total score needs subscales")
        unscored = sorted(set(range(1, count + 1)) - {n for p in plans.values() for n in p.items})
        if unscored:
            problems.append(
                f"items {_numbers(unscored)} belong to no subscale and are never scored"
            )
    return plans


def _read_critical_rules(d: InstrumentDefinition, problems: list[str]) -> tuple[CriticalRule, ...]:
    supplementary = {extra.id: extra for extra in d.additional_unscored_items}
    rules: list[CriticalRule] = []
    for critical in d.critical_items:
        target = critical.number
        where = f"critical item {target!r}"
        found = _RULE.match(critical.rule)
        if isinstance(target, int) and not 1 <= target <= len(d.items):
            problems.append(f"{where} is not an item; items run from 1 to {len(d.items)}")
            continue
        if isinstance(target, str) and target not in supplementary:
            problems.append(f"{where} names no item or additional_unscored_items id")
            continue
        if not found:
            problems.append(f"{where}: rule {critical.rule!r} is not understood; use 'score >= N'")
            continue
        subject, comparison, raw_threshold = found.groups()
        comparison = "==" if comparison == "=" else comparison
        threshold: int | float | str
        if _NUMERIC.fullmatch(raw_threshold):
            threshold = float(raw_threshold) if "." in raw_threshold else int(raw_threshold)
        else:
            threshold = raw_threshold.strip("'\"")
        if isinstance(target, int) and (subject != "score" or isinstance(threshold, str)):
            problems.append(f"{where}: rule {critical.rule!r} must compare the score with a number")
            continue
        if isinstance(threshold, str) and comparison not in ("==", "!="):
            problems.append(
                f"{where}: rule {critical.rule!r} can only test an answer with == or !="
            )
            continue
        if isinstance(target, str) and isinstance(threshold, str):
            labels = {
                (o if isinstance(o, str) else o.label).casefold()
                for o in supplementary[target].options
            }
            if labels and threshold.casefold() not in labels:
                problems.append(f"{where}: {threshold!r} is not one of its options")
                continue
        rules.append(
            CriticalRule(target, "score" if subject == "score" else "answer", comparison, threshold)
        )
    return tuple(rules)


def _read_direction(d: InstrumentDefinition, problems: list[str]) -> bool | None:
    stated: set[bool] = set()
    texts = [d.scoring.method, d.reliable_change.rule if d.reliable_change else None]
    for text in filter(None, texts):
        if found := _HIGHER_BETTER.search(text):
            stated.add(found.group(1).lower() == "higher")
        if found := _IMPROVEMENT.search(text):
            stated.add(found.group(1).lower() == "increase")
    if d.higher_is_better is not None:
        stated.add(d.higher_is_better)
    elif not stated and d.id in KNOWN_DIRECTIONS:
        stated.add(KNOWN_DIRECTIONS[d.id])
    if len(stated) > 1:
        problems.append("the file contradicts itself about whether higher scores are better")
        return None
    direction = stated.pop() if stated else None
    if d.reliable_change is not None and direction is None:
        problems.append('reliable_change needs a direction: add "higher_is_better": true or false')
    return direction


# --- Possible scores and band coverage ---------------------------------------------------------


def _reachable(value_sets: Sequence[Collection[int]], max_blank: int) -> set[tuple[int, int]]:
    """Every (blanks, sum) pair from answering each item or leaving up to `max_blank` blank."""
    states = {(0, 0)}
    for values in value_sets:
        following: set[tuple[int, int]] = set()
        for blanks, total in states:
            following.update((blanks, total + value) for value in values)
            if blanks < max_blank:
                following.add((blanks + 1, total))
        states = following
    return states


def _allowed_blanks(plan: ScoringPlan, item_count: int) -> int:
    if plan.missing.kind == "blank_as_zero":
        return plan.missing.max_blank
    if plan.missing.kind == "mean_of_answered":
        return item_count - plan.missing.min_answered
    return 0


def possible_scores(definition: InstrumentDefinition) -> frozenset[Fraction]:
    """Every total a valid set of answers can produce (empty when there is no total)."""
    return _possible_totals(definition.plan)


def possible_subscale_scores(
    definition: InstrumentDefinition, subscale: str
) -> frozenset[Fraction]:
    """Every score a valid set of answers can produce on one subscale."""
    return _possible_subscale(definition.plan, subscale)


def _possible_totals(plan: ScoringPlan) -> frozenset[Fraction]:
    if plan.aggregate in ("none", "screen"):
        return frozenset()
    count = len(plan.item_scores)
    states = _reachable([s.values() for s in plan.item_scores], _allowed_blanks(plan, count))
    if plan.aggregate == "mean":
        return frozenset(Fraction(total, count - blanks) for blanks, total in states)
    return frozenset(Fraction(total * plan.multiplier) for _blanks, total in states)


def _possible_subscale(plan: ScoringPlan, subscale: str) -> frozenset[Fraction]:
    sub = plan.subscales[subscale]
    blanks = min(_allowed_blanks(plan, len(plan.item_scores)), len(sub.items))
    states = _reachable([plan.item_scores[n - 1].values() for n in sub.items], blanks)
    return frozenset(Fraction(total * sub.multiplier) for _blanks, total in states)


def find_band(bands: Sequence[Band], score: Fraction) -> Band | None:
    """The band a score falls in; bands are inclusive at both ends, as the files print them."""
    return next((band for band in bands if band.contains(score)), None)


def _range_problems(d: InstrumentDefinition, plan: ScoringPlan) -> list[str]:
    problems: list[str] = []
    totals = _possible_totals(plan)
    if totals:
        low, high = min(totals), max(totals)
        stated_min, stated_max = d.scoring.min or 0, d.scoring.max or 0  # checked present above
        if (exact(stated_min), exact(stated_max)) != (low, high):
            problems.append(
                f"scoring.min/max say {format_number(stated_min)}-{format_number(stated_max)}"
                f" but the items give {format_number(low)}-{format_number(high)}"
            )
        if plan.multiplier != 1 and d.scoring.raw_min is not None and d.scoring.raw_max is not None:
            raw = (
                exact(d.scoring.raw_min) * plan.multiplier,
                exact(d.scoring.raw_max) * plan.multiplier,
            )
            if raw != (low, high):
                problems.append("scoring.raw_min/raw_max do not match the multiplier in the method")
        if d.bands and d.bands_by_sex:
            problems.append("give either bands or bands_by_sex, not both")
        problems += _band_problems("bands", d.bands or (), totals)
        for sex, bands in (d.bands_by_sex or {}).items():
            if not sex or sex != sex.lower():
                problems.append(
                    f"bands_by_sex key {sex!r} should be a lower-case word like 'female'"
                )
            problems += _band_problems(f"bands_by_sex.{sex}", bands, totals)
    elif d.bands or d.bands_by_sex:
        problems.append("bands need a total score; put subscale bands under scoring.subscales")
    for sid, sub in d.scoring.subscales.items():
        scores = _possible_subscale(plan, sid)
        low, high = min(scores), max(scores)
        if (
            sub.min is not None
            and sub.max is not None
            and (exact(sub.min), exact(sub.max)) != (low, high)
        ):
            problems.append(
                f"subscale {sid!r} min/max say {format_number(sub.min)}-"
                f"{format_number(sub.max)} but its items give {format_number(low)}-"
                f"{format_number(high)}"
            )
        if sub.cutoff is not None and not low <= exact(sub.cutoff) <= high:
            problems.append(f"subscale {sid!r} cutoff {format_number(sub.cutoff)} is out of range")
        problems += _band_problems(f"subscale {sid!r} bands", sub.bands, scores)
    if d.reliable_change and d.reliable_change.caseness_threshold is not None and totals:
        threshold = exact(d.reliable_change.caseness_threshold)
        if not min(totals) <= threshold <= max(totals):
            problems.append("reliable_change.caseness_threshold is outside the score range")
    return problems


def _band_problems(where: str, bands: Sequence[Band], scores: frozenset[Fraction]) -> list[str]:
    if not bands:
        return []
    problems: list[str] = []
    for band in bands:
        if exact(band.min) > exact(band.max):
            problems.append(f"{where}: band {band.describe()} ends before it starts")
    for lower, upper in itertools.pairwise(bands):
        if exact(upper.min) <= exact(lower.max):
            problems.append(
                f"{where}: {lower.describe()} and {upper.describe()} overlap or are out of order"
            )
    if problems:
        return problems
    low, high = min(scores), max(scores)
    if exact(bands[0].min) != low or exact(bands[-1].max) != high:
        problems.append(
            f"{where} run from {format_number(bands[0].min)} to {format_number(bands[-1].max)}"
            f" but scores run from {format_number(low)} to {format_number(high)}"
        )
    uncovered = sorted(s for s in scores if find_band(bands, s) is None)
    if uncovered:
        shown = ", ".join(format_number(s) for s in uncovered[:5])
        more = f" and {len(uncovered) - 5} more" if len(uncovered) > 5 else ""
        problems.append(f"{where} leave a gap: no band for score {shown}{more}")
    return problems


def _numbers(values: Iterable[int]) -> str:
    return ", ".join(str(v) for v in sorted(values))


# --- A practice's screening cut-off -------------------------------------------------------------

_CONFIGURABLE = re.compile(
    r"make\s+(?:the\s+threshold\s+)?configurable(?:\s*\((\d+)\s*-\s*(\d+)\))?", re.IGNORECASE
)
_AT_OR_ABOVE = re.compile(r"(>=|≥)\s*\d+")


def cutoff_range(definition: InstrumentDefinition) -> tuple[int, int] | None:
    """The scores a practice may choose as the screening cut-off, where the file says to make it
    configurable (SMFQ, PCL-5) and the total splits into two bands at it; else None."""
    notes = " ".join(
        str(v)
        for v in (
            (definition.scoring.model_extra or {}).get("cutoff_note"),
            (definition.model_extra or {}).get("cutoff_note"),
        )
        if v
    )
    bands = definition.bands or ()
    totals = possible_scores(definition)
    found = _CONFIGURABLE.search(notes)
    if not found or len(bands) != 2 or not totals:
        return None
    if found.group(1):  # the file names the published range (PCL-5: 31-33)
        return int(found.group(1)), int(found.group(2))
    return int(min(totals)) + 1, int(max(totals))


def default_cutoff(definition: InstrumentDefinition) -> int | None:
    bands = definition.bands or ()
    return int(bands[1].min) if cutoff_range(definition) else None


def with_cutoff(definition: InstrumentDefinition, cutoff: int | None) -> InstrumentDefinition:
    """The definition with its two bands split at a practice's chosen cut-off (scores at or above
    it are in the upper band) and caseness moved with it; unchanged when None or the default."""
    allowed = cutoff_range(definition)
    if cutoff is None or allowed is None or cutoff == default_cutoff(definition):
        return definition
    low, high = allowed
    if not low <= cutoff <= high:
        raise InstrumentError([f"cut-off {cutoff} is outside {low}-{high}"], definition.id)
    lower, upper = definition.bands or ()
    label = _AT_OR_ABOVE.sub(f">={cutoff}", upper.label)
    data = definition.model_dump(mode="python", exclude={"screen_bands"})
    data["bands"] = [
        {"min": lower.min, "max": cutoff - 1, "label": lower.label},
        {"min": cutoff, "max": upper.max, "label": label},
    ]
    if data.get("reliable_change") and data["reliable_change"].get("caseness_threshold"):
        data["reliable_change"]["caseness_threshold"] = cutoff
    return InstrumentDefinition.model_validate(data)


# --- Loading and validating --------------------------------------------------------------------


def load_instrument(source: Path | str | Mapping[str, Any]) -> InstrumentDefinition:
    """Read and check one instrument from a JSON file path or an already-parsed mapping."""
    where = "" if isinstance(source, Mapping) else Path(source).name
    data = _read_source(source, where)
    try:
        return InstrumentDefinition.model_validate(data)
    except ValidationError as exc:
        raise InstrumentError(_describe(exc), where=where) from None


def validate_instrument(
    data: Mapping[str, Any] | str | bytes, *, taken_ids: Collection[str] = ()
) -> list[str]:
    """Every problem with a practice's own instrument (a mapping or JSON text); empty if usable."""
    try:
        raw = dict(data) if isinstance(data, Mapping) else _parse_json(data, "")
        definition = InstrumentDefinition.model_validate(raw)
    except InstrumentError as exc:
        return list(exc.problems)
    except ValidationError as exc:
        return _describe(exc)
    if definition.id in taken_ids:
        return [f"id {definition.id!r} is already used by another instrument; choose another id"]
    return []


@functools.cache
def _load_shipped() -> tuple[tuple[str, InstrumentDefinition], ...]:
    loaded: list[tuple[str, InstrumentDefinition]] = []
    for path in sorted(INSTRUMENTS_DIR.glob("*.json")):
        definition = load_instrument(path)
        if definition.id != path.stem:
            raise InstrumentError([f"id {definition.id!r} does not match the file name"], path.name)
        loaded.append((definition.id, definition))
    return tuple(loaded)


@functools.cache
def _basis() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads(RELIABLE_CHANGE_BASIS.read_text())
    return {key: value for key, value in data.items() if not key.startswith("_")}


def reliable_change_basis(instrument_id: str) -> dict[str, Any]:
    """How a shipped instrument's reliable-change value was obtained ({} when not recorded)."""
    return dict(_basis().get(instrument_id, {}))


def describe_basis(instrument_id: str) -> str:
    """One sentence for the therapist on where the reliable-change value comes from."""
    basis = reliable_change_basis(instrument_id)
    if not basis:
        return ""
    if basis["method"] == "jacobson_truax":
        text = (
            f"Computed by the Jacobson-Truax formula from SD {basis['sd']} and reliability "
            f"{basis['r']} ({basis['sd_source']})."
        )
    else:
        text = f"Taken from a published source: {basis['source']}"
    return f"{text} {basis.get('note', '')}".strip()


def shipped_instruments() -> dict[str, InstrumentDefinition]:
    """Every instrument shipped with Stepwise, by id, whether or not a practice has enabled it."""
    return dict(_load_shipped())


def _read_source(source: Path | str | Mapping[str, Any], where: str) -> dict[str, Any]:
    if isinstance(source, Mapping):
        return dict(source)
    try:
        text = Path(source).read_bytes()
    except OSError as exc:
        raise InstrumentError([f"cannot read the file: {exc.strerror}"], where) from None
    return _parse_json(text, where)


def _parse_json(text: str | bytes, where: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InstrumentError([f"not valid JSON: {exc}"], where) from None
    if not isinstance(data, dict):
        raise InstrumentError(["the file must hold one JSON object"], where)
    return data


def _describe(exc: ValidationError) -> list[str]:
    problems: list[str] = []
    for error in exc.errors():
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, _RuleProblems):
            problems += cause.problems
            continue
        message = error["msg"].removeprefix("Value error, ")
        path = _path(error["loc"])
        problems.append(f"{path}: {message}" if path else message)
    return problems


def _path(loc: Sequence[int | str]) -> str:
    parts: list[str] = []
    for part in loc:
        parts.append(f"[{part}]" if isinstance(part, int) else f".{part}" if parts else part)
    return "".join(parts)
