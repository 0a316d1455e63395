"""Responses to exercises: one immutable `Submission` per completion, and its metric rows.

The homework issue adds assignments and occurrences around these; a submission is never edited in
place (a correction is a new submission), so a therapist reads exactly what was sent.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from stepwise.clinic.models import Client
from stepwise.library.models import ExerciseDefinition, ExerciseVersion


class ImmutableSubmissionError(Exception):
    """Something tried to change a stored submission."""


class Mode(models.TextChoices):
    IN_SESSION = "in_session", "In session"
    HOME = "home", "At home"


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableSubmissionError("Submissions are never edited; submit a new one.")


class Submission(models.Model):
    """Validated, normalised answers to one exercise version, for one client."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="submissions")
    exercise_version = models.ForeignKey(
        ExerciseVersion, on_delete=models.PROTECT, related_name="submissions"
    )
    answers = models.JSONField()
    mode = models.CharField(max_length=16, choices=Mode.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["client", "-submitted_at"])]

    def __str__(self) -> str:
        return f"Submission {self.pk} ({self.get_mode_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableSubmissionError("Submissions are never edited; submit a new one.")
        super().save(*args, **kwargs)


class MetricValue(models.Model):
    """A number a definition declared as a metric, taken from a submission for progress charts."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="metric_values"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    definition = models.ForeignKey(ExerciseDefinition, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=40)
    value = models.FloatField()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["client", "name", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
