"""The words a questionnaire is shown in: its own English, or an official translation.

A questionnaire is offered in another language only where an official translation ships with
it (`instruments/translations/<language>/<id>.json`, copied unchanged from the verified source
files). A translation is used only if it matches the English definition: the same item
numbers, the same option values, the same unscored questions with the same option values, and
an attribution line. Anywhere else the person reads the English, marked `lang="en"`, after a
notice in their own language. Scoring never changes: answers are option values either way.

A response records the language it was answered in and `version`, the exact wording: the
instrument id, the language and the start of the SHA-256 of the text shown (the translation
file's bytes, or the English definition's content hash).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import translation

from stepwise.assessments import catalog
from stepwise.assessments.definitions import INSTRUMENTS_DIR, InstrumentDefinition, Item, Option
from stepwise.lib.language import base_language as lib_base_language

if TYPE_CHECKING:
    from stepwise.assessments.models import AssessmentResponse, InstrumentVersion

TRANSLATIONS_DIR = INSTRUMENTS_DIR / "translations"
SOURCE_LANGUAGE = "en"
_ATTRIBUTION_LINE = re.compile(r"attribution line:\s*'([^']+)'", re.IGNORECASE)


def language_of(person: object | None = None, *, default: str | None = None) -> str:
    """The language a person reads (a client, a caregiver or any user): the one place to ask.

    Their own setting where they have one (a `language` attribute: `User.language` /
    `Client.language`, being added by h-people; TODO(h-people): check the field names at
    merge), else `default`, else the active language: the request's, which is the person's own
    when they are the one signed in (their cookie or their browser's Accept-Language until
    their setting exists). Pass `default=settings.LANGUAGE_CODE` when writing to someone other
    than the person making the request, so that they never get the requester's language.
    """
    own = str(getattr(person, "language", "") or "") if person is not None else ""
    if own:
        return base_language(own)
    if default:
        return base_language(default)
    return base_language(translation.get_language() or SOURCE_LANGUAGE)


def base_language(code: str) -> str:
    """ "es-MX" -> "es"; an empty code is the instruments' source language (not the active one)."""
    return lib_base_language(code or SOURCE_LANGUAGE)


@dataclass(frozen=True)
class Translation:
    """One official translation of an instrument, as shipped."""

    key: str
    language: str
    instructions: str
    items: Mapping[int, str]
    options: Mapping[int, str]
    extras: Mapping[str, tuple[str, Mapping[int | str, str]]]
    attribution: str
    sha256: str
    source: str = ""

    @property
    def version(self) -> str:
        return f"{self.key}.{self.language}.{self.sha256[:12]}"


def translation_path(key: str, language: str) -> Path:
    return TRANSLATIONS_DIR / language / f"{key}.json"


def parse_translation(raw: bytes, key: str, language: str) -> Translation:
    """Read a translation file; raise ValueError when it lacks a part it must have."""
    data: dict[str, Any] = json.loads(raw.decode("utf-8"))
    if data.get("id") != key or data.get("language") != language:
        raise ValueError(f"{key}/{language}: the file names another instrument or language")
    found = _ATTRIBUTION_LINE.search(str(data.get("license", "")))
    attribution = str(data.get("attribution") or (found.group(1) if found else "")).strip()
    if not attribution:
        raise ValueError(f"{key}/{language}: no attribution line")
    extras: dict[str, tuple[str, Mapping[int | str, str]]] = {}
    for extra in data.get("additional_unscored_items", []):
        labels: dict[int | str, str] = {}
        for option in extra.get("options", []):
            if isinstance(option, dict):
                labels[option["value"]] = str(option["label"])
        extras[str(extra["id"])] = (str(extra["text"]), labels)
    return Translation(
        key=key,
        language=language,
        instructions=str(data.get("instructions", "")),
        items={int(i["number"]): str(i["text"]) for i in data["items"]},
        options={int(o["value"]): str(o["label"]) for o in data.get("options", [])},
        extras=extras,
        attribution=attribution,
        sha256=hashlib.sha256(raw).hexdigest(),
        source=str(data.get("source", "")),
    )


