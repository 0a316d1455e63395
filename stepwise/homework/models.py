"""Homework: results of exercises (immutable `Submission` and its metric rows) and the
assignments that ask for them.

A submission is never edited in place (a correction is a new submission), so a therapist reads
exactly what was sent. An assignment asks a client (or their caregiver) to do one exercise or
assessment on a schedule. Editing the schedule adds a `ScheduleVersion` in force from a date: what
happened before keeps its occurrences. Occurrences are materialised in a rolling window, never
all at once. A `Completion` links an occurrence (or extra practice) to what was submitted; it is
unique per occurrence, which makes a double submit (two tabs, a double click) store one result.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from stepwise.assessments.models import AssessmentResponse
from stepwise.clinic.models import Client, Practice
from stepwise.homework.schedule import DatedSchedule, DueSlot, Frequency, Schedule
from stepwise.library.models import ExerciseDefinition, ExerciseVersion


class ImmutableSubmissionError(Exception):
    """Something tried to change a stored submission."""


class Mode(models.TextChoices):
    IN_SESSION = "in_session", _("In session")
    HOME = "home", _("At home")


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableSubmissionError("Submissions are never edited; submit a new one.")

    def delete(self) -> tuple[int, dict[str, int]]:
        # Only the erasure of a whole client record removes submissions (stepwise.ops.erasure).
        raise ImmutableSubmissionError("Submissions are never deleted by the application.")


class Submission(models.Model):
    """Validated, normalised answers to one exercise version, for one client."""

    # Indexed as the first column of (client, -submitted_at) below: no index of its own.
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="submissions", db_index=False
    )
    exercise_version = models.ForeignKey(
        ExerciseVersion, on_delete=models.PROTECT, related_name="submissions"
    )
    answers = models.JSONField()
    mode = models.CharField(max_length=16, choices=Mode.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    # The language the exercise was read and answered in (`settings.LANGUAGES`): the review shows
    # each prompt in it, with the reader's wording beside it when theirs differs.
    language = models.CharField(max_length=8, default="en")

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

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableSubmissionError("Submissions are never deleted by the application.")


class MetricValue(models.Model):
    """A number a definition declared as a metric, taken from a submission for progress charts."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="metric_values"
    )
    # Indexed as the first column of (client, name, recorded_at) below.
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    definition = models.ForeignKey(ExerciseDefinition, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=40)
    value = models.FloatField()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["client", "name", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class ItemKind(models.TextChoices):
    EXERCISE = "exercise", _("Exercise")
    ASSESSMENT = "assessment", _("Assessment")


class Assignee(models.TextChoices):
    CLIENT = "client", _("The client")
    CAREGIVER = "caregiver", _("Their parent or carer")


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("an assignment", "Active")
    PAUSED = "paused", pgettext_lazy("an assignment", "Paused")
    ENDED = "ended", pgettext_lazy("an assignment", "Ended")


class Assignment(models.Model):
    # Indexed as the first column of (client, status) below.
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="assignments", db_index=False
    )
    kind = models.CharField(max_length=12, choices=ItemKind.choices)
    exercise = models.ForeignKey(
        ExerciseDefinition, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    instrument_key = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=200)  # copied for lists; shown only inside the app
    assignee = models.CharField(max_length=12, choices=Assignee.choices, default=Assignee.CLIENT)
    note = models.TextField("personal note", max_length=2000, blank=True)
    reminder_time = models.TimeField(default=time(18, 0))
    hidden_from_caregiver = models.BooleanField(default=False)
    status = models.CharField(
        max_length=8, choices=AssignmentStatus.choices, default=AssignmentStatus.ACTIVE
    )
    estimated_minutes = models.PositiveSmallIntegerField(default=10)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    paused_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Occurrences exist up to this local date; the rolling window moves it forward.
    materialised_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="exercise", exercise__isnull=False)
                | Q(kind="assessment", instrument_key__gt=""),
                name="assignment_names_what_to_do",
            )
        ]

    def __str__(self) -> str:
        return f"Assignment {self.pk} ({self.kind})"

    @property
    def is_active(self) -> bool:
        return self.status == AssignmentStatus.ACTIVE


