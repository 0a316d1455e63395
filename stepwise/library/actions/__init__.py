"""Every write to the library: loading shipped files, drafts, publishing, import, copies, media.

The loader of the shipped files is `shipped` beside this module.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext, pgettext

from stepwise.accounts.models import User
from stepwise.clinic.models import Membership
from stepwise.library import schema, steps
from stepwise.library.actions.shipped import sync_shipped
from stepwise.library.loader import validate_import
from stepwise.library.media import SNIFF_BYTES, kind_of, sniff
from stepwise.library.models import (
    ExerciseDefinition,
    ExerciseVersion,
    MediaFile,
    Visibility,
)
from stepwise.library.problems import draft_problems
from stepwise.library.shipped import SyncReport, catalogue_fields, content_hash
from stepwise.library.translations import (
    TRANSLATION_LANGUAGES,
    apply_texts,
    carry_over,
    clean_texts,
    documents_texts,
    missing_texts,
    validate_translation,
)


class ActionError(Exception):
    """A request that cannot be carried out; `problems` are shown to the person, one per line."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


def load_shipped_library() -> SyncReport:
    """Bring the shipped definitions in `content/` into the database (idempotent)."""
    return sync_shipped(ExerciseDefinition, ExerciseVersion)


def _practice_id(user: User) -> int:
    membership = Membership.objects.filter(user=user).only("practice_id").first()
    if membership is None:
        raise ActionError(gettext("Only therapists in a practice can make exercises."))
    return membership.practice_id


