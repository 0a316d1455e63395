"""Media: audio or video; the answer is the fraction played. Skipped when nothing is attached."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from django.utils.translation import gettext, gettext_noop
from pydantic import Field, StringConstraints, field_validator, model_validator

from stepwise.library.markdown import render_markdown
from stepwise.library.steps import building
from stepwise.library.steps.base import StepType, answer_item, register, unanswered
from stepwise.library.steps.common import Aggregate, Markdown, Prompt, StepBase, Strict
from stepwise.library.steps.reading import Errors, as_float, as_text, is_blank
from stepwise.library.steps.views import AnswerView, RenderContext, StepView

MEDIA_FRACTIONS = (
    ("0", gettext_noop("None of it")),
    ("0.25", gettext_noop("About a quarter")),
    ("0.5", gettext_noop("About half")),
    ("0.75", gettext_noop("Most of it")),
    ("1", gettext_noop("All of it")),
)


class MediaLink(Strict):
    kind: Literal["link"] = "link"
    url: Annotated[str, StringConstraints(pattern=r"^https://\S+$", max_length=2000)]


class MediaUpload(Strict):
    """A file the practice uploaded; `file` is its name in the practice's media storage."""

    kind: Literal["upload"] = "upload"
    file: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$")]
    content_type: Literal[
        "audio/mpeg",
        "audio/mp4",
        "audio/ogg",
        "audio/wav",
        "audio/webm",
        "video/mp4",
        "video/webm",
    ]

    @field_validator("file")
    @classmethod
    def _no_parent_directories(cls, value: str) -> str:
        if ".." in value.split("/"):
            raise ValueError("the file name may not contain '..'")
        return value


MediaSource = Annotated[MediaLink | MediaUpload, Field(discriminator="kind")]


class MediaStep(StepBase):
    """Audio or video. With no `source` the step is skipped: the practice attaches its own media.

    The answer is the fraction played (0-1). Not required by default.
    """

    type: Literal["media"] = "media"
    kind: Literal["audio", "video"]
    prompt: Prompt | None = None
    source: MediaSource | None = None
    transcript: Markdown | None = None
    required: bool = False

    @model_validator(mode="after")
    def _content_type_matches_kind(self) -> MediaStep:
        if isinstance(self.source, MediaUpload) and not self.source.content_type.startswith(
            self.kind
        ):
            raise ValueError(f"an uploaded {self.kind} file needs a {self.kind}/* content type")
        return self


def _media_url(source: Any, media_urls: Mapping[str, str]) -> tuple[str, str]:
    """(url of an uploaded file we can play, url of an external link)."""
    if isinstance(source, MediaUpload):
        return media_urls.get(source.file, ""), ""
    if isinstance(source, MediaLink):
        return "", source.url
    return "", ""


@register
class Media(StepType[MediaStep]):
    name = "media"
    model = MediaStep
    label = gettext_noop("Audio or video")
    question = False
    builder_defaults = {"kind": "video"}
    builder_keys = ("kind", "transcript")
    builder_choices = {"kind": [("video", gettext_noop("Video")), ("audio", gettext_noop("Audio"))]}

    def validate(self, step: MediaStep, value: Any, errors: Errors) -> float | None:
        if step.source is None:
            return None  # nothing attached: the step is skipped
        if is_blank(value):
            if step.required:
                errors[step.id] = (
                    gettext("Please play the video before going on.")
                    if step.kind == "video"
                    else gettext("Please play the audio before going on.")
                )
            return None
        fraction = as_float(value)
        if fraction is None or not 0 <= fraction <= 1:
            errors[step.id] = gettext(
                "Enter how much was played as a number from 0 (none) to 1 (all)."
            )
            return None
        return round(fraction, 4)

    def metric_aggregates(self, step: MediaStep, metric: Any) -> frozenset[Aggregate]:
        return frozenset({Aggregate.VALUE})  # the fraction played

    def render(self, step: MediaStep, view: StepView, raw: Any, context: RenderContext) -> None:
        view.media_url, view.media_link = _media_url(step.source, context.media_urls)
        view.field.value = as_text(raw)
        known = {value for value, _ in MEDIA_FRACTIONS}
        fractions = [(v, gettext(label), v == view.field.value) for v, label in MEDIA_FRACTIONS]
        if view.field.value and view.field.value not in known:
            fractions.append(
                (
                    view.field.value,
                    gettext("%(value)s (measured)") % {"value": view.field.value},
                    True,
                )
            )
        view.media_fractions = fractions
        view.transcript_html = render_markdown(step.transcript, heading_offset=3)

    def uploaded_files(self, step: MediaStep) -> list[str]:
        return [step.source.file] if isinstance(step.source, MediaUpload) else []

    def describe(self, step: MediaStep, answer: Any, view: AnswerView) -> None:
        if step.source is None:
            view.text = (
                gettext("No video was attached.")
                if step.kind == "video"
                else gettext("No audio was attached.")
            )
        elif answer is not None:
            view.text = gettext("%(percent)s%% played") % {"percent": round(float(answer) * 100)}

    def builder_values(self, step: Mapping[str, Any]) -> dict[str, str]:
        values = super().builder_values(step)
        source = step.get("source") or {}
        if source.get("kind") == "upload":
            values["source"] = f"upload:{source.get('file', '')}"
        elif source.get("kind") == "link":
            values["source"] = "link"
        else:
            values["source"] = ""
        values["url"] = str(source.get("url", ""))
        return values

    def read_builder(
        self,
        step: dict[str, Any],
        fields: building.BuilderFields,
        old: Mapping[str, Any],
        problems: list[str],
        where: str,
    ) -> None:
        step["kind"] = fields.text("kind") or "video"
        step["required"] = fields.flag("required")
        if fields.text("transcript"):
            step["transcript"] = fields.text("transcript")
        source = fields.text("source")
        if source == "link":
            step["source"] = {"kind": "link", "url": fields.text("url")}
        elif source.startswith("upload:"):
            old_source = old.get("source") or {}
            step["source"] = {
                "kind": "upload",
                "file": source.partition(":")[2],
                "content_type": fields.raw("content_type") or old_source.get("content_type", ""),
            }

    def fhir_item(self, step: MediaStep, item: dict[str, Any]) -> dict[str, Any]:
        item["type"] = "decimal"
        return item

    def fhir_answers(self, step: MediaStep, value: Any) -> list[dict[str, Any]]:
        return [] if unanswered(value) else answer_item(step, [{"valueDecimal": float(value)}])
