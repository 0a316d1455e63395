"""Exercise definitions in the database: a definition, its immutable versions, and media files.

A definition row holds what may change (who sees it, the builder's draft, catalogue fields copied
from the latest version for cheap listing); each published `ExerciseVersion` is a frozen document
that responses point at, so an answer can always be read against the questions it answered.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_stubs_ext import StrOrPromise
from pydantic import ValidationError

from stepwise.clinic.models import Practice
from stepwise.lib.language import base_language
from stepwise.library import schema
from stepwise.library.titles import Shown, reader_text
from stepwise.library.translations import (
    apply_texts,
    documents_texts,
    text_paths,
)

logger = logging.getLogger(__name__)


class ImmutableVersionError(Exception):
    """Something tried to change or delete a published version."""


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Only me")
    PRACTICE = "practice", _("Everyone in my practice")
    SHIPPED = "shipped", _("Stepwise library")


CATEGORY_LABELS: dict[str, StrOrPromise] = {
    schema.Category.RELAXATION: _("Relaxation"),
    schema.Category.SOCIAL_SKILLS: _("Social skills"),
    schema.Category.PARENT_CHILD: _("Parent-child activities"),
    schema.Category.PARENTING_VIDEOS: _("Parenting videos"),
    schema.Category.EXPOSURE: _("Exposure"),
    schema.Category.COGNITIVE: _("Cognitive"),
    schema.Category.AFFECT_EMOTION: _("Affect and emotion"),
    schema.Category.BEHAVIOURAL: _("Behavioural activation and self-monitoring"),
}
AUDIENCE_LABELS: dict[str, StrOrPromise] = {
    schema.Audience.ADULT: _("Adults"),
    schema.Audience.CHILD: _("Children"),
    schema.Audience.CAREGIVER: _("Parents and carers"),
}

# English texts the schema fills in when a definition leaves them out: shown translated to a
# reader of another language when the definition's translation has nothing for them.
SCHEMA_DEFAULT_TEXTS: frozenset[str] = frozenset(
    {gettext_noop("Add a row"), gettext_noop("How strong?")}
    | {label for _id, label in schema.DEFAULT_EMOTIONS}
)


class ExerciseDefinitionQuerySet(models.QuerySet["ExerciseDefinition"]):
    def visible_to(
        self, user_id: int | None, practice_id: int | None
    ) -> ExerciseDefinitionQuerySet:
        """Shipped ones, those shared with the practice, and the therapist's own."""
        condition = Q(visibility=Visibility.SHIPPED)
        if practice_id is not None:
            condition |= Q(practice_id=practice_id, visibility=Visibility.PRACTICE)
            if user_id is not None:
                condition |= Q(practice_id=practice_id, owner_id=user_id)
        return self.filter(condition)

    def published(self) -> ExerciseDefinitionQuerySet:
        return self.filter(current_version__isnull=False)


