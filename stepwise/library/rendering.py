"""Turn a definition, what was typed and the errors into what the step templates show.

One renderer serves every place (library preview, the client at home, practice in session, the
builder's preview and a therapist reading a submission): the templates under
`templates/library/steps/` receive the `StepView`s built here and never compute anything.
Form field names are those `responses.parse_form()` reads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString

from stepwise.library import schema
from stepwise.library.markdown import plain_text, render_markdown
from stepwise.library.responses import FORM_PREFIX, parse_form, to_form

ROW_PLACEHOLDER = "__row__"  # replaced by the row number in the JS row template

# A scale with at most this many points is a row of radio buttons; wider ones get a slider.
RADIO_SCALE_POINTS = 11

MEDIA_FRACTIONS = (
    ("0", "None of it"),
    ("0.25", "About a quarter"),
    ("0.5", "About half"),
    ("0.75", "Most of it"),
    ("1", "All of it"),
)


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

    @property
    def type(self) -> str:
        return str(self.step.type)

    @property
    def template(self) -> str:
        return f"library/steps/{self.step.type}.html"

    @property
    def heading_id(self) -> str:
        return f"h-{self.field.name}"


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _options(options: list[schema.Option], name: str, chosen: set[str]) -> list[OptionView]:
    return [OptionView(o.id, o.label, o.id in chosen, f"f-{name}-{o.id}") for o in options]


def _cells(
    step: schema.ListStep, index: str, row: Mapping[str, Any], errors: Mapping[str, str]
) -> list[CellView]:
    cells = []
    for list_field in step.fields:
        name = f"{FORM_PREFIX}{step.id}-{index}-{list_field.id}"
        view = FieldView(
            name,
            _as_text(row.get(list_field.id)),
            errors.get(name),
            f"help-{name}" if list_field.help else "",
        )
        options = (
            _options(list_field.options, name, {view.value})
            if isinstance(list_field, schema.ChoiceField)
            else []
        )
        cells.append(CellView(list_field, view, options))
    return cells


def _media_url(source: Any, media_urls: Mapping[str, str]) -> tuple[str, str]:
    """(url of an uploaded file we can play, url of an external link)."""
    if isinstance(source, schema.MediaUpload):
        return media_urls.get(source.file, ""), ""
    if isinstance(source, schema.MediaLink):
        return "", source.url
    return "", ""


def build_step(
    step: schema.AnyStep,
    number: int,
    data: Mapping[str, Any],
    errors: Mapping[str, str],
    *,
    extra_rows: int = 0,
    media_urls: Mapping[str, str] | None = None,
) -> StepView:
    """The view of one step; `data` is `parse_form()` output, `errors` keyed by form field."""
    name = f"{FORM_PREFIX}{step.id}"
    raw = data.get(step.id)
    help_id = f"help-{name}" if getattr(step, "help", None) else ""
    view = StepView(step, number, FieldView(name, error=errors.get(name), help_id=help_id))
    view.has_errors = any(key == name or key.startswith(f"{name}-") for key in errors)
    if isinstance(step, schema.ContentStep):
        view.body_html = render_markdown(step.body, heading_offset=2)
        view.speech_text = plain_text(step.body)
        if step.image is not None:
            if step.image.src.startswith("/static/"):
                view.image_src = step.image.src
            elif step.image.src.startswith("https://"):
                view.image_link = step.image.src  # the page's policy loads no outside images
    elif isinstance(step, schema.ChoiceStep | schema.ChecklistStep):
        chosen = set(raw) if isinstance(raw, list) else {_as_text(raw)}
        items = step.options if isinstance(step, schema.ChoiceStep) else step.items
        view.options = _options(items, name, chosen)
    elif isinstance(step, schema.EmotionStep):
        entries = raw if isinstance(raw, list) else []
        intensities = {e["emotion"]: _as_text(e.get("intensity")) for e in entries}
        for emotion in step.emotions:
            intensity_name = f"{name}-{emotion.id}"
            view.emotions.append(
                EmotionView(
                    emotion.id,
                    emotion.label,
                    emotion.id in intensities,
                    f"f-{name}-{emotion.id}-chosen",
                    FieldView(
                        intensity_name,
                        intensities.get(emotion.id, ""),
                        errors.get(intensity_name),
                    ),
                )
            )
    elif isinstance(step, schema.ListStep):
        rows = [r for r in raw if isinstance(r, Mapping)] if isinstance(raw, list) else []
        wanted = max(len(rows) + extra_rows, step.min_rows if step.required else 1, 1)
        rows += [{}] * (min(wanted, step.max_rows) - len(rows))
        view.rows = [
            RowView(
                str(i),
                str(i + 1),
                _cells(step, str(i), row, errors),
                errors.get(f"{name}-{i}"),
            )
            for i, row in enumerate(rows)
        ]
        view.row_template = RowView(
            ROW_PLACEHOLDER, ROW_PLACEHOLDER, _cells(step, ROW_PLACEHOLDER, {}, {})
        )
    elif isinstance(step, schema.ReflectionStep):
        answers = raw if isinstance(raw, Mapping) else {}
        for question in step.questions:
            question_name = f"{name}-{question.id}"
            view.questions.append(
                (
                    question,
                    FieldView(
                        question_name,
                        _as_text(answers.get(question.id)),
                        errors.get(question_name),
                    ),
                )
            )
    elif isinstance(step, schema.MediaStep):
        view.media_url, view.media_link = _media_url(step.source, media_urls or {})
        view.field.value = _as_text(raw)
        known = {value for value, _ in MEDIA_FRACTIONS}
        fractions = [(v, label, v == view.field.value) for v, label in MEDIA_FRACTIONS]
        if view.field.value and view.field.value not in known:
            fractions.append((view.field.value, f"{view.field.value} (measured)", True))
        view.media_fractions = fractions
        view.transcript_html = render_markdown(step.transcript, heading_offset=3)
    else:
        view.field.value = _as_text(raw)
        if isinstance(step, schema.ScaleStep):
            view.use_slider = step.max - step.min + 1 > RADIO_SCALE_POINTS
            view.options = (
                [
                    OptionView(
                        str(value),
                        _anchor_label(step, value),
                        str(value) == view.field.value,
                        f"f-{name}-{value}",
                    )
                    for value in range(step.min, step.max + 1)
                ]
                if not view.use_slider
                else []
            )
    return view


def _anchor_label(step: schema.ScaleStep, value: int) -> str:
    for anchor in step.anchors:
        if anchor.value == value:
            return anchor.label
    return ""


@dataclass
class ExerciseView:
    definition: schema.ExerciseDefinition
    steps: list[StepView]
    errors: dict[str, str]
    error_links: list[tuple[str, str, str]]  # (field id, step label, message) for the summary

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)


def _step_label(view: StepView) -> str:
    words = getattr(view.step, "prompt", None) or view.step.title or f"Step {view.number}"
    return words if len(words) <= 70 else words[:67].rstrip() + "..."


def _error_target(name: str, steps: list[StepView]) -> tuple[str, str]:
    """The id of the control an error belongs to, and its step's label, for the summary."""
    for view in steps:
        if view.field.name == name:
            if view.options:
                return view.options[0].input_id, _step_label(view)
            if view.emotions:
                return view.emotions[0].input_id, _step_label(view)
            if view.rows and view.rows[0].cells:
                return view.rows[0].cells[0].field.id, _step_label(view)
            return view.field.id, _step_label(view)
        if name.startswith(view.field.name + "-"):
            rest = name[len(view.field.name) + 1 :]
            if view.rows and rest.isdigit() and int(rest) < len(view.rows):
                return view.rows[int(rest)].cells[0].field.id, _step_label(view)
            return f"f-{name}", _step_label(view)
    return f"f-{name}", "Answer"


