"""The builder: start an exercise, edit its draft (htmx adds, removes and moves steps), preview it
live, publish versions; import from and copy into the therapist's own exercises."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from stepwise.accounts.signed_in import signed_in_user
from stepwise.clinic.decorators import therapist_required
from stepwise.clinic.roles import roles_for
from stepwise.lib.htmx import is_htmx
from stepwise.lib.middleware import body_limit
from stepwise.library import actions, builder
from stepwise.library.access import get_own_definition, get_version
from stepwise.library.forms import ImportForm, NewExerciseForm
from stepwise.library.loader import IMPORT_MAX_BYTES
from stepwise.library.models import (
    AUDIENCE_LABELS,
    CATEGORY_LABELS,
    ExerciseDefinition,
    MediaFile,
    Visibility,
)
from stepwise.library.rendering import build_exercise, media_urls_for
from stepwise.library.translations import TRANSLATION_LANGUAGES, path_words, text_paths

_PATH_WORDS = {
    "step": gettext_lazy("Step %(number)d"),
    "field": gettext_lazy("field %(number)d"),
    "option": gettext_lazy("option %(number)d"),
    "item": gettext_lazy("item %(number)d"),
    "emotion": gettext_lazy("emotion %(number)d"),
    "anchor": gettext_lazy("anchor %(number)d"),
    "question": gettext_lazy("question %(number)d"),
    "metric": gettext_lazy("Metric %(number)d"),
    "title": gettext_lazy("title"),
    "summary": gettext_lazy("summary"),
    "why_this_helps": gettext_lazy("why this helps"),
    "therapist_notes": gettext_lazy("therapist notes (optional)"),
    "prompt": gettext_lazy("question"),
    "body": gettext_lazy("text"),
    "label": gettext_lazy("label"),
    "help": gettext_lazy("hint"),
    "placeholder": gettext_lazy("example in the box"),
    "unit": gettext_lazy("unit"),
    "add_label": gettext_lazy("add button"),
    "min_label": gettext_lazy("lowest label"),
    "max_label": gettext_lazy("highest label"),
    "intensity_label": gettext_lazy("strength question"),
    "alt": gettext_lazy("picture description"),
    "transcript": gettext_lazy("words of the recording"),
    "image": gettext_lazy("picture"),
}


def path_label(path: str) -> str:
    """Where a text is, in words: `steps.3.fields.0.label` -> "Step 4, field 1, label"."""
    parts = []
    for word, number in path_words(path):
        shown = _PATH_WORDS.get(word)
        if shown is None:
            parts.append(word)
        elif number is None:
            parts.append(str(shown))
        else:
            parts.append(str(shown) % {"number": number})
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


STEP_OPS = ("add", "remove", "up", "down")


@require_http_methods(["GET", "HEAD", "POST"])
@therapist_required
def new(request: HttpRequest) -> HttpResponse:
    form = NewExerciseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        definition = actions.create_exercise(signed_in_user(request), **form.cleaned_data)
        return redirect("library:builder", definition_id=definition.pk)
    return render(request, "library/new.html", {"form": form})


def _working_document(definition: ExerciseDefinition) -> dict[str, Any]:
    """The draft, or (before the first edit after publishing) the current version."""
    if isinstance(definition.draft, dict):
        return dict(definition.draft)
    if definition.current_version is not None:
        return dict(definition.current_version.document)
    return actions.blank_document(definition.title, definition.category, definition.slug)


def _practice_media(request: HttpRequest) -> list[MediaFile]:
    return list(MediaFile.objects.filter(practice_id=roles_for(request).practice_id or 0))


def _focus_after(op: str, index: int | None, count: int) -> str:
    """Where keyboard focus lands after a step was added, removed or moved."""
    if index is None:
        return "steps-heading"
    action = op.partition(":")[0]
    if action == "add":
        return f"f-s{index}-id"
    if action in ("up", "down") and count > 1:
        if action == "up":
            return f"s{index}-up" if index > 0 else f"s{index}-down"
        return f"s{index}-down" if index < count - 1 else f"s{index}-up"
    return f"s{index}-heading"


def _preview(definition: ExerciseDefinition, document: dict[str, Any]) -> dict[str, Any]:
    parsed, problems = actions.check_document(definition, document)
    exercise = (
        build_exercise(parsed, media_urls=media_urls_for(parsed)) if parsed is not None else None
    )
    return {"preview": exercise, "problems": problems}


def _builder_context(
    request: HttpRequest,
    definition: ExerciseDefinition,
    document: dict[str, Any],
    media: list[MediaFile],
    **extra: Any,
) -> dict[str, Any]:
    return {
        "definition": definition,
        "meta": builder.meta_values(document),
        "editors": builder.editors(document),
        "step_labels": builder.STEP_LABELS,
        "categories": CATEGORY_LABELS,
        "audiences": AUDIENCE_LABELS,
        "visibilities": [
            (Visibility.PRIVATE, Visibility.PRIVATE.label),
            (Visibility.PRACTICE, Visibility.PRACTICE.label),
        ],
        "media": media,
        "form_problems": [],
        "focus": "",
        "status": "",
        **_preview(definition, document),
        **extra,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@therapist_required
def edit(request: HttpRequest, definition_id: int) -> HttpResponse:
    definition = get_own_definition(request, definition_id)
    media = _practice_media(request)
    document = _working_document(definition)
    if request.method != "POST":  # GET, or HEAD from a link checker: never saves
        return render(
            request, "library/builder.html", _builder_context(request, definition, document, media)
        )
    media_types = {m.reference: m.content_type for m in media}
    document, form_problems = builder.read_document(request.POST, document, media_types)
    op = request.POST.get("op", "save")
    focus, status = "", ""
    if op.partition(":")[0] in STEP_OPS:
        index, status = builder.apply_op(document, op, request.POST.get("new_type", ""))
        focus = _focus_after(op, index, len(document["steps"]))
    actions.save_draft(definition, document, visibility=request.POST.get("visibility"))
    if op == "publish" and not form_problems:
        try:
            version = actions.publish(definition, signed_in_user(request))
        except actions.ActionError as exc:
            form_problems = exc.problems or [exc.message]
        else:
            messages.success(
                request, _("Version %(number)d is published.") % {"number": version.number}
            )
            return redirect("library:detail", definition_id=definition.pk)
    elif op == "save" and not form_problems:
        messages.success(request, _("Draft saved."))
        return redirect("library:builder", definition_id=definition.pk)
    context = _builder_context(
        request,
        definition,
        document,
        media,
        form_problems=form_problems,
        focus=focus,
        status=status,
        publish_failed=op == "publish",
    )
    if is_htmx(request) and op != "publish":
        return render(request, "library/builder.html#steps", context)
    return render(request, "library/builder.html", context)


@require_POST
@therapist_required
def builder_preview(request: HttpRequest, definition_id: int) -> HttpResponse:
    """The live preview of the builder form as it stands (nothing is saved)."""
    definition = get_own_definition(request, definition_id)
    media = _practice_media(request)
    media_types = {m.reference: m.content_type for m in media}
    document, form_problems = builder.read_document(
        request.POST, _working_document(definition), media_types
    )
    context = {"definition": definition, **_preview(definition, document)}
    context["problems"] = form_problems + context["problems"]
    return render(request, "library/builder.html#preview", context)


@body_limit(IMPORT_MAX_BYTES)
@require_http_methods(["GET", "HEAD", "POST"])
@therapist_required
def import_exercise(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                definition = actions.import_definition(
                    signed_in_user(request), form.cleaned_data["file"]
                )
            except actions.ActionError as exc:
                problems = exc.problems or [exc.message]
            else:
                messages.success(
                    request, f"“{definition.title}” is imported as your own, private exercise."
                )
                return redirect("library:detail", definition_id=definition.pk)
        status = 400
    return render(
        request, "library/import.html", {"form": form, "problems": problems}, status=status
    )


@require_POST
@therapist_required
def copy(request: HttpRequest, version_id: int) -> HttpResponse:
    version = get_version(request, version_id)
    definition = actions.copy_exercise(version, signed_in_user(request))
    messages.success(request, _("This is your own copy. Change it, then publish it."))
    return redirect("library:builder", definition_id=definition.pk)


def _translation_rows(
    document: dict[str, Any], texts: dict[str, str], posted: dict[str, str] | None
) -> list[dict[str, Any]]:
    """One row per translatable text: where it is, the English, the text in the other language."""
    rows = []
    for number, (path, english) in enumerate(text_paths(document), start=1):
        value = posted.get(path, "") if posted is not None else texts.get(path, "")
        rows.append(
            {
                "path": path,
                "field": f"t-{path}",
                "id": f"t{number}",
                "where": path_label(path),
                "english": english,
                "value": value,
                "long": len(english) > 90 or "\n" in english,
                "missing": not value.strip() and not path.endswith("therapist_notes"),
                "optional": path.endswith("therapist_notes"),
            }
        )
    return rows


@require_http_methods(["GET", "HEAD", "POST"])
@therapist_required
def translate(request: HttpRequest, definition_id: int, language: str) -> HttpResponse:
    """The "Spanish version" of a practice's own exercise: every text beside its English."""
    definition = get_own_definition(request, definition_id)
    version = definition.current_version
    if language not in TRANSLATION_LANGUAGES or version is None:
        raise Http404("No such translation.")
    problems: list[str] = []
    posted: dict[str, str] | None = None
    status = 200
    if request.method == "POST":
        posted = {
            key[2:]: str(request.POST.get(key, "")) for key in request.POST if key.startswith("t-")
        }
        try:
            version, problems, missing = actions.save_translation(definition, language, posted)
        except actions.ActionError as exc:
            problems = exc.problems or [exc.message]
        if not problems:
            if missing:
                messages.warning(
                    request,
                    ngettext(
                        "Saved. %(count)d text has no translation yet: it is shown in English.",
                        "Saved. %(count)d texts have no translation yet: they are shown in "
                        "English.",
                        len(missing),
                    )
                    % {"count": len(missing)},
                )
            else:
                messages.success(request, _("Saved. Every text has a translation."))
            return redirect("library:translate", definition_id=definition.pk, language=language)
        status = 400
    rows = _translation_rows(version.document, version.texts(language), posted)
    return render(
        request,
        "library/translate.html",
        {
            "definition": definition,
            "version": version,
            "language": language,
            "language_name": translation.get_language_info(language)["name_local"],
            "rows": rows,
            "missing": [row for row in rows if row["missing"]],
            "problems": problems,
        },
        status=status,
    )
