"""Instrument definitions: the model of an instrument file, how it is read, and how it is checked.

One format serves the shipped instruments and a practice's own imports. Beside the verbatim prose
(the source of truth for wording), a file states how it is scored in explicit `scoring_rules`;
those are checked here and turned into a `ScoringPlan` that the pure scorer follows. The prose
is never read to score (see `prose.py` for the check that the two agree).
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
    ValidationInfo,
    model_validator,
)

from stepwise.assessments import prose

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


# --- The explicit scoring rules ----------------------------------------------------------------
#
# Beside the verbatim prose (`scoring.method`, `scoring.missing_rule`, the critical items' rules),
# a definition states how it is scored in `scoring_rules`, and the scorer reads nothing else. The
# numeric bands (`bands`, `bands_by_sex`, a subscale's `bands` and `cutoff`) were always explicit
# and stay where they are.


class _Rules(BaseModel):
    # Unlike the rest of a file, an unknown key here is a mistake (a misspelt rule), not a note.
    model_config = ConfigDict(extra="forbid", frozen=True)


ScoreMethod = Literal["sum", "mean", "subscales", "screen"]
Operator = Literal[">=", ">", "<=", "<", "==", "!="]


def _threshold(value: object) -> int | float | str:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"should be a number, or an answer in quotes, not {value!r}")
    return value


class MissingRule(_Rules):
    """What unanswered items do. `require_all`: every item must be answered. `blank_as_zero`: up
    to `max_missing` blanks score 0 (PSC-17: 3). `mean_of_answered`: a mean of the answered items,
    which needs at least `min_answered` (BRS: 5 of 6). A sum is never prorated."""

    policy: MissingKind = "require_all"
    max_missing: Whole | None = None
    min_answered: Whole | None = None


class SubscaleRule(_Rules):
    items: tuple[Whole, ...] = Field(min_length=1)
    multiplier: Whole = 1


class CriticalRuleSpec(_Rules):
    """An alert rule: `{"item": 9, "operator": ">=", "value": 1}` fires on PHQ-9 item 9 at 1 or
    more. `item` may name a supplementary question by id, compared with an answer label."""

    item: ItemRef
    operator: Operator
    value: Annotated[int | float | str, PlainValidator(_threshold)]


class ScreenResults(_Rules):
    """The band label for each outcome of a screening rule."""

    negative: Text
    positive: Text | None = None
    acute: Text | None = None
    # A positive screen whose acuity question has no answer yet.
    undetermined: Text | None = None


class ScreenRule(_Rules):
    """A screening rule with no total (ASQ): `positive_value` (Yes) to any screening item, or a
    refusal where `refusal_is_positive`, is a positive screen; the acuity item, asked only then,
    makes it acute."""

    screening_items: tuple[Whole, ...] = Field(min_length=1)
    acuity_item: Whole | None = None
    positive_value: Whole
    refusal_is_positive: Flag = False
    results: ScreenResults


class CutoffRule(_Rules):
    """The screening cut-offs a practice may choose (PCL-5: 31-33); scores at or above the chosen
    one fall in the upper of the instrument's two bands."""

    min: Whole
    max: Whole


class ScoringRules(_Rules):
    """How a definition is scored, as fields rather than prose.

    method: "sum" (times `multiplier`), "mean" (of the answered items, reported to `decimals`
    and banded unrounded), "subscales" (no total; only `subscales`) or "screen" (a rule, `screen`).
    """

    method: ScoreMethod
    multiplier: Whole = 1
    decimals: Whole | None = None
    reverse_items: tuple[Whole, ...] = ()
    missing: MissingRule = Field(default_factory=MissingRule)
    # Whether a higher total means doing better; needed wherever reliable change is judged.
    higher_is_better: Flag | None = None
    subscales: dict[str, SubscaleRule] = Field(default_factory=dict)
    critical: tuple[CriticalRuleSpec, ...] = ()
    screen: ScreenRule | None = None
    cutoff: CutoffRule | None = None