def build_exercise(
    definition: schema.ExerciseDefinition,
    *,
    form: Any = None,
    answers: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    extra_rows: Mapping[str, int] | None = None,
    media_urls: Mapping[str, str] | None = None,
) -> ExerciseView:
    """Views of every step, filled from a posted `form` or from stored `answers`.

    `errors` are keyed by form field name (`ResponseErrors.by_form_field()`).
    """
    if form is None and answers is not None:
        form = to_form(definition, answers)
    data = parse_form(definition, form) if form is not None else {}
    errors = dict(errors or {})
    steps = [
        build_step(
            step,
            position,
            data,
            errors,
            extra_rows=(extra_rows or {}).get(step.id, 0),
            media_urls=media_urls,
        )
        for position, step in enumerate(definition.steps, start=1)
    ]
    links = [(*_error_target(name, steps), message) for name, message in errors.items()]
    return ExerciseView(definition, steps, errors, links)


def media_urls_for(definition: schema.ExerciseDefinition) -> dict[str, str]:
    """Playable URLs of the uploaded files a definition names (served with an access check)."""
    urls = {}
    for step in definition.steps:
        if isinstance(step, schema.MediaStep) and isinstance(step.source, schema.MediaUpload):
            try:
                urls[step.source.file] = reverse(
                    "library:media_file", kwargs={"media_id": step.source.file}
                )
            except NoReverseMatch:
                continue  # not a file name this installation made: nothing to play
    return urls
