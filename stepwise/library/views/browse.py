"""Therapist pages of the library: browse and search, a definition's page, try it, export."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe
from django_stubs_ext import StrOrPromise

from stepwise.clinic.access import caseload_for
from stepwise.clinic.decorators import therapist_required
from stepwise.lib.htmx import is_htmx
from stepwise.library import schema, search
from stepwise.library.access import definitions_for, get_definition, get_version
from stepwise.library.answers import answer_views, metric_rows
from stepwise.library.builder import STEP_LABELS
from stepwise.library.markdown import render_markdown
from stepwise.library.models import (
    AUDIENCE_LABELS,
    CATEGORY_LABELS,
    ExerciseDefinition,
    ExerciseVersion,
)
from stepwise.library.responses import extract_metrics, validate_response
from stepwise.library.runner import run_exercise
from stepwise.library.translations import TRANSLATION_LANGUAGES, missing_texts

LENGTHS: dict[str, tuple[StrOrPromise, int, int]] = {
    "short": (gettext_lazy("Up to 5 minutes"), 0, 5),
    "medium": (gettext_lazy("6 to 15 minutes"), 6, 15),
    "long": (gettext_lazy("More than 15 minutes"), 16, 10_000),
}


def _choice(request: HttpRequest, name: str, allowed: dict[str, Any]) -> str:
    value = request.GET.get(name, "")
    return value if value in allowed else ""


@require_safe
@therapist_required
def index(request: HttpRequest) -> HttpResponse:
    category = _choice(request, "category", CATEGORY_LABELS)
    audience = _choice(request, "audience", AUDIENCE_LABELS)
    length = _choice(request, "length", LENGTHS)
    query = request.GET.get("q", "").strip()[:80]
    published = definitions_for(request).published()
    counts = dict(
        published.order_by()
        .values_list("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    results = published
    if category:
        results = results.filter(category=category)
    if audience:
        results = results.filter(audiences__contains=f",{audience},")
    if length:
        _, low, high = LENGTHS[length]
        results = results.filter(estimated_minutes__gte=low, estimated_minutes__lte=high)
    if query:
        # Synonyms and descriptions too ("paced breathing" finds "Slow belly breathing").
        candidates = results.select_related("current_version")
        results = results.filter(pk__in=search.matching_ids(candidates, query))
    results = results.select_related("current_version").order_by("category", "title", "id")
    drafts = ExerciseDefinition.objects.filter(
        owner_id=request.user.pk, practice__isnull=False, draft__isnull=False
    ).order_by("-draft_updated_at")
    context = {
        "categories": [(key, label, counts.get(key, 0)) for key, label in CATEGORY_LABELS.items()],
        "category_labels": CATEGORY_LABELS,
        "audiences": AUDIENCE_LABELS,
        "lengths": {key: label for key, (label, _, _) in LENGTHS.items()},
        "category": category,
        "audience": audience,
        "length": length,
        "query": query,
        # In the order of the titles the reader sees (their language's).
        "results": sorted(results, key=lambda d: (d.category, d.reader_title.casefold(), d.pk)),
        "drafts": drafts,
        "filtered": bool(category or audience or length or query),
    }
    template = "library/index.html#results" if is_htmx(request) else "library/index.html"
    return render(request, template, context)


def _step_name(step: schema.AnyStep) -> str:
    words = step.title or getattr(step, "prompt", None) or str(STEP_LABELS[step.type])
    return words if len(words) <= 90 else words[:87].rstrip() + "..."


@require_safe
@therapist_required
def detail(request: HttpRequest, definition_id: int) -> HttpResponse:
    definition = get_definition(request, definition_id)
    versions = list(definition.versions.order_by("-number"))
    wanted = request.GET.get("version", "")
    version = next((v for v in versions if str(v.number) == wanted), None)
    version = version or definition.current_version or (versions[0] if versions else None)
    document = version.parsed if version else None
    return render(
        request,
        "library/detail.html",
        {
            "definition": definition,
            "version": version,
            "versions": versions,
            "document": document,
            "why_html": render_markdown(document.why_this_helps) if document else "",
            "notes_html": render_markdown(document.therapist_notes, heading_offset=1)
            if document
            else "",
            "step_names": [
                (_step_name(step), document.lang_of(f"steps.{index}"))
                for index, step in enumerate(document.steps)
            ]
            if document
            else [],
            "languages": version.languages() if version else [],
            "translations": [
                (language, len(missing_texts(version.document, version.texts(language))))
                for language in TRANSLATION_LANGUAGES
            ]
            if version
            else [],
            "clients": caseload_for(request.user).active().order_by("display_name"),
            "can_edit": definition.owner_id == request.user.pk and not definition.is_shipped,
        },
    )


def _checked(request: HttpRequest, version: ExerciseVersion, data: dict[str, Any]) -> HttpResponse:
    """The "try it" result: what would be stored, and the metrics. Nothing is saved."""
    document = version.parsed
    validated = validate_response(document, data)
    return render(
        request,
        "library/preview_result.html",
        {
            "version": version,
            "document": document,
            "answers": answer_views(document, validated.answers),
            "metrics": metric_rows(document, extract_metrics(document, validated)),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@therapist_required
def preview(request: HttpRequest, version_id: int) -> HttpResponse:
    version = get_version(request, version_id)
    return run_exercise(
        request,
        version.parsed,
        template="library/preview.html",
        context={"version": version, "document": version.parsed},
        on_submit=lambda data: _checked(request, version, data),
    )


@require_safe
@therapist_required
def export(request: HttpRequest, version_id: int) -> HttpResponse:
    """The version's document as a JSON file another practice can import."""
    version = get_version(request, version_id)
    document: dict[str, Any] = dict(version.document)
    schema.ExerciseDefinition.model_validate(document)  # never hand out a broken file
    body = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"{version.definition.slug}-v{version.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
