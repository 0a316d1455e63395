"""What the step templates receive: plain dataclasses, filled by each step type's facets.

`StepView` is one step of a form (the `render` facet fills it); `AnswerView` is one stored answer
in words (the `describe` facet fills it). The templates never compute anything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString


@dataclass
class FieldView:
    """One form control: its name, id, the value to show and its error (if any)."""

    name: str
    value: str = ""
    error: str | None = None
    help_id: str = ""

    @property
    def id(self) -> str:
        return f"f-{self.name}"

    @property
    def error_id(self) -> str:
        return f"e-{self.name}"

    @property
    def describedby(self) -> str:
        """The ids of the help text and the error message, for aria-describedby."""
        ids = [self.help_id] if self.help_id else []
        if self.error:
            ids.append(self.error_id)
        return " ".join(ids)


@dataclass
class OptionView:
    id: str
    label: str
    checked: bool
    input_id: str


@dataclass
class EmotionView:
    id: str
    label: str
    checked: bool
    input_id: str
    intensity: FieldView


@dataclass
class CellView:
    definition: Any  # a schema list field
    field: FieldView
    options: list[OptionView] = dataclasses.field(default_factory=list)


@dataclass
class RowView:
    index: str  # "0", "1", ... or ROW_PLACEHOLDER in the template row
    number: str  # 1-based, for the legend
    cells: list[CellView]
    error: str | None = None


@dataclass
class StepView:
    step: Any  # a schema step
    number: int
    field: FieldView
    values: list[str] = dataclasses.field(default_factory=list)
    options: list[OptionView] = dataclasses.field(default_factory=list)
    emotions: list[EmotionView] = dataclasses.field(default_factory=list)
    rows: list[RowView] = dataclasses.field(default_factory=list)
    row_template: RowView | None = None
    questions: list[tuple[Any, FieldView]] = dataclasses.field(default_factory=list)
    body_html: SafeString | None = None
    speech_text: str = ""
    transcript_html: SafeString | None = None
    media_url: str = ""
    media_link: str = ""
    media_fractions: list[tuple[str, str, bool]] = dataclasses.field(default_factory=list)
    image_src: str = ""
    image_link: str = ""
    use_slider: bool = False
    has_errors: bool = False
    # "en" when the step's text is shown in English to a reader of another language (no
    # translation), so its element says lang="en"; "" otherwise.
    lang: str = ""

    @property
    def type(self) -> str:
        return str(self.step.type)

    @property
    def template(self) -> str:
        return f"library/steps/{self.step.type}.html"

    @property
    def heading_id(self) -> str:
        return f"h-{self.field.name}"


@dataclass(frozen=True)
class RenderContext:
    """What rendering a step may need beyond the step and its answer."""

    errors: Mapping[str, str]  # keyed by form field name
    extra_rows: int = 0  # list steps: rows to add beyond those posted
    media_urls: Mapping[str, str] = dataclasses.field(default_factory=dict)


def option_views(options: Iterable[Any], name: str, chosen: set[str]) -> list[OptionView]:
    return [OptionView(o.id, o.label, o.id in chosen, f"f-{name}-{o.id}") for o in options]


@dataclass
class AnswerView:
    step: Any
    label: str
    text: str = ""  # a paragraph of text, or a short value
    items: list[str] = field(default_factory=list)  # a bulleted list
    headers: list[str] = field(default_factory=list)  # a table (list steps)
    rows: list[list[tuple[str, str]]] = field(default_factory=list)  # (header, cell) pairs
    pairs: list[tuple[str, str]] = field(default_factory=list)  # question and answer
    # What the client wrote in their own words, as (prompt, text): the summary's notes.
    written: list[tuple[str, str]] = field(default_factory=list)
    empty: bool = False
    lang: str = ""  # "en" when the step's words have no translation for this reader
    # Set when the answers were given in another language than the reader's
    # (`answers.answered_views`): the prompt as the person read it, and its language; the
    # language the free text (`written`) was written in.
    answered_label: str = ""
    answered_lang: str = ""
    written_lang: str = ""

    @property
    def reader_lang(self) -> str:
        """The language of `label`: the reader's, or English where it has no translation."""
        from stepwise.lib.language import base_language

        return self.lang or base_language()


def format_seconds(seconds: int | float | None) -> str:
    if seconds is None:
        return ""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def number_shown(value: Any) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)
