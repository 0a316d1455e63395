"""List: repeatable rows of typed fields (text, number, suds, scale, choice), e.g. a fear ladder."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from django.utils.translation import gettext, gettext_noop, ngettext
from pydantic import Field, model_validator

from stepwise.library.steps import building
from stepwise.library.steps.base import StepType, register
from stepwise.library.steps.common import (
    LIST_FIELDS_MAX,
    LIST_ROWS_MAX,
    NUMBER_AGGREGATES,
    NUMBER_FIELD_ABS_MAX,
    TEXT_LIMITS,
    Aggregate,
    Identifier,
    Label,
    Option,
    Prompt,
    QuestionStep,
    Strict,
    TextSize,
    unique,
)
from stepwise.library.steps.reading import (
    Errors,
    PostedForm,
    aggregate,
    as_float,
    as_int,
    as_text,
    field_name,
    form_value,
    is_blank,
    labels,
    mapping_rows,
    number_text,
    read_text,
    whole_number,
)
from stepwise.library.steps.views import (
    AnswerView,
    CellView,
    FieldView,
    RenderContext,
    RowView,
    StepView,
    number_shown,
    option_views,
)

ROW_PLACEHOLDER = "__row__"  # replaced by the row number in the JS row template
_ROW_INDEX = re.compile(r"[0-9]{1,4}")
_RANGE = re.compile(r"^(number|scale)\s+(-?[\d.]+)\s*-\s*(-?[\d.]+)(\s+decimal)?$")


class _ListFieldBase(Strict):
    id: Identifier
    label: Label
    help: Prompt | None = None
    required: bool = True  # within a row that is not blank


class TextField(_ListFieldBase):
    kind: Literal["text"] = "text"
    size: TextSize = "short"
    max_length: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _length_within_size(self) -> TextField:
        if self.max_length is not None and self.max_length > TEXT_LIMITS[self.size]:
            raise ValueError(
                f"max_length for a {self.size} answer is at most {TEXT_LIMITS[self.size]}"
            )
        return self

    @property
    def limit(self) -> int:
        return self.max_length or TEXT_LIMITS[self.size]


class NumberField(_ListFieldBase):
    kind: Literal["number"] = "number"
    min: float = Field(ge=-NUMBER_FIELD_ABS_MAX, le=NUMBER_FIELD_ABS_MAX)
    max: float = Field(ge=-NUMBER_FIELD_ABS_MAX, le=NUMBER_FIELD_ABS_MAX)
    integer: bool = True
    unit: Label | None = None

    @model_validator(mode="after")
    def _range(self) -> NumberField:
        if self.min >= self.max:
            raise ValueError("min must be smaller than max")
        if self.integer and (self.min != int(self.min) or self.max != int(self.max)):
            raise ValueError("an integer field needs whole-number min and max")
        return self


class SudsField(_ListFieldBase):
    kind: Literal["suds"] = "suds"

    @property
    def min(self) -> int:
        return 0

    @property
    def max(self) -> int:
        return 100


class ScaleField(_ListFieldBase):
    kind: Literal["scale"] = "scale"
    min: int = Field(ge=-100, le=100)
    max: int = Field(ge=-100, le=100)
    min_label: Label | None = None
    max_label: Label | None = None

    @model_validator(mode="after")
    def _range(self) -> ScaleField:
        if self.min >= self.max:
            raise ValueError("min must be smaller than max")
        return self


class ChoiceField(_ListFieldBase):
    kind: Literal["choice"] = "choice"
    options: list[Option] = Field(min_length=2, max_length=30)

    @model_validator(mode="after")
    def _unique_options(self) -> ChoiceField:
        unique([o.id for o in self.options], "option")
        return self


ListField = Annotated[
    TextField | NumberField | SudsField | ScaleField | ChoiceField, Field(discriminator="kind")
]
NUMERIC_FIELD_KINDS = frozenset({"number", "suds", "scale"})


class ListStep(QuestionStep):
    """Repeatable rows of typed fields, e.g. a fear ladder. When required, at least `min_rows`."""

    type: Literal["list"] = "list"
    fields: list[ListField] = Field(min_length=1, max_length=LIST_FIELDS_MAX)
    min_rows: int = Field(default=1, ge=1, le=LIST_ROWS_MAX)
    max_rows: int = Field(default=20, ge=1, le=LIST_ROWS_MAX)
    orderable: bool = False  # the client may drag rows into order (e.g. easiest to hardest)
    add_label: Label = "Add a row"

    @model_validator(mode="after")
    def _rows(self) -> ListStep:
        unique([f.id for f in self.fields], "field")
        if self.min_rows > self.max_rows:
            raise ValueError("min_rows is larger than max_rows")
        return self

    def field(self, field_id: str) -> ListField | None:
        return next((f for f in self.fields if f.id == field_id), None)


def _validate_field(field_def: ListField, value: Any) -> tuple[Any, str | None]:
    required = field_def.required
    if isinstance(field_def, TextField):
        return read_text(
            value, limit=field_def.limit, short=field_def.size == "short", required=required
        )
    if isinstance(field_def, ChoiceField):
        shown = labels(field_def.options)
        if is_blank(value):
            return None, (gettext("Please choose an option.") if required else None)
        if not isinstance(value, str) or value not in shown:
            return None, gettext("Choose one of the options shown.")
        return value, None
    if isinstance(field_def, SudsField | ScaleField):
        low, high = field_def.min, field_def.max
        return whole_number(
            value,
            low,
            high,
            required=required,
            missing=gettext("Please enter a number from %(low)s to %(high)s.")
            % {"low": low, "high": high},
            wrong=gettext("Enter a whole number from %(low)s to %(high)s.")
            % {"low": low, "high": high},
        )
    assert isinstance(field_def, NumberField)
    low_text, high_text = number_text(field_def.min), number_text(field_def.max)
    if is_blank(value):
        return None, (
            gettext("Please enter a number from %(low)s to %(high)s.")
            % {"low": low_text, "high": high_text}
            if required
            else None
        )
    number: float | int | None = as_int(value) if field_def.integer else as_float(value)
    if number is None or not field_def.min <= number <= field_def.max:
        wanted = (
            gettext("Enter a whole number from %(low)s to %(high)s.")
            if field_def.integer
            else gettext("Enter a number from %(low)s to %(high)s.")
        )
        return None, wanted % {"low": low_text, "high": high_text}
    return number, None


def _cells(
    step: ListStep, index: str, row: Mapping[str, Any], errors: Mapping[str, str]
) -> list[CellView]:
    cells = []
    for list_field in step.fields:
        name = f"{field_name(step.id)}-{index}-{list_field.id}"
        view = FieldView(
            name,
            as_text(row.get(list_field.id)),
            errors.get(name),
            f"help-{name}" if list_field.help else "",
        )
        options = (
            option_views(list_field.options, name, {view.value})
            if isinstance(list_field, ChoiceField)
            else []
        )
        cells.append(CellView(list_field, view, options))
    return cells


def _cell_text(list_field: Any, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(list_field, ChoiceField):
        return labels(list_field.options).get(value, str(value))
    if isinstance(list_field, NumberField) and list_field.unit:
        return f"{number_shown(value)} {list_field.unit}"
    return number_shown(value) if not isinstance(value, str) else value


def _fhir_field_item(step_id: str, list_field: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": f"{step_id}.{list_field.id}", "text": list_field.label}
    if isinstance(list_field, ChoiceField):
        item.update(
            type="choice",
            answerOption=[
                {"valueCoding": {"code": o.id, "display": o.label}} for o in list_field.options
            ],
        )
    elif isinstance(list_field, TextField):
        item["type"] = "string"
    else:
        item["type"] = "decimal"
    return item


def _fhir_cell(list_field: Any, cell: Any) -> dict[str, Any]:
    if isinstance(list_field, ChoiceField):
        shown = labels(list_field.options)
        return {"valueCoding": {"code": cell, "display": shown.get(cell, cell)}}
    if isinstance(list_field, TextField):
        return {"valueString": str(cell)}
    return {"valueDecimal": float(cell)}


def _field_line(item: Mapping[str, Any]) -> str:
    kind = item.get("kind", "text")
    label = str(item.get("label", ""))
    if kind == "text":
        setting = "long" if item.get("size") == "long" else "text"
    elif kind in ("number", "scale"):
        low, high = item.get("min", 0), item.get("max", 10)
        setting = f"{kind} {building.num(low)}-{building.num(high)}"
        if kind == "number" and item.get("integer") is False:
            setting += " decimal"
    elif kind == "choice":
        setting = "choice: " + ", ".join(str(o.get("label", "")) for o in item.get("options", []))
    else:
        setting = str(kind)
    optional = " | optional" if item.get("required") is False else ""
    return f"{label} | {setting}{optional}"


def _read_fields(text: str, old: list[Any], problems: list[str], where: str) -> list[Any]:
    previous = {str(f.get("label")): f for f in old if isinstance(f, Mapping)}
    taken: set[str] = set()
    fields: list[Any] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        label, setting = parts[0], (parts[1] if len(parts) > 1 else "text")
        optional = any(p.lower() == "optional" for p in parts[2:])
        kept = dict(previous.get(label, {}))
        field_id = kept.get("id") if kept.get("id") and kept.get("id") not in taken else None
        field_id = field_id or building.make_identifier(label, taken, "field")
        taken.add(field_id)
        item: dict[str, Any] = {"id": field_id, "label": label}
        for key in ("help", "unit", "min_label", "max_label"):
            if key in kept:
                item[key] = kept[key]
        lowered = setting.lower()
        range_match = _RANGE.match(lowered)
        if lowered in ("text", "short"):
            item.update(kind="text", size="short")
        elif lowered == "long":
            item.update(kind="text", size="long")
        elif lowered == "suds":
            item["kind"] = "suds"
        elif range_match:
            item.update(
                kind=range_match.group(1),
                min=building.decimal(range_match.group(2)),
                max=building.decimal(range_match.group(3)),
            )
            if range_match.group(1) == "number":
                item["integer"] = not range_match.group(4)
        elif lowered.startswith("choice"):
            choices = setting.partition(":")[2]
            old_options = kept.get("options", []) if kept.get("kind") == "choice" else []
            item.update(
                kind="choice",
                options=building.options("\n".join(choices.split(",")), old_options, "option"),
            )
        else:
            problems.append(
                gettext(
                    "%(where)s, “%(label)s”: the kind must be text, long, number 0-10, suds, "
                    "scale 1-5 or choice: A, B"
                )
                % {"where": where, "label": label}
            )
            item["kind"] = setting  # kept as typed, to fix (publishing refuses it)
        if optional:
            item["required"] = False
        fields.append(item)
    return fields


@register
class List(StepType[ListStep]):
    name = "list"
    model = ListStep
    label = gettext_noop("List of rows (e.g. a ladder)")
    grows = True
    metric_fields = True
    metric_options = True
    builder_defaults = {"fields": [{"kind": "text", "id": "item", "label": "Item"}]}
    builder_keys = ("min_rows", "max_rows", "add_label")
    builder_flags = ("orderable",)

    def validate(self, step: ListStep, value: Any, errors: Errors) -> list[dict[str, Any]]:
        if value is None or value == "":
            value = []
        if not isinstance(value, list | tuple):
            errors[step.id] = gettext(
                "These rows could not be read. Please check them and try again."
            )
            return []
        if len(value) > step.max_rows:
            errors[step.id] = gettext("Too many rows: at most %(most)d.") % {"most": step.max_rows}
            return []
        rows: list[dict[str, Any]] = []
        for position, row in enumerate(value):
            if not isinstance(row, Mapping):
                errors[f"{step.id}.{position}"] = gettext("This row could not be read.")
                continue
            if all(is_blank(row.get(f.id)) for f in step.fields):
                continue  # a spare empty row in the form
            clean: dict[str, Any] = {}
            for field_def in step.fields:
                answer, error = _validate_field(field_def, row.get(field_def.id))
                if error:
                    errors[f"{step.id}.{position}.{field_def.id}"] = error
                clean[field_def.id] = answer
            rows.append(clean)
        if step.required and len(rows) < step.min_rows and step.id not in errors:
            errors[step.id] = (
                gettext("Please add at least one row.")
                if step.min_rows == 1
                else ngettext(
                    "Please add at least %(count)d row.",
                    "Please add at least %(count)d rows.",
                    step.min_rows,
                )
                % {"count": step.min_rows}
            )
        return rows

    def parse(self, step: ListStep, form: PostedForm) -> list[dict[str, str]]:
        prefix = f"{field_name(step.id)}-"
        field_ids = {f.id for f in step.fields}
        indexes: set[int] = set()
        for key in form.keys:
            if not key.startswith(prefix):
                continue
            row, _, field_id = key[len(prefix) :].partition("-")
            if _ROW_INDEX.fullmatch(row) and field_id in field_ids:
                indexes.add(int(row))
        # One row beyond the limit is enough for validation to say there are too many.
        kept = sorted(indexes)[: step.max_rows + 1]
        return [
            {f.id: form.last(f"{prefix}{index}-{f.id}") or "" for f in step.fields}
            for index in kept
        ]

    def to_form(self, step: ListStep, answer: Any, form: dict[str, list[str]]) -> None:
        name = field_name(step.id)
        for index, row in enumerate(answer):
            for field_id, value in row.items():
                if value is not None:
                    form[f"{name}-{index}-{field_id}"] = [form_value(value)]

    def number(
        self, step: ListStep, metric: Any, answer: Any, answers: Mapping[str, Any] | None
    ) -> float | None:
        rows = answer or []
        if metric.field is None:
            return float(len(rows))
        values = [row.get(metric.field) for row in rows]
        present = [v for v in values if v is not None]
        if metric.option is not None:
            return float(sum(1 for v in present if v == metric.option))
        how = metric.aggregate.value
        if how == "count":
            return float(len(present))
        return aggregate([float(v) for v in present], how)

    def metric_aggregates(self, step: ListStep, metric: Any) -> frozenset[Aggregate] | str:
        if metric.field is None:
            return frozenset({Aggregate.COUNT})  # rows
        field = step.field(metric.field)
        if field is None:
            return f"step {step.id!r} has no field {metric.field!r}"
        if metric.aggregate != Aggregate.COUNT and field.kind not in NUMERIC_FIELD_KINDS:
            return f"field {metric.field!r} of step {step.id!r} is not a number"
        if metric.option is not None:
            if not isinstance(field, ChoiceField) or metric.aggregate != Aggregate.COUNT:
                return "option only applies to counting a list's choice field"
            if metric.option not in {o.id for o in field.options}:
                return f"field {metric.field!r} has no option {metric.option!r}"
            return frozenset({Aggregate.COUNT})
        return NUMBER_AGGREGATES

    def render(self, step: ListStep, view: StepView, raw: Any, context: RenderContext) -> None:
        name, errors = view.field.name, context.errors
        rows: list[Mapping[str, Any]] = mapping_rows(raw)
        wanted = max(len(rows) + context.extra_rows, step.min_rows if step.required else 1, 1)
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

    def describe(self, step: ListStep, answer: Any, view: AnswerView) -> None:
        view.headers = [f.label for f in step.fields]
        view.rows = [
            [(f.label, _cell_text(f, row.get(f.id))) for f in step.fields] for row in answer or []
        ]

    def builder_values(self, step: Mapping[str, Any]) -> dict[str, str]:
        values = super().builder_values(step)
        values["fields"] = building.lines([_field_line(f) for f in step.get("fields", [])])
        return values

    def read_builder(
        self,
        step: dict[str, Any],
        fields: building.BuilderFields,
        old: Mapping[str, Any],
        problems: list[str],
        where: str,
    ) -> None:
        step["fields"] = _read_fields(
            fields.text("fields"), list(old.get("fields", [])), problems, where
        )
        for key in ("min_rows", "max_rows"):
            if fields.text(key):
                step[key] = building.whole(fields.text(key))
        step["orderable"] = fields.flag("orderable")
        if fields.text("add_label"):
            step["add_label"] = fields.text("add_label")

    def fhir_item(self, step: ListStep, item: dict[str, Any]) -> dict[str, Any]:
        item.update(
            type="group", repeats=True, item=[_fhir_field_item(step.id, f) for f in step.fields]
        )
        return item

    def fhir_answers(self, step: ListStep, value: Any) -> list[dict[str, Any]]:
        rows = []
        for row in value or []:
            cells = []
            for list_field in step.fields:
                cell = row.get(list_field.id)
                if cell is None or cell == "":
                    continue
                cells.append(
                    {
                        "linkId": f"{step.id}.{list_field.id}",
                        "answer": [_fhir_cell(list_field, cell)],
                    }
                )
            if cells:
                rows.append({"linkId": step.id, "item": cells})
        return rows
