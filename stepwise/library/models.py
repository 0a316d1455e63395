"""Exercise definitions in the database: a definition, its immutable versions, and media files.

A definition row holds what may change (who sees it, the builder's draft, catalogue fields copied
from the latest version for cheap listing); each published `ExerciseVersion` is a frozen document
that responses point at, so an answer can always be read against the questions it answered.
"""

from __future__ import annotations

import uuid
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from stepwise.clinic.models import Practice
from stepwise.library import schema


class ImmutableVersionError(Exception):
    """Something tried to change or delete a published version."""


class Visibility(models.TextChoices):
    PRIVATE = "private", "Only me"
    PRACTICE = "practice", "Everyone in my practice"
    SHIPPED = "shipped", "Stepwise library"


CATEGORY_LABELS: dict[str, str] = {
    schema.Category.RELAXATION: "Relaxation",
    schema.Category.SOCIAL_SKILLS: "Social skills",
    schema.Category.PARENT_CHILD: "Parent-child activities",
    schema.Category.PARENTING_VIDEOS: "Parenting videos",
    schema.Category.EXPOSURE: "Exposure",
    schema.Category.COGNITIVE: "Cognitive",
    schema.Category.AFFECT_EMOTION: "Affect and emotion",
    schema.Category.BEHAVIOURAL: "Behavioural activation and self-monitoring",
}
AUDIENCE_LABELS: dict[str, str] = {
    schema.Audience.ADULT: "Adults",
    schema.Audience.CHILD: "Children",
    schema.Audience.CAREGIVER: "Parents and carers",
}


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
        return [AUDIENCE_LABELS.get(a, a) for a in self.audience_list]

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)

    @property
    def has_unpublished_draft(self) -> bool:
        return self.draft is not None


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

    @cached_property
    def parsed(self) -> schema.ExerciseDefinition:
        """The document as the schema model (validated when it was published)."""
        return schema.ExerciseDefinition.model_validate(self.document)


class MediaKind(models.TextChoices):
    AUDIO = "audio", "Audio"
    VIDEO = "video", "Video"


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