class InstrumentDefinition(_Model):
    id: Slug
    name: Text
    abbreviation: Text
    items: tuple[Item, ...] = Field(min_length=1)
    options: tuple[Option, ...] | None = None
    additional_unscored_items: tuple[SupplementaryItem, ...] = ()
    scoring: Scoring
    # How it is scored, as explicit fields: the only thing the scorer reads (see ScoringRules).
    # Absent only in versions stored before these fields existed, read from their prose instead.
    scoring_rules: ScoringRules | None = None
    bands: tuple[Band, ...] | None = None
    bands_by_sex: dict[str, tuple[Band, ...]] | None = None
    # A screening rule's results (the file's "bands", when scoring_rules.method is "screen").
    screen_bands: tuple[ScreenBand, ...] = ()
    critical_items: tuple[CriticalItem, ...] = ()
    reliable_change: ReliableChange | None = None
    enabled_by_default: Flag = False
    higher_is_better: Flag | None = None

    _plan: ScoringPlan = PrivateAttr()
    _rules: ScoringRules = PrivateAttr()

    @model_validator(mode="before")
    @classmethod
    def _screen_bands(cls, data: Any) -> Any:
        # A screening rule's bands are rules, not ranges: read them as such, and leave the
        # file's own text untouched (critical items there are the same rule in words).
        if not isinstance(data, dict):
            return data
        rules = data.get("scoring_rules")
        screen = (
            rules.get("method") == "screen"
            if isinstance(rules, dict)
            else rules is None and prose.says_screening_rule(data.get("scoring"))
        )
        if screen:
            data = {**data, "screen_bands": data.get("bands") or (), "bands": None}
            data["critical_items"] = ()
        return data

    @model_validator(mode="after")
    def _read_rules(self, info: ValidationInfo) -> InstrumentDefinition:
        rules = self.scoring_rules
        if rules is None:
            rules = _rules_from_prose(self, stored=bool((info.context or {}).get(STORED)))
        plan, problems = _read_plan(self, rules)
        if problems or plan is None:
            raise _RuleProblems(problems)
        self._rules = rules
        self._plan = plan
        return self

    @property
    def rules(self) -> ScoringRules:
        """The explicit scoring rules this definition is scored by."""
        return self._rules

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

    @property
    def gated_items(self) -> tuple[int, ...]:
        """Questions asked only after a positive screen (ASQ item 5)."""
        screen = self.plan.screen
        return () if screen is None or screen.acuity_item is None else (screen.acuity_item,)

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


# Validation context key: the definition comes from a stored version, which may predate
# `scoring_rules` and is never rewritten, so its prose may stand in for them.
STORED = "stored"


def _rules_from_prose(d: InstrumentDefinition, *, stored: bool) -> ScoringRules:
    suggested, problems = prose.read_rules(d)
    if stored and suggested is not None:
        try:
            return ScoringRules.model_validate(suggested)
        except ValidationError as exc:
            raise _RuleProblems(_describe(exc)) from None
    message = (
        "scoring_rules is missing: state how the instrument is scored in explicit fields beside "
        "the prose (method, multiplier, reverse_items, missing, higher_is_better, subscales, "
        "critical, screen)"
    )
    if suggested is not None:
        message += (
            f'. From its prose Stepwise reads "scoring_rules": '
            f"{json.dumps(suggested, separators=(', ', ': '))}; check it against the "
            "instrument's manual and add it"
        )
    raise _RuleProblems([message, *problems])


# --- Reading the rules -------------------------------------------------------------------------

_AGGREGATES: dict[str, Aggregate] = {
    "sum": "sum",
    "mean": "mean",
    "subscales": "none",
    "screen": "screen",
}


def _read_plan(
    d: InstrumentDefinition, rules: ScoringRules
) -> tuple[ScoringPlan | None, list[str]]:
    problems: list[str] = []
    problems += _item_problems(d)
    if problems:
        return None, problems  # nothing below is trustworthy without well-numbered items

    count = len(d.items)
    problems += _list_problems("scoring_rules.reverse_items", rules.reverse_items, count)
    reverse = set(rules.reverse_items)
    for item in d.items:
        if "reverse" in item.model_fields_set and item.reverse != (item.number in reverse):
            listed = "does not list" if item.reverse else "lists"
            problems.append(
                f"item {item.number} says reverse: {str(item.reverse).lower()} but "
                f"scoring_rules.reverse_items {listed} it"
            )
    item_scores = tuple(
        _item_score_map(d.options_for(item), item.number in reverse) for item in d.items
    )
    if rules.method == "screen":
        plan = _read_screen_plan(d, rules, item_scores, problems)
        return (None if problems else plan), problems
    if rules.screen is not None:
        problems.append('scoring_rules.screen is only for method "screen"')
    if d.scoring.min is None or d.scoring.max is None:
        problems.append("scoring.min and scoring.max are required for a scored instrument")
        return None, problems
    aggregate = _AGGREGATES[rules.method]
    if rules.multiplier < 1:
        problems.append("scoring_rules.multiplier must be at least 1")
    elif rules.multiplier != 1 and aggregate == "mean":
        problems.append("scoring_rules.multiplier: a mean score cannot also be multiplied")
    elif rules.multiplier != 1 and aggregate == "none":
        problems.append(
            "scoring_rules.multiplier applies to a total; give each subscale its own multiplier"
        )
    decimals = 2 if rules.decimals is None else rules.decimals
    if rules.decimals is not None and aggregate != "mean":
        problems.append('scoring_rules.decimals is only for method "mean"')
    elif not 0 <= decimals <= 6:
        problems.append("scoring_rules.decimals must be between 0 and 6")
    missing = _missing_policy(rules.missing, aggregate, count, problems)
    subscales = _subscale_plans(d, rules, aggregate, problems)
    # Ranges and bands can only be checked once the scoring rules themselves make sense.
    rules_understood = not problems
    critical_rules = _critical_rules(d, rules, problems)
    higher_is_better = _direction(d, rules, problems)

    plan = ScoringPlan(
        aggregate=aggregate,
        multiplier=max(rules.multiplier, 1),
        decimals=decimals,
        missing=missing,
        item_scores=item_scores,
        subscales=subscales,
        critical_rules=critical_rules,
        higher_is_better=higher_is_better,
    )
    if rules_understood:
        problems += _range_problems(d, plan)
        problems += _cutoff_problems(d, rules.cutoff, plan)
    return (None if problems else plan), problems


