"""Every step type in the schema is registered once, with every facet, and each facet works.

A step type is one module of `stepwise/library/steps/` (schema model, validate, parse, render,
describe, builder, FHIR) and its templates; nothing else dispatches on step classes.
"""

from __future__ import annotations

import inspect
import re
import typing
from pathlib import Path
from typing import Any

import pytest
from django.template.loader import get_template

from stepwise.library import builder, schema, steps
from stepwise.library.responses import validate_response
from stepwise.library.steps.base import FACETS, StepType
from stepwise.library.steps.building import BuilderFields
from stepwise.library.steps.common import QuestionStep, StepBase
from stepwise.library.steps.reading import MISSING, PostedForm
from stepwise.library.steps.views import AnswerView, FieldView, RenderContext, StepView

from .conftest import VALID_ANSWERS, sink_document

SINK = schema.ExerciseDefinition.model_validate(sink_document())
ANSWERS = validate_response(SINK, VALID_ANSWERS).answers


def _step_models() -> set[type[Any]]:
    """Every concrete step model: the subclasses of the common base, however deep."""
    found: set[type[Any]] = set()
    waiting = list(StepBase.__subclasses__())
    while waiting:
        model = waiting.pop()
        waiting += model.__subclasses__()
        if model is not QuestionStep:
            found.add(model)
    return found


def _examples(name: str) -> list[Any]:
    return [step for step in SINK.steps if step.type == name]


def test_every_step_model_is_registered_under_its_type_name() -> None:
    registered = {kind.model for kind in steps.REGISTRY.values()}

    assert _step_models() == registered
    for name, kind in steps.REGISTRY.items():
        assert kind.name == name
        assert kind.model.model_fields["type"].default == name


def test_the_schema_union_and_step_types_are_the_registry() -> None:
    members = set(typing.get_args(schema.AnyStep))

    assert members == {kind.model for kind in steps.REGISTRY.values()}
    assert tuple(steps.REGISTRY) == schema.STEP_TYPES
    assert {s.type for s in SINK.steps} == set(steps.REGISTRY)  # the examples below cover all


@pytest.mark.parametrize("name", list(steps.REGISTRY))
def test_every_type_implements_every_facet(name: str) -> None:
    kind = steps.REGISTRY[name]

    assert isinstance(kind, StepType)
    assert not inspect.isabstract(type(kind))
    for facet in FACETS:
        assert callable(getattr(kind, facet)), facet
    assert kind.label
    get_template(kind.template)
    get_template(kind.builder_template)


@pytest.mark.parametrize("name", list(steps.REGISTRY))
def test_every_facet_of_a_type_reads_its_example_steps(name: str) -> None:
    kind = steps.REGISTRY[name]
    metric = schema.Metric(name="probe", label="Probe", source="x")
    for step in _examples(name):
        answer = ANSWERS.get(step.id)
        errors: dict[str, str] = {}

        # answers: validate, to_form -> parse round trip, numbers for metrics and alerts
        assert kind.validate(step, VALID_ANSWERS.get(step.id), errors) == (
            answer if kind.answered else None
        )
        assert errors == {}
        form: dict[str, list[str]] = {}
        if answer is not None:
            kind.to_form(step, answer, form)
        parsed = kind.parse(step, PostedForm(form))
        if kind.answered and answer is not None:
            assert kind.validate(step, parsed, errors) == answer
        else:
            assert parsed is MISSING or kind.answered
        allowed = kind.metric_aggregates(step, metric)
        assert isinstance(allowed, frozenset | str)
        if isinstance(allowed, frozenset):  # a metric may read it: it gives a number
            for aggregate in allowed:
                probe = metric.model_copy(update={"aggregate": aggregate})
                number = kind.number(step, probe, answer, ANSWERS)
                assert number is None or isinstance(number, float)
        assert isinstance(kind.alert_range(step, None), tuple | str)
        assert isinstance(kind.alert_reading(step, None, 3, "3"), str)

        # rendering and words
        view = StepView(step, 1, FieldView(f"step-{step.id}"))
        kind.render(step, view, parsed if parsed is not MISSING else None, RenderContext({}))
        assert all(isinstance(file, str) for file in kind.uploaded_files(step))
        words = AnswerView(step, step.id)
        kind.describe(step, answer, words)
        if kind.answered and answer not in (None, [], {}):
            assert words.text or words.items or words.rows or words.pairs

        # builder: the values it shows read back into the same settings
        document = step.model_dump(mode="json", exclude_none=True)
        values = kind.builder_values(document)
        assert all(isinstance(v, str) for v in values.values())
        posted = {f"s0-{key}": value for key, value in values.items()}
        read: dict[str, Any] = {"type": name, "id": step.id}
        problems: list[str] = []
        kind.read_builder(read, BuilderFields(posted, "s0"), document, problems, "Step 1")
        assert problems == []

        # FHIR
        item = kind.fhir_item(step, {"linkId": step.id, "text": step.id})
        assert (item is None) == (not kind.answered)
        assert isinstance(kind.fhir_answers(step, answer), list)


def test_the_builder_shows_each_types_settings_with_its_choices() -> None:
    template = get_template("library/builder/_step.html")
    for editor in builder.editors(sink_document()):
        html = template.render({"e": editor, "media": [], "builder_url": "/builder/"})
        kind = steps.REGISTRY[editor.type]

        assert f'name="s{editor.index}-type" value="{editor.type}"' in html
        for key, choices in kind.builder_choices.items():
            chosen = editor.values[key]
            for value, label in choices:
                selected = " selected" if value == chosen else ""
                assert f'<option value="{value}"{selected}>{label}</option>' in html


def test_no_module_outside_the_step_types_tests_a_step_class() -> None:
    """Code that needs something of a step asks its type (`steps.of(step)`), so adding a step
    type never means hunting for `isinstance` chains."""
    root = Path(steps.__file__).resolve().parents[2]  # the stepwise package
    step_classes = "|".join(kind.model.__name__ for kind in steps.REGISTRY.values())
    names = "|".join(steps.REGISTRY)
    dispatch = re.compile(rf"isinstance\([^)]*\b({step_classes})\b|type\s*(==|!=)\s*\"({names})\"")
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.py"))
        if "steps" not in path.relative_to(root).parts[:2]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if dispatch.search(line)
    ]

    assert found == []