def mismatches(found: Translation, english: InstrumentDefinition) -> list[str]:
    """How a translation differs in structure from the English it translates (none: usable)."""
    problems: list[str] = []
    numbers = [item.number for item in english.items]
    if sorted(found.items) != sorted(numbers):
        problems.append(f"items {sorted(found.items)} are not the English items {numbers}")
    values = sorted({o.value for item in english.items for o in english.options_for(item)})
    if sorted(found.options) != values:
        problems.append(f"option values {sorted(found.options)} are not the English {values}")
    english_extras = {e.id: e for e in english.additional_unscored_items}
    if sorted(found.extras) != sorted(english_extras):
        problems.append(
            f"unscored questions {sorted(found.extras)} are not the English "
            f"{sorted(english_extras)}"
        )
    for extra_id, (_, labels) in found.extras.items():
        extra = english_extras.get(extra_id)
        if extra is None:
            continue
        wanted = sorted(str(o.value if isinstance(o, Option) else o) for o in extra.options)
        if sorted(str(v) for v in labels) != wanted:
            problems.append(f"the options of “{extra_id}” are not the English ones")
    return problems


@cache
def shipped_translation(key: str, language: str) -> Translation | None:
    path = translation_path(key, language)
    if language == SOURCE_LANGUAGE or not path.is_file():
        return None
    return parse_translation(path.read_bytes(), key, language)


def translations_of(key: str) -> list[str]:
    """The languages an instrument ships an official translation in."""
    if not TRANSLATIONS_DIR.is_dir():
        return []
    return sorted(p.parent.name for p in TRANSLATIONS_DIR.glob(f"*/{key}.json"))


def _english_version(definition: InstrumentDefinition) -> str:
    data = definition.model_dump(mode="json", by_alias=True)
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (
        f"{definition.id}.{SOURCE_LANGUAGE}.{hashlib.sha256(canonical.encode()).hexdigest()[:12]}"
    )


@dataclass(frozen=True)
class Wording:
    """A questionnaire's text in the language it is shown in, for a person reading `wanted`.

    `language` is the language of the text; `english_only` says the person reads another
    language but no official translation exists (they are told, and the text is `lang="en"`).
    """

    definition: InstrumentDefinition
    wanted: str
    translation: Translation | None = None
    english_attribution: str = ""
    _version: str = field(default="", compare=False)

    @property
    def language(self) -> str:
        return self.translation.language if self.translation else SOURCE_LANGUAGE

    @property
    def translated(self) -> bool:
        return self.translation is not None

    @property
    def english_only(self) -> bool:
        return self.translation is None and self.wanted != SOURCE_LANGUAGE

    @property
    def text_lang(self) -> str:
        """The `lang` attribute for the questionnaire's own text: set where it differs from
        the page's language (an English-only questionnaire on a Spanish page)."""
        return SOURCE_LANGUAGE if self.english_only else ""

    @property
    def version(self) -> str:
        if self.translation is not None:
            return self.translation.version
        return self._version or _english_version(self.definition)

    @property
    def shown_as(self) -> str:
        """What a form posts back to say which words it showed: a translation's version, or
        "<id>.en" for the English (the response records the English version in full)."""
        if self.translation is not None:
            return self.translation.version
        return f"{self.definition.id}.{SOURCE_LANGUAGE}"

    @property
    def instructions(self) -> str:
        if self.translation is not None:
            return self.translation.instructions
        return str(getattr(self.definition, "instructions", "") or "")

    @property
    def recall_period(self) -> str:
        # The official translations say the period in their instructions.
        return "" if self.translation else str(getattr(self.definition, "recall_period", "") or "")

    @property
    def item_stem(self) -> str:
        return "" if self.translation else str(getattr(self.definition, "item_stem", "") or "")

    @property
    def attribution(self) -> str:
        return self.translation.attribution if self.translation else self.english_attribution

    def item_text(self, item: Item) -> str:
        if self.translation is not None:
            return self.translation.items.get(item.number, item.text)
        return item.text

    def option_label(self, option: Option) -> str:
        if self.translation is not None:
            return self.translation.options.get(option.value, option.label)
        return option.label

    def extra_text(self, extra_id: str, english: str) -> str:
        if self.translation is not None and extra_id in self.translation.extras:
            return self.translation.extras[extra_id][0]
        return english

    def extra_option_label(self, extra_id: str, value: int | str, english: str) -> str:
        if self.translation is not None and extra_id in self.translation.extras:
            return self.translation.extras[extra_id][1].get(value, english)
        return english


