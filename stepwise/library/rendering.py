"""Turn a definition, what was typed and the errors into what the step templates show.

One renderer serves every place (library preview, the client at home, practice in session, the
builder's preview and a therapist reading a submission): the templates under
`templates/library/steps/` receive the `StepView`s built here and never compute anything.
Form field names are those `responses.parse_form()` reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext

from stepwise.library import schema, steps
from stepwise.library.responses import parse_form, to_form
from stepwise.library.steps.list import ROW_PLACEHOLDER
from stepwise.library.steps.media import MEDIA_FRACTIONS
from stepwise.library.steps.reading import field_name
from stepwise.library.steps.scale import RADIO_SCALE_POINTS
from stepwise.library.steps.views import (
    CellView,
    EmotionView,
    FieldView,
    OptionView,
    RenderContext,
    RowView,
    StepView,
)

__all__ = [
    "MEDIA_FRACTIONS",
    "RADIO_SCALE_POINTS",
    "ROW_PLACEHOLDER",
    "CellView",
    "EmotionView",
    "ExerciseView",
    "FieldView",
    "OptionView",
    "RowView",
    "StepView",
    "build_exercise",
    "build_step",
    "media_urls_for",
]


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
    name = field_name(step.id)
    help_id = f"help-{name}" if getattr(step, "help", None) else ""
    view = StepView(step, number, FieldView(name, error=errors.get(name), help_id=help_id))
    view.has_errors = any(key == name or key.startswith(f"{name}-") for key in errors)
    context = RenderContext(errors, extra_rows, media_urls or {})
    steps.of(step).render(step, view, data.get(step.id), context)
    return view


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
    words = (
        getattr(view.step, "prompt", None)
        or view.step.title
        or gettext("Step %(number)d") % {"number": view.number}
    )
    return words if len(words) <= 70 else words[:67].rstrip() + "..."


def _error_target(name: str, views: list[StepView]) -> tuple[str, str]:
    """The id of the control an error belongs to, and its step's label, for the summary."""
    for view in views:
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
    return f"f-{name}", gettext("Answer")


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
    views = [
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
    for index, view in enumerate(views):
        view.lang = definition.lang_of(f"steps.{index}")
    links = [(*_error_target(name, views), message) for name, message in errors.items()]
    return ExerciseView(definition, views, errors, links)


def media_urls_for(definition: schema.ExerciseDefinition) -> dict[str, str]:
    """Playable URLs of the uploaded files a definition names (served with an access check)."""
    urls = {}
    for step in definition.steps:
        for file in steps.of(step).uploaded_files(step):
            try:
                urls[file] = reverse("library:media_file", kwargs={"media_id": file})
            except NoReverseMatch:
                continue  # not a file name this installation made: nothing to play
    return urls
