"""Instruments as versioned data, a practice's choices about them, responses, scores and alerts.

Published definitions and submitted responses are never changed in place (SECURITY.md 16): a new
definition is a new `InstrumentVersion`, and a recomputed score is a new `ScoreRevision` row next
to the response, which keeps the score it was given at submission.
"""

from __future__ import annotations

import json
from datetime import timedelta
from functools import cached_property
from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stepwise.clinic.models import Client, Practice
from stepwise.library.models import ExerciseVersion

CATEGORIES = (
    "depression",
    "anxiety",
    "trauma",
    "well-being and stress",
    "child and family",
    "substance use",
    "suicide risk screening",
)
# How each category is named on a page (the stored value stays the English key).
CATEGORY_LABELS = {
    "depression": _("depression"),
    "anxiety": _("anxiety"),
    "trauma": _("trauma"),
    "well-being and stress": _("well-being and stress"),
    "child and family": _("child and family"),
    "substance use": _("substance use"),
    "suicide risk screening": _("suicide risk screening"),
}
RESPONDENTS = {
    "self": _("The client"),
    "caregiver": _("A parent or caregiver"),
    "clinician": _("The clinician asks the client, in session"),
}


class ImmutableError(Exception):
    """A published definition, a submitted response or a stored score cannot be changed."""


class ImmutableQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise ImmutableError(f"{self.model.__name__} rows are never changed in place.")

    def delete(self) -> NoReturn:
        raise ImmutableError(f"{self.model.__name__} rows are never deleted by the application.")


class ResponseQuerySet(ImmutableQuerySet):
    def with_revisions(self) -> ResponseQuerySet:
        """Responses with their instrument version and their score revisions (each with its
        own version), in two queries: what `results.current_score` reads. The versions'
        definition text is left out (`catalog.definition_of` parses it once per content)."""
        return (
            self.select_related("instrument")
            .defer("instrument__definition_text")
            .prefetch_related(
                models.Prefetch(
                    "revisions",
                    queryset=ScoreRevision.objects.select_related("instrument").defer(
                        "instrument__definition_text"
                    ),
                )
            )
        )


class ImmutableModel(models.Model):
    """Rows are written once: saving an existing row or deleting one raises `ImmutableError`."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError(f"{type(self).__name__} rows are never changed in place.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImmutableError(f"{type(self).__name__} rows are never deleted by the application.")


class InstrumentSource(models.TextChoices):
    SHIPPED = "shipped", _("Shipped with Stepwise")
    IMPORTED = "imported", _("Imported by the practice")


class InstrumentVersion(ImmutableModel):
    """One published version of an instrument definition (the file's JSON text, kept whole).

    Shipped instruments belong to no practice; an imported one belongs to the practice that
    imported it and is visible to nobody else. `key` is the file's `id` (``phq9``).
    """

    key = models.CharField(max_length=40)
    version = models.PositiveIntegerField()
    # The text as published, not a JSON column: PostgreSQL's jsonb would reorder the keys, and
    # the order of subscales and bands is part of how the instrument is shown.
    definition_text = models.TextField()
    content_hash = models.CharField(max_length=64)
    source = models.CharField(max_length=10, choices=InstrumentSource.choices)
    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Copied out of the definition so lists need not load and parse it.
    name = models.CharField(max_length=200)
    abbreviation = models.CharField(max_length=40)
    category = models.CharField(max_length=40)
    respondent = models.CharField(max_length=20)
    enabled_by_default = models.BooleanField()

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "version"],
                condition=Q(practice__isnull=True),
                name="unique_shipped_instrument_version",
            ),
            models.UniqueConstraint(
                fields=["practice", "key", "version"],
                condition=Q(practice__isnull=False),
                name="unique_imported_instrument_version",
            ),
            models.CheckConstraint(
                condition=Q(source="shipped", practice__isnull=True)
                | Q(source="imported", practice__isnull=False),
                name="imported_instruments_belong_to_a_practice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.abbreviation} v{self.version}"

    @cached_property
    def definition(self) -> dict[str, Any]:
        """The definition as a mapping, in the order the file gives it."""
        data: dict[str, Any] = json.loads(self.definition_text)
        return data

    @property
    def label(self) -> str:
        """The one way a questionnaire is named in a list: "PHQ-9: Patient Health Questionnaire"."""
        return f"{self.abbreviation}: {self.name}"

    @property
    def licence(self) -> str:
        return str(self.definition.get("license", ""))

    @property
    def population(self) -> str:
        return str(self.definition.get("population", ""))

    @property
    def respondent_label(self) -> str:
        return str(RESPONDENTS.get(self.respondent, self.respondent))

    @property
    def is_caregiver_report(self) -> bool:
        return self.respondent == "caregiver"

    @property
    def in_session_only(self) -> bool:
        """Asked aloud by a clinician in session and never sent as homework (ASQ)."""
        return self.respondent == "clinician"


class PracticeInstrument(models.Model):
    """A practice's choice to switch an instrument on or off, and who confirmed its licence."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)
    enabled = models.BooleanField()
    licence_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    licence_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The practice's screening cut-off, where the instrument's file says to make it configurable
    # (SMFQ; PCL-5 within 31-33); null = the file's own.
    cutoff = models.PositiveSmallIntegerField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "key"], name="unique_practice_instrument")
        ]

    def __str__(self) -> str:
        return f"{self.key} {'on' if self.enabled else 'off'} in practice {self.practice_id}"


