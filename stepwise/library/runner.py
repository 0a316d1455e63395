"""Show an exercise and take its answers: the one path every place that runs an exercise uses.

`run_exercise()` renders the blank form on GET; on POST it reads the form with `parse_form()` and
hands the answers to `on_submit`, which stores them (or, in the library preview, only checks them)
and returns the response. When `on_submit` raises `ResponseErrors`, the form comes back with each
message next to its field and everything typed kept. The homework issue's assignment views call
this with their own `on_submit`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from stepwise.library import schema, steps
from stepwise.library.rendering import build_exercise, media_urls_for
from stepwise.library.responses import ResponseErrors, parse_form

ADD_ROW = "add-row"  # the no-script "Add a row" button posts its list step's id under this name

OnSubmit = Callable[[dict[str, Any]], HttpResponse]


def run_exercise(
    request: HttpRequest,
    definition: schema.ExerciseDefinition,
    *,
    template: str,
    context: Mapping[str, Any],
    on_submit: OnSubmit,
    initial: QueryDict | None = None,
) -> HttpResponse:
    """`initial` (a saved draft, as the browser posted it) fills a fresh form on GET."""
    form = initial if request.method != "POST" else None
    errors: dict[str, str] = {}
    extra_rows: dict[str, int] = {}
    if request.method == "POST":
        form = request.POST
        add_row = request.POST.get(ADD_ROW)
        growing = {s.id for s in definition.steps if steps.of(s).grows}
        if add_row in growing:
            extra_rows[add_row] = 1  # a row added without script: show the form again
        else:
            try:
                return on_submit(parse_form(definition, request.POST))
            except ResponseErrors as exc:
                errors = exc.by_form_field()
    exercise = build_exercise(
        definition,
        form=form,
        errors=errors,
        extra_rows=extra_rows,
        media_urls=media_urls_for(definition),
    )
    return render(request, template, {**context, "exercise": exercise})