class ScheduleVersion(models.Model):
    """The schedule of an assignment from `effective_from` on (local date of the client)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="schedules")
    effective_from = models.DateField()
    frequency = models.CharField(max_length=16, choices=[(f.value, f.value) for f in Frequency])
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    max_count = models.PositiveIntegerField(null=True, blank=True)
    due = models.DateField(null=True, blank=True)
    times_per_week = models.PositiveSmallIntegerField(default=1)
    weekdays = models.CharField(max_length=13, blank=True)  # "0,2,4"
    interval_weeks = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assignment_id", "effective_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "effective_from"], name="one_schedule_version_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.frequency} from {self.effective_from}"

    def as_schedule(self) -> Schedule:
        return Schedule(
            frequency=Frequency(self.frequency),
            start=self.start,
            end=self.end,
            max_count=self.max_count,
            due=self.due,
            times_per_week=self.times_per_week,
            weekdays=frozenset(int(d) for d in self.weekdays.split(",") if d),
            interval_weeks=self.interval_weeks,
        )

    def as_dated(self) -> DatedSchedule:
        """This version as the pure schedule module sees it (`expand_versions`)."""
        return DatedSchedule(self.effective_from, self.as_schedule())


class Occurrence(models.Model):
    """What is due on which local days. Created in a rolling window by `materialise()`."""

    # Both indexed as the first column of the composite indexes below, not on their own.
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="occurrences", db_index=False
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    key = models.CharField(max_length=40)
    opens = models.DateField()
    due = models.DateField()
    ordinal = models.PositiveIntegerField()

    class Meta:
        ordering = ["opens", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "key"], name="unique_occurrence_key")
        ]
        indexes = [
            models.Index(fields=["client", "opens"]),
            models.Index(fields=["assignment", "due"]),
            # Adherence over the last days reads by due date; without it, a scan of all history.
            models.Index(fields=["client", "due"], name="occurrence_client_due"),
        ]

    def __str__(self) -> str:
        return f"Occurrence {self.key} of assignment {self.assignment_id}"

    def as_slot(self) -> DueSlot:
        """This occurrence as the pure schedule module sees it (`outcome`, summaries)."""
        return DueSlot(self.opens, self.due, self.key, self.ordinal)


class Completion(models.Model):
    """Something done for an assignment: an occurrence (at most once) or extra practice."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="completions")
    # Indexed as the first column of (client, -completed_at) below.
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="completions", db_index=False
    )
    occurrence = models.OneToOneField(
        Occurrence, null=True, blank=True, on_delete=models.PROTECT, related_name="completion"
    )
    submission = models.OneToOneField(
        Submission,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="completion",
    )
    assessment_response = models.OneToOneField(
        AssessmentResponse,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="completion",
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(default=timezone.now)
    local_date = models.DateField()  # the client's day it was done on
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-completed_at", "-id"]
        indexes = [
            models.Index(fields=["client", "-completed_at"]),
            # What waits for review, per client and newest first (the dashboard, the menu's
            # count, the inbox): a few rows, however many were reviewed over the years. There is
            # deliberately no index leading with `reviewed_at`: SQLite's statistics cannot see
            # that NULL is its most common value, and it chose such an index for "not reviewed
            # yet", reading every unreviewed completion of the practice (45 ms instead of 0.7).
            models.Index(
                fields=["client", "-completed_at"],
                condition=Q(reviewed_at__isnull=True),
                name="completion_unreviewed",
            ),
            # The review inbox's reviewed part, newest first, read in index order page by page.
            models.Index(fields=["-completed_at", "-id"], name="completion_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(submission__isnull=False) | Q(assessment_response__isnull=False),
                name="completion_has_a_result",
            )
        ]

    def __str__(self) -> str:
        return f"Completion {self.pk}"

    @property
    def is_extra(self) -> bool:
        return self.occurrence_id is None


class Feedback(models.Model):
    """The therapist's note on a completion; the client sees it on their "done" list."""

    completion = models.ForeignKey(Completion, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Feedback {self.pk}"


class HomeworkPlan(models.Model):
    """A reusable bundle ("week 1 of panic treatment"): items with their default schedules."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    shared_with_practice = models.BooleanField(default=False)
    # [{"kind", "exercise_id" | "instrument_key", "frequency", "times_per_week", "weekdays",
    #   "interval_weeks", "duration_days"}]
    items = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def weekdays_text(days: frozenset[int]) -> str:
    return ",".join(str(d) for d in sorted(days))


def today_for(client: Client) -> date:
    from stepwise.lib.tz import local_today

    return local_today(client.time_zone, timezone.now())


class Draft(models.Model):
    """What someone typed into a homework item so far, saved as they go (the browser's form data).

    Deleted when the item is handed in; a fresh form on another device starts from it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="drafts")
    slot = models.CharField(max_length=20)  # the occurrence's id, or "extra" for extra practice
    data = models.JSONField()  # {field name: [values]}
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "assignment", "slot"], name="one_draft_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"Draft {self.pk}"