DEFAULT_ESCALATION_HOURS = 24
MAX_ESCALATION_HOURS = 168  # a week: longer would leave a critical answer unseen too long
REPEAT_ESCALATION = timedelta(days=1)


class PracticeAssessmentSettings(models.Model):
    """Per-practice settings for assessments: the crisis message and alert emails."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="+")
    # The practice's own words, shown instead of the defaults for the client's country (blank:
    # the defaults, stepwise/assessments/crisis.py). The youth one is for clients under 18.
    crisis_message = models.TextField(max_length=2000, blank=True)
    youth_crisis_message = models.TextField(max_length=2000, blank=True)
    email_alerts = models.BooleanField(default=True)
    # An alert nobody has acknowledged this long after it was raised goes to the practice's
    # admins, and again every day after that until someone acknowledges it.
    escalate_after_hours = models.PositiveSmallIntegerField(
        default=DEFAULT_ESCALATION_HOURS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ESCALATION_HOURS)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Assessment settings of practice {self.practice_id}"


class Mode(models.TextChoices):
    HOME = "home", _("At home")
    IN_SESSION = "in_session", _("In session")


class Respondent(models.TextChoices):
    CLIENT = "client", _("Client")
    CAREGIVER = "caregiver", _("Parent or caregiver")


class AssessmentResponse(ImmutableModel):
    """A completed questionnaire with the score it was given at submission. Written once."""

    # Indexed as the first column of (client, submitted_at) below.
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="assessment_responses", db_index=False
    )
    instrument = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="responses"
    )
    # Option values in item order, null where an item was left blank (where the rules allow it).
    answers = models.JSONField()
    # Unscored extra questions (PHQ-9's difficulty question), by their id.
    supplementary = models.JSONField(default=dict, blank=True)
    # Item numbers never asked because their gate stayed shut (ASQ item 5 after a negative
    # screen): null in `answers` like a refusal, but recorded as not asked.
    not_asked = models.JSONField(default=list, blank=True)
    # Only where the bands depend on it (AUDIT-C).
    sex = models.CharField(max_length=10, blank=True)
    # The language the questionnaire was shown in ("en", or an official translation's "es")
    # and the exact wording: "phq9.es.9b11374cfdbc" (id, language, start of the text's
    # SHA-256; see `wording.py`). Blank on responses stored before languages were recorded.
    language = models.CharField(max_length=10, blank=True)
    wording_version = models.CharField(max_length=80, blank=True)
    total = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    band = models.CharField(max_length=200, blank=True)
    subscales = models.JSONField(default=dict, blank=True)
    subscale_bands = models.JSONField(default=dict, blank=True)
    critical_items = models.JSONField(default=list, blank=True)
    supplementary_alerts = models.JSONField(default=list, blank=True)
    administered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField(max_length=12, choices=Mode.choices)
    respondent = models.CharField(max_length=12, choices=Respondent.choices)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects: ClassVar[models.Manager[AssessmentResponse]] = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "id"]
        indexes = [models.Index(fields=["client", "submitted_at"])]

    def __str__(self) -> str:
        return f"Response {self.pk} ({self.instrument})"


class ScoreRevision(ImmutableModel):
    """A score recomputed later (`rescore_responses`), stored beside the original, never over it.

    The newest revision of a response is its current score; the response keeps the first one.
    """

    response = models.ForeignKey(
        AssessmentResponse, on_delete=models.PROTECT, related_name="revisions"
    )
    instrument = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    band = models.CharField(max_length=200, blank=True)
    subscales = models.JSONField(default=dict, blank=True)
    subscale_bands = models.JSONField(default=dict, blank=True)
    critical_items = models.JSONField(default=list, blank=True)
    supplementary_alerts = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=200)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["response_id", "id"]

    def __str__(self) -> str:
        return f"Revision {self.pk} of response {self.response_id}"


class Alert(models.Model):
    """A critical answer waiting for the care team: acknowledged once, with a note.

    Raised by a questionnaire (`response`) or by an exercise's alert rules (`exercise_version`
    and the homework submission's id), never both.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="assessment_alerts")
    response = models.ForeignKey(
        AssessmentResponse, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    exercise_version = models.ForeignKey(
        ExerciseVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The homework submission that fired the rules: a plain id, because homework sits above
    # assessments (DESIGN.md's dependency direction); erasure removes alerts by client.
    submission_id = models.BigIntegerField(null=True, blank=True)
    # For a questionnaire: item numbers and supplementary question ids whose rule fired.
    # For an exercise: {"step", "field", "value"} of each rule that fired.
    items = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(max_length=2000, blank=True)
    # When the practice's admins are next told that nobody has acknowledged it (the practice's
    # escalation time after it was raised, then daily); claimed by compare-and-set.
    escalate_at = models.DateTimeField(null=True, blank=True)
    escalation_count = models.PositiveIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # Set when the admins were told: by escalation, or at once when no one on the care team
    # would have been (alert emails off, no active therapist). Lists the alert on their page.
    admins_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client", "acknowledged_at"]),
            models.Index(
                fields=["escalate_at"],
                condition=Q(acknowledged_at__isnull=True),
                name="alert_escalation_due",
            ),
            models.Index(
                fields=["submission_id"],
                condition=Q(submission_id__isnull=False),
                name="alert_by_exercise_submission",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(response__isnull=False, exercise_version__isnull=True)
                | Q(response__isnull=True, exercise_version__isnull=False),
                name="alert_from_a_questionnaire_or_an_exercise",
            )
        ]

    def __str__(self) -> str:
        return f"Alert {self.pk} for client {self.client_id}"


class SharedResults(models.Model):
    """The therapist's choice to show a client (and their linked carers) their questionnaire
    results on their own progress page. A row means shared; removing it stops sharing."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="+")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Results shared with client {self.client_id}"


class EpisodeStart(models.Model):
    """A therapist's decision that a new episode of care begins for one instrument: the client's
    next response to it becomes the baseline for reliable change and recovery.

    Rows are only ever added (the newest per client and instrument applies); with who, when and
    why, they are the record of each reset.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    instrument_key = models.CharField(max_length=40)
    starts_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["client_id", "instrument_key", "-starts_at", "-id"]
        indexes = [models.Index(fields=["client", "instrument_key", "-starts_at"])]

    def __str__(self) -> str:
        return f"New {self.instrument_key} episode for client {self.client_id}"