def _cutoff_problems(
    d: InstrumentDefinition, cutoff: CutoffRule | None, plan: ScoringPlan
) -> list[str]:
    if cutoff is None:
        return []
    where = "scoring_rules.cutoff"
    bands = d.bands or ()
    totals = _possible_totals(plan)
    if len(bands) != 2 or not totals:
        return [f"{where} needs a total score split into exactly two bands at the cut-off"]
    low, high = int(min(totals)), int(max(totals))
    if not low < cutoff.min <= cutoff.max <= high:
        return [
            f"{where} runs from {cutoff.min} to {cutoff.max}; it must lie within {low + 1}-{high}"
            " (a cut-off at the lowest score would put every score in the upper band)"
        ]
    if not cutoff.min <= bands[1].min <= cutoff.max:
        return [
            f"{where} runs from {cutoff.min} to {cutoff.max} but the bands split at "
            f"{format_number(bands[1].min)}"
        ]
    return []


def _read_screen_plan(
    d: InstrumentDefinition,
    rules: ScoringRules,
    item_scores: tuple[dict[int, int], ...],
    problems: list[str],
) -> ScoringPlan | None:
    """A screening rule (ASQ): bands are outcomes named by their rule, not score ranges."""
    screen = rules.screen
    if screen is None:
        problems.append('method "screen" needs scoring_rules.screen')
        return None
    for name, given in (
        ("multiplier", rules.multiplier != 1),
        ("decimals", rules.decimals is not None),
        ("reverse_items", bool(rules.reverse_items)),
        ("subscales", bool(rules.subscales)),
        ("critical", bool(rules.critical)),
        ("missing", rules.missing.policy != "require_all"),
    ):
        if given:
            problems.append(
                f'scoring_rules.{name} does not apply to a screening rule (method "screen")'
            )
    count = len(d.items)
    where = "scoring_rules.screen"
    problems += _list_problems(f"{where}.screening_items", screen.screening_items, count)
    acuity = screen.acuity_item
    if acuity is not None and not 1 <= acuity <= count:
        problems.append(f"{where}.acuity_item {acuity} is not an item; items run from 1 to {count}")
    elif acuity is not None and acuity in screen.screening_items:
        problems.append(f"{where}: item {acuity} cannot be both a screening and the acuity item")
    covered = {*screen.screening_items, *([acuity] if acuity else [])}
    unused = sorted(set(range(1, count + 1)) - covered)
    if unused:
        problems.append(
            f"{where}: items {_numbers(unused)} are neither screening items nor the acuity item"
        )
    for item in d.items:
        if item.gated and item.number != acuity:
            problems.append(f"item {item.number} is marked gated but is not {where}.acuity_item")
        if item.number in covered and screen.positive_value not in item_scores[item.number - 1]:
            problems.append(
                f"{where}.positive_value {screen.positive_value} is not an option of item "
                f"{item.number}"
            )
    results = screen.results
    if acuity is not None:
        missing = [
            name for name in ("positive", "acute", "undetermined") if getattr(results, name) is None
        ]
        if missing:
            problems.append(
                f"{where}.results needs a label for: {', '.join(missing)} (there is an acuity item)"
            )
    labels = {band.label for band in d.screen_bands}
    for name in ("negative", "positive", "acute", "undetermined"):
        label = getattr(results, name)
        if labels and label is not None and label not in labels:
            problems.append(f"{where}.results.{name} {label!r} is not one of the bands' labels")
    if problems:
        return None
    actions = d.scoring.model_extra.get("actions") if d.scoring.model_extra else None
    negative = results.negative
    plan_screen = ScreenPlan(
        screening_items=tuple(screen.screening_items),
        acuity_item=acuity,
        positive_value=screen.positive_value,
        refusal_is_positive=screen.refusal_is_positive,
        negative=negative,
        positive=results.positive or negative,
        acute=results.acute or negative,
        undetermined=results.undetermined or negative,
        actions={str(k): str(v) for k, v in (actions or {}).items()},
    )
    return ScoringPlan(
        aggregate="screen",
        multiplier=1,
        decimals=0,
        missing=MissingPolicy("require_all"),
        item_scores=item_scores,
        subscales={},
        critical_rules=(),
        higher_is_better=None,
        screen=plan_screen,
    )


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


