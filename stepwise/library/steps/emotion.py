"""Emotion: choose feelings from a list and rate how strong each one is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.utils.translation import gettext, gettext_noop, ngettext
from pydantic import Field, model_validator

from stepwise.library.steps import building
from stepwise.library.steps.base import StepType, register
from stepwise.library.steps.common import (
    NUMBER_AGGREGATES,
    Aggregate,
    Label,
    Option,
    QuestionStep,
    unique,
)
from stepwise.library.steps.reading import (
    Errors,
    PostedForm,
    aggregate,
    as_text,
    dedupe,
    field_name,
    form_value,
    is_blank,
    labels,
    whole_number,
)
from stepwise.library.steps.views import (
    AnswerView,
    EmotionView,
    FieldView,
    RenderContext,
    StepView,
)

DEFAULT_EMOTIONS: tuple[tuple[str, str], ...] = (
    ("sad", gettext_noop("Sad")),
    ("anxious", gettext_noop("Anxious or worried")),
    ("scared", gettext_noop("Scared")),
    ("angry", gettext_noop("Angry")),
    ("irritated", gettext_noop("Irritated")),
    ("ashamed", gettext_noop("Ashamed")),
    ("guilty", gettext_noop("Guilty")),
    ("embarrassed", gettext_noop("Embarrassed")),
    ("lonely", gettext_noop("Lonely")),
    ("hopeless", gettext_noop("Hopeless")),
    ("frustrated", gettext_noop("Frustrated")),
    ("disgusted", gettext_noop("Disgusted")),
    ("jealous", gettext_noop("Jealous")),
    ("happy", gettext_noop("Happy")),
    ("calm", gettext_noop("Calm")),
    ("proud", gettext_noop("Proud")),
    ("hopeful", gettext_noop("Hopeful")),
    ("grateful", gettext_noop("Grateful")),
)


def _default_emotions() -> list[Option]:
    return [Option(id=i, label=label) for i, label in DEFAULT_EMOTIONS]


class EmotionStep(QuestionStep):
    """Choose emotions from a list and rate how strong each one is."""

    type: Literal["emotion"] = "emotion"
    emotions: list[Option] = Field(default_factory=_default_emotions, min_length=2, max_length=40)
    intensity_min: int = Field(default=0, ge=0, le=100)
    intensity_max: int = Field(default=100, ge=1, le=100)
    intensity_label: Label = "How strong?"
    max_selected: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _bounds(self) -> EmotionStep:
        unique([o.id for o in self.emotions], "emotion")
        if self.intensity_min >= self.intensity_max:
            raise ValueError("intensity_min must be smaller than intensity_max")
        if self.max_selected is not None and self.max_selected > len(self.emotions):
            raise ValueError("max_selected is larger than the number of emotions")
        return self


@register
class Emotion(StepType[EmotionStep]):
    name = "emotion"
    model = EmotionStep
    label = gettext_noop("Feelings and how strong")
    metric_fields = True
    metric_same_as = True
    builder_keys = ("intensity_min", "intensity_max", "intensity_label", "max_selected")

    def validate(self, step: EmotionStep, value: Any, errors: Errors) -> list[dict[str, Any]]:
        shown = labels(step.emotions)
        if is_blank(value):
            if step.required:
                errors[step.id] = gettext("Choose at least one feeling.")
            return []
        if not isinstance(value, list | tuple) or not all(isinstance(e, Mapping) for e in value):
            errors[step.id] = gettext("Choose feelings from the list and rate each one.")
            return []
        intensities: dict[str, int] = {}
        for entry in value:
            emotion = entry.get("emotion")
            if not isinstance(emotion, str) or emotion not in shown:
                errors[step.id] = gettext("Choose feelings from the list shown.")
                return []
            if emotion in intensities or f"{step.id}.{emotion}" in errors:
                errors[step.id] = gettext("“%(feeling)s” is chosen more than once.") % {
                    "feeling": shown[emotion]
                }
                return []
            low, high = step.intensity_min, step.intensity_max
            feeling = shown[emotion]
            rating, error = whole_number(
                entry.get("intensity"),
                low,
                high,
                required=True,
                missing=gettext("Rate how strong “%(feeling)s” is, from %(low)d to %(high)d.")
                % {"feeling": feeling, "low": low, "high": high},
                wrong=gettext(
                    "Rate how strong “%(feeling)s” is: a whole number from %(low)d to %(high)d."
                )
                % {"feeling": feeling, "low": low, "high": high},
            )
            if error:
                errors[f"{step.id}.{emotion}"] = error
            elif rating is not None:
                intensities[emotion] = rating
        if step.max_selected is not None and len(value) > step.max_selected:
            errors[step.id] = ngettext(
                "Choose at most %(count)d feeling.",
                "Choose at most %(count)d feelings.",
                step.max_selected,
            ) % {"count": step.max_selected}
        return [{"emotion": e, "intensity": intensities[e]} for e in shown if e in intensities]

    def parse(self, step: EmotionStep, form: PostedForm) -> list[dict[str, str]]:
        name = field_name(step.id)
        return [
            {"emotion": emotion, "intensity": form.last(f"{name}-{emotion}") or ""}
            for emotion in dedupe(form.getlist(name))
        ]

    def to_form(self, step: EmotionStep, answer: Any, form: dict[str, list[str]]) -> None:
        name = field_name(step.id)
        form[name] = [entry["emotion"] for entry in answer]
        for entry in answer:
            form[f"{name}-{entry['emotion']}"] = [form_value(entry["intensity"])]

    def number(
        self,
        step: EmotionStep,
        metric: Any,
        answer: Any,
        answers: Mapping[str, Any] | None,
    ) -> float | None:
        entries = answer or []
        if metric.same_as is not None:
            # Only the feelings rated both times, so before and after compare the same ones.
            other = {e["emotion"] for e in (answers or {}).get(metric.same_as) or []}
            entries = [e for e in entries if e["emotion"] in other]
            if not entries:
                return None
        if metric.field is not None:
            found = [e["intensity"] for e in entries if e["emotion"] == metric.field]
            return float(found[0]) if found else None
        return aggregate([float(e["intensity"]) for e in entries], metric.aggregate.value)

    def metric_aggregates(self, step: EmotionStep, metric: Any) -> frozenset[Aggregate] | str:
        if metric.field is None:
            return NUMBER_AGGREGATES
        if metric.field not in {e.id for e in step.emotions}:
            return f"step {step.id!r} has no emotion {metric.field!r}"
        return frozenset({Aggregate.VALUE})

    def alert_range(self, step: EmotionStep, field: str | None) -> tuple[int, int] | str:
        if field is None:
            return "name the emotion (field) whose intensity the rule reads"
        if field not in {e.id for e in step.emotions}:
            return f"step {step.id!r} has no emotion {field!r}"
        return step.intensity_min, step.intensity_max

    def alert_reading(self, step: EmotionStep, field: str | None, value: Any, shown: str) -> str:
        emotion = next((e.label for e in step.emotions if e.id == field), "")
        return f"{emotion} at {shown}"

    def render(self, step: EmotionStep, view: StepView, raw: Any, context: RenderContext) -> None:
        name = view.field.name
        entries = raw if isinstance(raw, list) else []
        intensities = {e["emotion"]: as_text(e.get("intensity")) for e in entries}
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
                        context.errors.get(intensity_name),
                    ),
                )
            )

    def describe(self, step: EmotionStep, answer: Any, view: AnswerView) -> None:
        shown = labels(step.emotions)
        view.items = [
            gettext("%(emotion)s: %(intensity)s (of %(most)s)")
            % {
                "emotion": shown.get(e["emotion"], e["emotion"]),
                "intensity": e["intensity"],
                "most": step.intensity_max,
            }
            for e in answer or []
        ]

    def builder_values(self, step: Mapping[str, Any]) -> dict[str, str]:
        values = super().builder_values(step)
        values["emotions"] = building.option_lines(step.get("emotions"))
        return values

    def read_builder(
        self,
        step: dict[str, Any],
        fields: building.BuilderFields,
        old: Mapping[str, Any],
        problems: list[str],
        where: str,
    ) -> None:
        if fields.text("emotions"):
            step["emotions"] = building.options(
                fields.text("emotions"), list(old.get("emotions", [])), "feeling"
            )
        for key in ("intensity_min", "intensity_max", "max_selected"):
            if fields.text(key):
                step[key] = building.whole(fields.text(key))
        if fields.text("intensity_label"):
            step["intensity_label"] = fields.text("intensity_label")

    def fhir_item(self, step: EmotionStep, item: dict[str, Any]) -> dict[str, Any]:
        item.update(
            type="group",
            item=[
                {"linkId": f"{step.id}.{e.id}", "text": e.label, "type": "integer"}
                for e in step.emotions
            ],
        )
        return item

    def fhir_answers(self, step: EmotionStep, value: Any) -> list[dict[str, Any]]:
        shown = labels(step.emotions)
        items = [
            {
                "linkId": f"{step.id}.{entry['emotion']}",
                "text": shown.get(entry["emotion"], entry["emotion"]),
                "answer": [{"valueInteger": int(entry["intensity"])}],
            }
            for entry in value or []
        ]
        return [{"linkId": step.id, "item": items}] if items else []
