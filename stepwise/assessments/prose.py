"""Reading an instrument's scoring prose into explicit `scoring_rules`, for checking only.

The scorer follows an instrument's explicit `scoring_rules` and nothing else. This module reads
the verbatim prose that sits beside them (`scoring.method`, `scoring.missing_rule`, the critical
items' rules, the reliable-change rule) the way a person would, for three jobs:

- a test that the explicit fields of every shipped instrument say what its prose says;
- stored instrument versions written before the explicit fields existed (versions are never
  rewritten), which are read once into the same explicit form when they are loaded;
- a practice's import without `scoring_rules`: the refusal suggests what the prose seems to say.

Nothing here decides a score on its own.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stepwise.assessments.definitions import InstrumentDefinition

# Direction of improvement for shipped instruments whose prose does not say it (PHQ-9 and GAD-7
# say "decrease >=N = reliable improvement", WHO-5 "higher = better"). Only for reading stored
# versions that predate the explicit fields; the shipped files now state it in scoring_rules.
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
_CONFIGURABLE = re.compile(
    r"make\s+(?:the\s+threshold\s+)?configurable(?:\s*\((\d+)\s*-\s*(\d+)\))?", re.IGNORECASE
)


def says_screening_rule(scoring: Any) -> bool:
    """Whether a file's `scoring` prose describes a screening rule with no score (ASQ)."""
    return isinstance(scoring, dict) and bool(_SCREEN.match(str(scoring.get("method", ""))))


def read_rules(d: InstrumentDefinition) -> tuple[dict[str, Any] | None, list[str]]:
    """The `scoring_rules` the prose of `d` describes, or None with the reasons it cannot."""
    problems: list[str] = []
    if _SCREEN.match(d.scoring.method):
        return _read_screen(d, problems), problems
    rules: dict[str, Any] = {}
    method = d.scoring.method
    found = _MULTIPLIER.search(method)
    if _NO_TOTAL.search(method):
        rules["method"] = "subscales"
    elif _MEAN.search(method):
        rules["method"] = "mean"
        decimals = _DECIMALS.search(d.scoring.rounding or "")
        rules["decimals"] = int(decimals.group(1)) if decimals else 2
    elif _SUM.search(method):
        rules["method"] = "sum"
        rules["multiplier"] = int(found.group(1)) if found else 1
    else:
        problems.append(
            f"scoring.method {method!r} is not understood: say 'sum of ...', 'sum ... x N', "
            "'mean of ...' or 'no total'"
        )
    rules["reverse_items"] = _reversed(d, problems)
    rules["missing"] = _missing(d, problems)
    rules["subscales"] = {
        sid: {
            "items": list(sub.items),
            "multiplier": int(m.group(1)) if (m := _MULTIPLIER.search(sub.method)) else 1,
        }
        for sid, sub in d.scoring.subscales.items()
    }
    for sid, sub in d.scoring.subscales.items():
        if not _SUM.search(sub.method):
            problems.append(
                f"subscale {sid!r}: method {sub.method!r} is not understood; use 'sum' or 'sum x N'"
            )
    rules["critical"] = _critical(d, problems)
    rules["higher_is_better"] = _direction(d, problems)
    rules["cutoff"] = _cutoff(d)
    return (None if problems else rules), problems


def _cutoff(d: InstrumentDefinition) -> dict[str, int] | None:
    """The cut-off range where a note says to make it configurable and two bands split there."""
    notes = " ".join(
        str(v)
        for v in (
            (d.scoring.model_extra or {}).get("cutoff_note"),
            (d.model_extra or {}).get("cutoff_note"),
        )
        if v
    )
    found = _CONFIGURABLE.search(notes)
    if not found or len(d.bands or ()) != 2 or d.scoring.min is None or d.scoring.max is None:
        return None
    if found.group(1):  # the file names the published range (PCL-5: 31-33)
        return {"min": int(found.group(1)), "max": int(found.group(2))}
    return {"min": int(d.scoring.min) + 1, "max": int(d.scoring.max)}


def _reversed(d: InstrumentDefinition, problems: list[str]) -> list[int]:
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
    return sorted(flagged)


def _missing(d: InstrumentDefinition, problems: list[str]) -> dict[str, Any]:
    rule = d.scoring.missing_rule
    count = len(d.items)
    if _BLANK_AS_ZERO.search(rule):
        limit = _BLANK_LIMIT.search(rule)
        if not limit or not 1 <= int(limit.group(1)) <= count:
            problems.append(
                "scoring.missing_rule scores blanks as 0 but gives no limit such as "
                "'4 or more items blank makes it invalid'"
            )
            return {"policy": "require_all"}
        return {"policy": "blank_as_zero", "max_missing": int(limit.group(1)) - 1}
    if at_least := _AT_LEAST.search(rule):
        needed, out_of = int(at_least.group(1)), int(at_least.group(2))
        if not _MEAN.search(d.scoring.method):
            problems.append(
                "scoring.missing_rule allows unanswered items, but only a mean score can leave "
                "items out; a sum would need prorating, which Stepwise does not do"
            )
        elif out_of != count or not 1 <= needed <= count:
            problems.append(
                f"scoring.missing_rule asks for {needed} of {out_of} items but there are {count}"
            )
        else:
            return {"policy": "mean_of_answered", "min_answered": needed}
    return {"policy": "require_all"}


def _critical(d: InstrumentDefinition, problems: list[str]) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for critical in d.critical_items:
        found = _RULE.match(critical.rule)
        if not found:
            problems.append(
                f"critical item {critical.number!r}: rule {critical.rule!r} is not understood; "
                "use 'score >= N'"
            )
            continue
        _subject, operator, raw = found.groups()
        value: int | float | str
        if _NUMERIC.fullmatch(raw):
            value = float(raw) if "." in raw else int(raw)
        else:
            value = raw.strip("'\"")
        rules.append(
            {
                "item": critical.number,
                "operator": "==" if operator == "=" else operator,
                "value": value,
            }
        )
    return rules


def _direction(d: InstrumentDefinition, problems: list[str]) -> bool | None:
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
    return stated.pop() if stated else None


def _read_screen(d: InstrumentDefinition, problems: list[str]) -> dict[str, Any] | None:
    gated = [item.number for item in d.items if item.gated]
    yes = [o.value for o in d.options or () if o.label.strip().casefold() == "yes"]
    if len(yes) != 1:
        problems.append("a screening rule needs shared options with exactly one 'Yes'")
    results: dict[str, str] = {}
    for band in d.screen_bands:
        rule = band.rule.casefold()
        if "not answered" in rule:
            results["undetermined"] = band.label
        elif "all no" in rule:
            results["negative"] = band.label
        elif re.search(r"item\s+\d+\s+yes\b", rule) and "any of" not in rule:
            results["acute"] = band.label
        elif re.search(r"item\s+\d+\s+no\b", rule):
            results["positive"] = band.label
        else:
            problems.append(f"screening band {band.label!r}: rule {band.rule!r} is not understood")
    if problems:
        return None
    return {
        "method": "screen",
        "screen": {
            "screening_items": [item.number for item in d.items if not item.gated],
            "acuity_item": gated[0] if len(gated) == 1 else None,
            "positive_value": yes[0],
            "refusal_is_positive": bool(_REFUSAL_POSITIVE.search(d.scoring.missing_rule)),
            "results": results,
        },
    }


def _numbers(values: set[int]) -> str:
    return ", ".join(str(v) for v in sorted(values))