def _list_problems(where: str, numbers: Sequence[int], count: int) -> list[str]:
    problems: list[str] = []
    outside = sorted({n for n in numbers if not 1 <= n <= count})
    if outside:
        problems.append(f"{where} lists item {_numbers(outside)}; items run from 1 to {count}")
    repeated = sorted({n for n in numbers if list(numbers).count(n) > 1})
    if repeated:
        problems.append(f"{where} lists item {_numbers(repeated)} more than once")
    return problems


def _item_score_map(options: Sequence[Option], reverse: bool) -> dict[int, int]:
    values = [option.value for option in options]
    low, high = min(values), max(values)
    # Reverse-scored items are stored as printed; the score mirrors the response within its range.
    return {v: (low + high - v if reverse else v) for v in values}


def _missing_policy(
    rule: MissingRule, aggregate: Aggregate, count: int, problems: list[str]
) -> MissingPolicy:
    where = "scoring_rules.missing"
    if rule.policy == "require_all":
        if rule.max_missing is not None or rule.min_answered is not None:
            problems.append(
                f'{where}: "require_all" takes no max_missing or min_answered; use '
                '"blank_as_zero" or "mean_of_answered" to allow blanks'
            )
        return MissingPolicy("require_all")
    if rule.policy == "blank_as_zero":
        limit = rule.max_missing
        if limit is None or not 1 <= limit < count:
            problems.append(
                f'{where}: "blank_as_zero" needs max_missing, the most blanks allowed, from 1 to '
                f"{count - 1} (PSC-17: 3, as 4 or more blanks make it invalid)"
            )
            return MissingPolicy("require_all")
        if rule.min_answered is not None:
            problems.append(f'{where}: "blank_as_zero" takes max_missing, not min_answered')
        return MissingPolicy("blank_as_zero", max_blank=limit)
    needed = rule.min_answered
    if aggregate != "mean":
        problems.append(
            f'{where}: "mean_of_answered" needs method "mean"; a sum would need prorating, '
            "which Stepwise does not do"
        )
        return MissingPolicy("require_all")
    if needed is None or not 1 <= needed <= count:
        problems.append(
            f'{where}: "mean_of_answered" needs min_answered, from 1 to {count} (BRS: 5 of 6)'
        )
        return MissingPolicy("require_all")
    if rule.max_missing is not None:
        problems.append(f'{where}: "mean_of_answered" takes min_answered, not max_missing')
    return MissingPolicy("mean_of_answered", min_answered=needed)


