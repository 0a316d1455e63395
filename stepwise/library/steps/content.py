"""Content: text to read (markdown), an optional image, optionally read aloud. Asks nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from django.utils.translation import gettext_noop
from pydantic import StringConstraints, field_validator

from stepwise.library.markdown import plain_text, render_markdown
from stepwise.library.steps import building
from stepwise.library.steps.base import StepType, register
from stepwise.library.steps.common import Label, Markdown, StepBase, Strict
from stepwise.library.steps.reading import MISSING, Errors, PostedForm
from stepwise.library.steps.views import AnswerView, RenderContext, StepView


class Image(Strict):
    # an https URL, a path under /static/, or a file name in the practice's media storage
    src: Annotated[
        str,
        StringConstraints(
            pattern=r"^(https://\S+|/static/\S+|[a-z0-9][a-z0-9_./-]*)$", max_length=2000
        ),
    ]
    alt: Label  # images in exercises carry meaning; decorative images do not belong here

    @field_validator("src")
    @classmethod
    def _no_parent_directories(cls, value: str) -> str:
        if "/../" in f"/{value}/":
            raise ValueError("the image path may not contain '..'")
        return value


class ContentStep(StepBase):
    """Text to read (markdown); `read_aloud` offers speech for guided scripts."""

    type: Literal["content"] = "content"
    body: Markdown
    image: Image | None = None
    read_aloud: bool = False


@register
class Content(StepType[ContentStep]):
    name = "content"
    model = ContentStep
    label = gettext_noop("Text to read")
    answered = False
    question = False
    builder_defaults = {"body": ""}
    builder_keys = ("body",)
    builder_flags = ("read_aloud",)

    def validate(self, step: ContentStep, value: Any, errors: Errors) -> None:
        return None  # nothing to answer

    def parse(self, step: ContentStep, form: PostedForm) -> Any:
        return MISSING

    def to_form(self, step: ContentStep, answer: Any, form: dict[str, list[str]]) -> None:
        return None

    def number(self, step: ContentStep, metric: Any, answer: Any, answers: Any) -> None:
        return None

    def render(self, step: ContentStep, view: StepView, raw: Any, context: RenderContext) -> None:
        view.body_html = render_markdown(step.body, heading_offset=2)
        view.speech_text = plain_text(step.body)
        if step.image is not None:
            if step.image.src.startswith("/static/"):
                view.image_src = step.image.src
            elif step.image.src.startswith("https://"):
                view.image_link = step.image.src  # the page's policy loads no outside images

    def describe(self, step: ContentStep, answer: Any, view: AnswerView) -> None:
        return None  # answer views leave content steps out

    def builder_values(self, step: Mapping[str, Any]) -> dict[str, str]:
        values = super().builder_values(step)
        image = step.get("image") or {}
        values["image_src"] = str(image.get("src", ""))
        values["image_alt"] = str(image.get("alt", ""))
        return values

    def read_builder(
        self,
        step: dict[str, Any],
        fields: building.BuilderFields,
        old: Mapping[str, Any],
        problems: list[str],
        where: str,
    ) -> None:
        step["body"] = fields.text("body")
        step["read_aloud"] = fields.flag("read_aloud")
        if fields.text("image_src") or fields.text("image_alt"):
            step["image"] = {"src": fields.text("image_src"), "alt": fields.text("image_alt")}

    def fhir_item(self, step: ContentStep, item: dict[str, Any]) -> None:
        return None

    def fhir_answers(self, step: ContentStep, value: Any) -> list[dict[str, Any]]:
        return []