def wording_for(
    definition: InstrumentDefinition,
    language: str,
    *,
    english_attribution: str = "",
    english_version: str = "",
) -> Wording:
    """The wording to show a person reading `language`: the official translation where one
    ships and matches this definition, else the English."""
    wanted = base_language(language)
    found = shipped_translation(definition.id, wanted)
    if found is not None and mismatches(found, definition):
        found = None  # never show a translation that does not fit the English it is scored by
    return Wording(definition, wanted, found, english_attribution, english_version)


def english_version(version: InstrumentVersion) -> str:
    """The English wording's version: the stored definition's content hash."""
    return f"{version.key}.{SOURCE_LANGUAGE}.{version.content_hash[:12]}"


def wording_of(version: InstrumentVersion, language: str) -> Wording:
    """`wording_for` a stored instrument version, with its attribution line."""
    return wording_for(
        catalog.definition_of(version),
        language,
        english_attribution=catalog.attribution(version),
        english_version=english_version(version),
    )


def wording_by_version(definition: InstrumentDefinition, version: str) -> Wording | None:
    """The wording a response was answered in, from its recorded version (None: not shipped
    any more, or English)."""
    parts = version.split(".")
    if len(parts) != 3 or parts[1] == SOURCE_LANGUAGE:
        return None
    found = shipped_translation(definition.id, parts[1])
    if found is None or found.version != version:
        return None
    return Wording(definition, parts[1], found)


@dataclass(frozen=True)
class AnswerLine:
    """One question of a response and the answer given, for the care team: in the words the
    respondent read (`question_shown`, `answer_shown`, in `language`) where those were not the
    English, and always the English (`question`, `answer`)."""

    number: int | None
    question: str
    answer: str
    value: int | str | None
    language: str = SOURCE_LANGUAGE
    question_shown: str = ""
    answer_shown: str = ""

    @property
    def translated(self) -> bool:
        return self.language != SOURCE_LANGUAGE and bool(self.question_shown)


def answer_lines(response: AssessmentResponse) -> list[AnswerLine]:
    """The questions and answers of a response, in the language it was answered in with the
    English beside (unanswered questions say so; unscored extra questions follow, if answered).
    """
    from django.utils.translation import gettext as _

    definition = catalog.definition_of(response.instrument)
    shown = wording_by_version(definition, response.wording_version or "")
    given = list(response.answers or [])
    not_asked = set(response.not_asked or [])
    lines: list[AnswerLine] = []
    for index, item in enumerate(definition.items):
        value = given[index] if index < len(given) else None
        option = next((o for o in definition.options_for(item) if o.value == value), None)
        if value is None:
            answer = _("Not asked") if item.number in not_asked else _("No answer")
            answer_shown = ""
        else:
            answer = option.label if option else str(value)
            answer_shown = shown.option_label(option) if (shown and option) else ""
        lines.append(
            AnswerLine(
                item.number,
                item.text,
                answer,
                value,
                shown.language if shown else SOURCE_LANGUAGE,
                shown.item_text(item) if shown else "",
                answer_shown,
            )
        )
    for extra in definition.additional_unscored_items:
        value = (response.supplementary or {}).get(extra.id)
        if value is None:
            continue
        english = next(
            (o.label for o in extra.options if isinstance(o, Option) and o.value == value),
            str(value),
        )
        lines.append(
            AnswerLine(
                None,
                extra.text,
                english,
                value,
                shown.language if shown else SOURCE_LANGUAGE,
                shown.extra_text(extra.id, "") if shown else "",
                shown.extra_option_label(extra.id, value, "") if shown else "",
            )
        )
    return lines