def _subscale_plans(
    d: InstrumentDefinition, rules: ScoringRules, aggregate: Aggregate, problems: list[str]
) -> dict[str, SubscalePlan]:
    count = len(d.items)
    plans: dict[str, SubscalePlan] = {}
    for sid, described in d.scoring.subscales.items():
        rule = rules.subscales.get(sid)
        if rule is None:
            problems.append(
                f"scoring.subscales has {sid!r} but scoring_rules.subscales does not: add its "
                "items and multiplier"
            )
        elif tuple(rule.items) != tuple(described.items):
            problems.append(
                f"subscale {sid!r}: scoring_rules lists items {_numbers(rule.items)} but "
                f"scoring.subscales lists {_numbers(described.items)}"
            )
    for sid, rule in rules.subscales.items():
        where = f"subscale {sid!r}"
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", sid):
            problems.append(f"{where}: a subscale id is a word of letters, digits and underscores")
        problems += _list_problems(where, rule.items, count)
        if rule.multiplier < 1:
            problems.append(f"{where}: multiplier must be at least 1")
        # Bands and a cut-off, where the file gives them, sit with the subscale's description.
        banding = d.scoring.subscales.get(sid)
        plans[sid] = SubscalePlan(
            items=tuple(rule.items),
            multiplier=max(rule.multiplier, 1),
            bands=banding.bands if banding else (),
            cutoff=banding.cutoff if banding else None,
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
            problems.append('method "subscales" (no total score) needs scoring_rules.subscales')
        unscored = sorted(set(range(1, count + 1)) - {n for p in plans.values() for n in p.items})
        if unscored:
            problems.append(
                f"items {_numbers(unscored)} belong to no subscale and are never scored"
            )
    return plans


def _critical_rules(
    d: InstrumentDefinition, rules: ScoringRules, problems: list[str]
) -> tuple[CriticalRule, ...]:
    supplementary = {extra.id: extra for extra in d.additional_unscored_items}
    found: list[CriticalRule] = []
    for spec in rules.critical:
        target, comparison, threshold = spec.item, spec.operator, spec.value
        where = f"critical rule for item {target!r}"
        if isinstance(target, int) and not 1 <= target <= len(d.items):
            problems.append(f"{where}: not an item; items run from 1 to {len(d.items)}")
            continue
        if isinstance(target, str) and target not in supplementary:
            problems.append(f"{where}: names no item or additional_unscored_items id")
            continue
        if isinstance(target, int) and isinstance(threshold, str):
            problems.append(
                f"{where}: an item's score is compared with a number, not {threshold!r}"
            )
            continue
        if isinstance(threshold, str) and comparison not in ("==", "!="):
            problems.append(f"{where}: an answer can only be tested with == or !=")
            continue
        if isinstance(target, str) and isinstance(threshold, str):
            labels = {
                (o if isinstance(o, str) else o.label).casefold()
                for o in supplementary[target].options
            }
            if labels and threshold.casefold() not in labels:
                problems.append(f"{where}: {threshold!r} is not one of its options")
                continue
        found.append(
            CriticalRule(
                target, "score" if isinstance(target, int) else "answer", comparison, threshold
            )
        )
    ruled = {spec.item for spec in rules.critical}
    for critical in d.critical_items:
        if critical.number not in ruled:
            problems.append(
                f"critical_items lists {critical.number!r} but scoring_rules.critical has no rule "
                "for it"
            )
    return tuple(found)


def _direction(d: InstrumentDefinition, rules: ScoringRules, problems: list[str]) -> bool | None:
    direction = rules.higher_is_better
    if d.higher_is_better is not None and direction is not None and d.higher_is_better != direction:
        problems.append(
            f"higher_is_better says {str(d.higher_is_better).lower()} but "
            f"scoring_rules.higher_is_better says {str(direction).lower()}"
        )
    if direction is None:
        direction = d.higher_is_better
    if d.reliable_change is not None and direction is None:
        problems.append(
            'reliable_change needs a direction: add "higher_is_better": true or false to '
            "scoring_rules"
        )
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

_AT_OR_ABOVE = re.compile(r"(>=|≥)\s*\d+")


def cutoff_range(definition: InstrumentDefinition) -> tuple[int, int] | None:
    """The scores a practice may choose as the screening cut-off, where the file's scoring_rules
    give a range (SMFQ, PCL-5); else None."""
    cutoff = definition.rules.cutoff
    return None if cutoff is None else (cutoff.min, cutoff.max)


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
    data["scoring_rules"] = definition.rules.model_dump(mode="python")
    data["bands"] = [
        {"min": lower.min, "max": cutoff - 1, "label": lower.label},
        {"min": cutoff, "max": upper.max, "label": label},
    ]
    if data.get("reliable_change") and data["reliable_change"].get("caseness_threshold"):
        data["reliable_change"]["caseness_threshold"] = cutoff
    return InstrumentDefinition.model_validate(data)


# --- Loading and validating --------------------------------------------------------------------


def load_instrument(
    source: Path | str | Mapping[str, Any], *, stored: bool = False
) -> InstrumentDefinition:
    """Read and check one instrument from a JSON file path or an already-parsed mapping.

    `stored` is for versions already in the database, which are never rewritten: one written
    before `scoring_rules` existed is read from its prose. Everything else must state them.
    """
    where = "" if isinstance(source, Mapping) else Path(source).name
    data = _read_source(source, where)
    try:
        return InstrumentDefinition.model_validate(data, context={STORED: stored})
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