class ExerciseDefinition(models.Model):
    """One exercise across its versions. Shipped ones have no practice and no owner."""

    slug = models.SlugField(max_length=80)
    practice = models.ForeignKey(
        Practice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exercise_definitions",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    # Catalogue fields: copied from the latest published version (from the draft before the
    # first one), so the library can list, search and filter without reading documents.
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=400, blank=True)
    category = models.CharField(max_length=32, choices=list(CATEGORY_LABELS.items()))
    audiences = models.CharField(max_length=64, blank=True)  # ",adult,child," for filtering
    estimated_minutes = models.PositiveSmallIntegerField(default=10)
    current_version = models.ForeignKey(
        "ExerciseVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The builder's working copy: any JSON, valid or not, until it is published.
    draft = models.JSONField(null=True, blank=True)
    draft_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ExerciseDefinitionQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "slug"], name="unique_practice_slug"),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(practice__isnull=True), name="unique_shipped_slug"
            ),
            models.CheckConstraint(
                condition=(Q(visibility="shipped") & Q(practice__isnull=True))
                | (~Q(visibility="shipped") & Q(practice__isnull=False)),
                name="shipped_definitions_have_no_practice",
            ),
        ]
        indexes = [models.Index(fields=["category", "title"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shipped(self) -> bool:
        return self.visibility == Visibility.SHIPPED

    @property
    def audience_list(self) -> list[str]:
        return [a for a in self.audiences.split(",") if a]

    @property
    def audience_labels(self) -> list[str]:
        return [str(AUDIENCE_LABELS.get(a, a)) for a in self.audience_list]

    @property
    def category_label(self) -> str:
        return str(CATEGORY_LABELS.get(self.category, self.category))

    @property
    def has_unpublished_draft(self) -> bool:
        return self.draft is not None

    def _listed(self, key: str) -> Shown:
        # The current version's translation when it is loaded with the row (select_related),
        # else the shipped files': never a query per row of a list.
        cached = ExerciseDefinition.current_version.is_cached(self)
        version = self.current_version if cached else None
        language = "en"
        if version is not None:
            language = str(version.document.get("language") or "en")
        return reader_text(getattr(self, key), version=version, key=key, written_in=language)

    @property
    def reader_title(self) -> Shown:
        """The title in the reader's language (`.lang` says when it stays in another)."""
        return self._listed("title")

    @property
    def reader_summary(self) -> Shown:
        return self._listed("summary")


class ExerciseVersionQuerySet(models.QuerySet["ExerciseVersion"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableVersionError("Published versions never change; publish a new version.")


class ExerciseVersion(models.Model):
    """A published document, never changed or deleted: each response records the one it answered."""

    definition = models.ForeignKey(
        ExerciseDefinition, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    document = models.JSONField()
    # SHA-256 of the document without its version number: how the loader spots a changed file.
    content_hash = models.CharField(max_length=64)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The document's text in other languages: {"es": {"steps.3.prompt": "...", ...}}, paths as
    # in `translations.text_paths(document)`. Not part of the frozen document: a translation can
    # be added or corrected without a new version (`save_translation`).
    translations = models.JSONField(default=dict, blank=True)

    objects = ExerciseVersionQuerySet.as_manager()

    class Meta:
        ordering = ["definition", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.document.get('title', '?')} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableVersionError(
                "Published versions never change; publish a new version instead."
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableVersionError("Published versions are kept: responses refer to them.")

    @property
    def parsed(self) -> schema.ExerciseDefinition:
        """The document as the schema model, in the active language (the reader's).

        Structure, ids and option values are the English document's whatever the language, so
        answers, scoring and metrics never depend on it; only the text a person reads changes.
        """
        return self.parsed_in(None)

    @property
    def source(self) -> schema.ExerciseDefinition:
        """The English document (the source of truth), whatever the active language."""
        return self.parsed_in("en")

    def languages(self) -> list[str]:
        """The languages this version can be read in: English, then each translation."""
        return ["en", *sorted(documents_texts(self.translations))]

    def reader_title(self, language: str | None = None) -> str:
        """The title in `language` (None: the active one), without reading the whole document;
        the English title where there is no translation (`reader_title_lang` then says "en")."""
        code = base_language(language)
        translated = self.texts(code).get("title", "").strip() if code != "en" else ""
        return translated or str(self.document.get("title", ""))

    def reader_title_lang(self, language: str | None = None) -> str:
        """ "en" when `reader_title` is the English title shown to a reader of another language."""
        code = base_language(language)
        return "en" if code != "en" and not self.texts(code).get("title", "").strip() else ""

    def texts(self, language: str) -> dict[str, str]:
        return documents_texts(self.translations).get(language, {})

    def parsed_in(self, language: str | None) -> schema.ExerciseDefinition:
        """The document in `language` (None: the active one); English where it has no text."""
        code = base_language(language)
        cache: dict[str, schema.ExerciseDefinition] = self.__dict__.setdefault("_parsed", {})
        if code in cache:
            return cache[code]
        if code == "en":
            cache[code] = schema.ExerciseDefinition.model_validate(self.document)
            return cache[code]
        english = self.parsed_in("en")
        document, still_english = apply_texts(self.document, self.texts(code), code)
        document, still_english = _translate_defaults(document, still_english, code)
        try:
            result = schema.ExerciseDefinition.model_validate(document)
        except ValidationError:
            # A stored translation that no longer fits (a text too long): the reader gets English.
            logger.warning("translation %s of exercise version %s does not validate", code, self.pk)
            result = english.model_copy()
            still_english = frozenset(path for path, _text in text_paths(self.document))
        result._reader_language = code
        result._english_paths = still_english
        cache[code] = result
        return result

    def save_translation(self, language: str, texts: dict[str, str]) -> None:
        """Store (or replace) this version's text in `language`; the document stays as it is."""
        translations = dict(self.translations or {})
        if texts:
            translations[language] = dict(texts)
        else:
            translations.pop(language, None)
        # The one field of a published version that may change: past the immutability guard.
        models.QuerySet.update(
            ExerciseVersion.objects.filter(pk=self.pk), translations=translations
        )
        self.translations = translations
        self.__dict__.pop("_parsed", None)


def _translate_defaults(
    document: dict[str, Any], still_english: frozenset[str], language: str
) -> tuple[dict[str, Any], frozenset[str]]:
    """Schema defaults ("Add a row", the default emotions) in the reader's language."""
    left = set(still_english)
    with translation.override(language):
        for path in sorted(still_english):
            node: Any = document
            parts = path.split(".")
            for part in parts[:-1]:
                node = node[int(part)] if isinstance(node, list) else node[part]
            english = node.get(parts[-1]) if isinstance(node, dict) else None
            if isinstance(english, str) and english in SCHEMA_DEFAULT_TEXTS:
                shown = translation.gettext(english)
                if shown != english:
                    node[parts[-1]] = shown
                    left.discard(path)
    return document, frozenset(left)


class MediaKind(models.TextChoices):
    AUDIO = "audio", _("Audio")
    VIDEO = "video", _("Video")


def _media_path(instance: MediaFile, filename: str) -> str:
    return f"library/{instance.practice_id}/{instance.pk}{MEDIA_EXTENSIONS[instance.content_type]}"


MEDIA_EXTENSIONS: dict[str, str] = {
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/ogg": ".ogg",
    "audio/wav": ".wav",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
}


class MediaFile(models.Model):
    """An audio or video file a practice uploaded, served only to people of that practice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="media_files")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=120)
    kind = models.CharField(max_length=8, choices=MediaKind.choices)
    content_type = models.CharField(max_length=32)  # detected from the bytes, never the name
    size = models.PositiveBigIntegerField()
    file = models.FileField(upload_to=_media_path, max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        """How a media step's `source.file` names this file."""
        return str(self.pk)