def unique_slug(practice_id: int, wanted: str) -> str:
    base = (slugify(wanted) or "exercise")[:70].strip("-") or "exercise"
    taken = set(
        ExerciseDefinition.objects.filter(
            practice_id=practice_id, slug__startswith=base
        ).values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


def blank_document(title: str, category: str, slug: str) -> dict[str, Any]:
    """A starting draft: the metadata a definition needs and one question."""
    return {
        "schema_version": schema.SCHEMA_VERSION,
        "slug": slug,
        "version": 1,
        "title": title,
        "category": category,
        "audience": ["adult"],
        "summary": "",
        "why_this_helps": "",
        # The heading the schema looks for, in the author's language ("## Evidencia" passes too).
        "therapist_notes": "## " + pgettext("therapist notes heading", "Evidence") + "\n\n",
        "references": [],
        "estimated_minutes": 10,
        "steps": [{"type": "text", "id": "answer", "prompt": "", "size": "long"}],
        "metrics": [],
    }


def _in_language_of(person: User, make: Any, *args: Any) -> Any:
    with translation.override(getattr(person, "language", None) or translation.get_language()):
        return make(*args)


def create_exercise(owner: User, *, title: str, category: str) -> ExerciseDefinition:
    """A new private exercise with a starting draft, for the builder."""
    practice_id = _practice_id(owner)
    if category not in {c.value for c in schema.Category}:
        raise ActionError(gettext("Choose one of the seven categories."))
    title = title.strip()[:120] or gettext("Untitled exercise")
    with transaction.atomic():
        slug = unique_slug(practice_id, title)
        now = timezone.now()
        return ExerciseDefinition.objects.create(
            slug=slug,
            practice_id=practice_id,
            owner=owner,
            visibility=Visibility.PRIVATE,
            title=title,
            category=category,
            audiences=",adult,",
            # The starting texts (the notes' "## Evidence" heading) in the author's language.
            draft=_in_language_of(owner, blank_document, title, category, slug),
            draft_updated_at=now,
            created_at=now,
            updated_at=now,
        )


def save_draft(
    definition: ExerciseDefinition, document: dict[str, Any], *, visibility: str | None = None
) -> ExerciseDefinition:
    """Keep the builder's working copy, valid or not. Visibility changes at once."""
    if definition.is_shipped:
        raise ActionError(
            gettext("Shipped exercises cannot be edited; make your own copy instead.")
        )
    document = {**document, "slug": definition.slug}
    definition.draft = document
    definition.draft_updated_at = timezone.now()
    fields = ["draft", "draft_updated_at", "updated_at"]
    if visibility in (Visibility.PRIVATE, Visibility.PRACTICE):
        definition.visibility = visibility
        fields.append("visibility")
    if definition.current_version_id is None:
        # Before the first version the list shows the draft's title.
        title = document.get("title")
        if isinstance(title, str) and title.strip():
            definition.title = title.strip()[:120]
            fields.append("title")
    definition.updated_at = timezone.now()
    definition.save(update_fields=fields)
    return definition


def media_problems(document: schema.ExerciseDefinition, practice_id: int | None) -> list[str]:
    """Uploaded media a document names must be files of the practice that publishes it."""
    wanted = {
        (step.id, file) for step in document.steps for file in steps.of(step).uploaded_files(step)
    }
    if not wanted:
        return []
    files = MediaFile.objects.filter(practice_id=practice_id) if practice_id else None
    known = {str(pk) for pk in files.values_list("pk", flat=True)} if files is not None else set()
    return [
        f'step "{step_id}": the uploaded file {name!r} is not in this practice\'s media; '
        "upload the file here and attach it again"
        for step_id, name in sorted(wanted)
        if name not in known
    ]


def check_document(
    definition: ExerciseDefinition, document: Any
) -> tuple[schema.ExerciseDefinition | None, list[str]]:
    """Validate a draft as it would be published: the schema, then the practice's media."""
    if not isinstance(document, dict):
        return None, [gettext("There is no draft to publish.")]
    document = {**document, "slug": definition.slug}
    parsed, problems = validate_import(json.dumps(document))
    if parsed is None:
        # The builder's author never sees the JSON: the problems in the form's words.
        return None, draft_problems(document) or problems
    problems = media_problems(parsed, definition.practice_id)
    return (None, problems) if problems else (parsed, [])


def publish(definition: ExerciseDefinition, user: User) -> ExerciseVersion:
    """Freeze the draft as the next version; the draft is then cleared."""
    if definition.is_shipped:
        raise ActionError(gettext("Shipped exercises are published by Stepwise itself."))
    with transaction.atomic():
        locked = ExerciseDefinition.objects.select_for_update().get(pk=definition.pk)
        parsed, problems = check_document(locked, locked.draft)
        if parsed is None:
            raise ActionError(gettext("The exercise cannot be published yet."), problems)
        latest = locked.versions.order_by("-number").first()
        raw = parsed.model_dump(mode="json")
        digest = content_hash(raw)
        if latest is not None and latest.content_hash == digest:
            raise ActionError(
                gettext("Nothing has changed since version %(number)d.") % {"number": latest.number}
            )
        number = latest.number + 1 if latest else 1
        raw["version"] = number
        now = timezone.now()
        translations = {}
        if latest is not None:  # texts whose English did not change carry over to the new version
            for language, texts in documents_texts(latest.translations).items():
                kept = carry_over(latest.document, texts, raw)
                if kept:
                    translations[language] = kept
        version = ExerciseVersion.objects.create(
            definition=locked,
            number=number,
            document=raw,
            content_hash=digest,
            published_at=now,
            published_by=user,
            translations=translations,
        )
        for name, value in catalogue_fields(parsed).items():
            setattr(locked, name, value)
        locked.current_version = version
        locked.draft = None
        locked.draft_updated_at = None
        locked.updated_at = now
        locked.save()
    definition.refresh_from_db()
    return version


def save_translation(
    definition: ExerciseDefinition, language: str, posted: dict[str, str]
) -> tuple[ExerciseVersion, list[str], list[str]]:
    """Keep a practice's own text in `language` for the current version of its exercise.

    Returns (version, problems, missing paths). Problems (a text too long, a path that is not
    a text of the exercise) mean nothing was saved; missing texts are saved as they are and the
    reader sees those in English.
    """
    if definition.is_shipped:
        raise ActionError(gettext("Shipped exercises are translated by Stepwise itself."))
    if language not in TRANSLATION_LANGUAGES:
        raise ActionError(
            gettext("Stepwise cannot show exercises in %(language)s yet.") % {"language": language}
        )
    version = definition.current_version
    if version is None:
        raise ActionError(
            gettext("Publish the exercise first: a translation belongs to a version.")
        )
    texts, problems = clean_texts(version.document, posted)
    shown, _still_english = apply_texts(version.document, texts, language)
    missing = missing_texts(version.document, texts)
    # The same check as a shipped file's; empty texts are allowed here (shown as missing).
    problems += [
        problem
        for problem in validate_translation(version.document, shown, language=language)
        if not problem.endswith("the translation is empty")
    ]
    _parsed, schema_problems = validate_import(json.dumps(shown, ensure_ascii=False))
    problems += schema_problems
    if problems:
        return version, problems, missing
    version.save_translation(language, texts)
    return version, [], missing


def start_draft_from_current(definition: ExerciseDefinition) -> ExerciseDefinition:
    """Open the builder on a published exercise: the draft starts as the latest version."""
    if definition.draft is None and definition.current_version is not None:
        document = dict(definition.current_version.document)
        save_draft(definition, document)
    return definition


def import_definition(owner: User, raw: bytes | str) -> ExerciseDefinition:
    """Make a private exercise from an exported JSON file and publish it as version 1.

    Refused with every problem listed when the file does not validate.
    """
    practice_id = _practice_id(owner)
    parsed, problems = validate_import(raw)
    if parsed is None:
        raise ActionError(gettext("This file cannot be imported."), problems)
    with transaction.atomic():
        slug = unique_slug(practice_id, parsed.slug)
        document = parsed.model_dump(mode="json")
        document["slug"] = slug
        problems = media_problems(parsed, practice_id)
        if problems:
            raise ActionError(gettext("This file cannot be imported."), problems)
        now = timezone.now()
        definition = ExerciseDefinition.objects.create(
            slug=slug,
            practice_id=practice_id,
            owner=owner,
            visibility=Visibility.PRIVATE,
            draft=document,
            draft_updated_at=now,
            created_at=now,
            updated_at=now,
            **catalogue_fields(parsed),
        )
        publish(definition, owner)
    definition.refresh_from_db()
    return definition


def copy_exercise(version: ExerciseVersion, owner: User) -> ExerciseDefinition:
    """A private, editable copy of a version (for example to attach the practice's own video)."""
    practice_id = _practice_id(owner)
    parsed = version.parsed
    with transaction.atomic():
        slug = unique_slug(practice_id, parsed.slug)
        document = dict(version.document)
        document.update(slug=slug, version=1)
        now = timezone.now()
        return ExerciseDefinition.objects.create(
            slug=slug,
            practice_id=practice_id,
            owner=owner,
            visibility=Visibility.PRIVATE,
            draft=document,
            draft_updated_at=now,
            created_at=now,
            updated_at=now,
            **catalogue_fields(parsed),
        )


def max_upload_bytes() -> int:
    return int(settings.STEPWISE_MAX_UPLOAD_MB) * 1024 * 1024


def upload_media(uploader: User, *, title: str, upload: UploadedFile) -> MediaFile:
    """Store an audio or video file for the uploader's practice, checking size and content."""
    practice_id = _practice_id(uploader)
    limit = max_upload_bytes()
    if upload.size is None or upload.size > limit:
        raise ActionError(
            gettext("The file is too large: at most %(size)d MB.")
            % {"size": settings.STEPWISE_MAX_UPLOAD_MB}
        )
    if upload.size == 0:
        raise ActionError(gettext("The file is empty."))
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    content_type = sniff(head)
    if content_type is None:
        raise ActionError(
            "This file is not an audio or video format Stepwise accepts "
            "(MP3, M4A, OGG, WAV, MP4 or WebM). The type is checked from the file itself."
        )
    media = MediaFile(
        practice_id=practice_id,
        uploaded_by=uploader,
        title=(title.strip() or upload.name or gettext("Untitled"))[:120],
        kind=kind_of(content_type),
        content_type=content_type,
        size=upload.size,
    )
    media.file.save(f"{media.pk}", upload, save=False)
    try:
        media.save()
    except Exception:
        media.file.delete(save=False)
        raise
    return media
