"""One client's events turned into rows with explicit ids, for a writer of `bench.load`."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bench.content import Instrument, Scored

if TYPE_CHECKING:
    from bench.generate import Generator, Segment
    from bench.load import Writer

FEEDBACK = (
    "Well done for keeping this up.",
    "Great noticing here - let's look at this together next time.",
    "This is real progress. Keep going!",
    "Thanks for writing this down; it will help us in our session.",
    "Nice work. Try it at a different time of day this week too.",
)

# What the generator writes with explicit ids, per model, in foreign-key order.
COLUMNS = {
    "homework.Assignment": (
        "id client kind exercise instrument_key title assignee note reminder_time "
        "hidden_from_caregiver status estimated_minutes created_by created_at paused_at "
        "ended_at materialised_until"
    ),
    "homework.ScheduleVersion": (
        "id assignment effective_from frequency start end max_count due times_per_week "
        "weekdays interval_weeks created_at"
    ),
    "homework.Occurrence": "id assignment client key opens due ordinal",
    "homework.Submission": (
        "id client exercise_version answers mode submitted_by submitted_at language"
    ),
    "homework.MetricValue": "id submission client definition name value recorded_at",
    "assessments.AssessmentResponse": (
        "id client instrument answers supplementary sex total band subscales subscale_bands "
        "critical_items supplementary_alerts not_asked administered_by mode respondent "
        "submitted_at language wording_version"
    ),
    "assessments.Alert": (
        "id client response items created_at acknowledged_by acknowledged_at note "
        "escalate_at escalation_count escalated_at admins_told_at"
    ),
    "homework.Completion": (
        "id assignment client occurrence submission assessment_response completed_by "
        "completed_at local_date reviewed_at reviewed_by"
    ),
    "homework.Feedback": "id completion author text created_at",
    "reminders.Reminder": (
        "id client occurrence feedback kind channel key send_at state attempts lease_until "
        "lease_token provider_id last_error skip_reason sent_at created_at"
    ),
}


# Ids come in blocks, one per table for each client on each day of the history: the id of the
# n-th row of a table made for client c on day d is base + (d * clients + c) * STRIDE + n + 1.
# A row's id is then the same whichever process makes it and however many there are, and ids
# grow with time, interleaved across clients, as the app would have written them (with gaps,
# as sequences leave). A stride is well above what one client hands in on one day; going past
# it stops the generator.
TABLES = {  # the short names used below, in foreign-key order as COLUMNS
    "assignment": "homework.Assignment",
    "schedule": "homework.ScheduleVersion",
    "occurrence": "homework.Occurrence",
    "submission": "homework.Submission",
    "metric": "homework.MetricValue",
    "response": "assessments.AssessmentResponse",
    "alert": "assessments.Alert",
    "completion": "homework.Completion",
    "feedback": "homework.Feedback",
    "reminder": "reminders.Reminder",
}
STRIDES = {
    "assignment": 8,
    "schedule": 8,
    "occurrence": 16,
    "submission": 32,
    "metric": 256,
    "response": 8,
    "alert": 8,
    "completion": 64,
    "feedback": 64,
    "reminder": 16,
}


class ClientRows:
    """Turns one client's events into rows of a writer."""

    def __init__(
        self,
        generator: Generator,
        writer: Writer,
        index: int,
        client: Any,
        therapist: Any,
        zone: ZoneInfo,
        rng: random.Random,
    ) -> None:
        self.g = generator
        self.writer = writer
        self.index = index
        self.block = index  # (day number * clients + index): set by the generator each day
        self.used: dict[str, int] = {}  # table: ids of the block used
        self.client = client
        self.therapist = therapist
        self.zone = zone
        self.rng = rng
        from django.apps import apps

        self.m = {name: apps.get_model(label) for name, label in TABLES.items()}
        self.rows = {name: writer.buffers[model] for name, model in self.m.items()}
        self.ids = {name: (generator.bases[name], STRIDES[name]) for name in TABLES}

    def start_day(self, number: int) -> None:
        self.block = number * self.g.size.clients + self.index
        if self.used:
            self.used = {}

    def _id(self, name: str, count: int = 1) -> int:
        """The next id of the table (the first of `count` in a row)."""
        used = self.used.get(name, 0)
        base, stride = self.ids[name]
        if used + count > stride:
            raise RuntimeError(
                f"Client {self.index} has more than {stride} {name} rows on one day: "
                "raise bench.rows.STRIDES."
            )
        self.used[name] = used + count
        return base + self.block * stride + used + 1

    def _add(self, name: str, row: tuple[Any, ...]) -> None:
        self.rows[name].append(row)

    def assignment(self, segment: Segment, last: date) -> int:
        g, writer = self.g, self.writer
        assignment_id = self._id("assignment")
        created = g.local(segment.start, 10, 0, self.zone)
        active = segment.end is None
        if segment.kind == "exercise":
            exercise = g.exercises[segment.item]
            exercise_id, key, title, minutes = (
                exercise.definition_id,
                "",
                exercise.title,
                exercise.minutes,
            )
        else:
            instrument = g.instruments[segment.item]
            exercise_id, key, title, minutes = None, segment.item, instrument.abbreviation, 5
        ended = None
        if not active:
            assert segment.end is not None
            ended = min(g.local(segment.end + timedelta(days=1), 9, 0, self.zone), g.now)
        self._add(
            "assignment",
            (
                assignment_id,
                self.client.pk,
                segment.kind,
                exercise_id,
                key,
                title,
                "client",
                "",
                time(18, 0) if writer.postgres else "18:00:00",
                False,
                "active" if active else "ended",
                minutes,
                self.therapist.pk,
                writer.when(created),
                None,
                writer.when(ended),
                writer.day(last),
            ),
        )
        self._add(
            "schedule",
            (
                self._id("schedule"),
                assignment_id,
                writer.day(segment.start),
                segment.frequency,
                writer.day(segment.start),
                None,
                None,
                None,
                segment.times_per_week,
                "",
                segment.interval_weeks,
                writer.when(created),
            ),
        )
        return assignment_id

    def occurrence(self, assignment_id: int, occurrence: Any) -> int:
        occurrence_id = self._id("occurrence")
        writer = self.writer
        self._add(
            "occurrence",
            (
                occurrence_id,
                assignment_id,
                self.client.pk,
                occurrence.key,
                writer.day(occurrence.opens),
                writer.day(occurrence.due),
                occurrence.ordinal,
            ),
        )
        return occurrence_id

    def exercise_done(
        self,
        assignment_id: int,
        occurrence_id: int | None,
        slug: str,
        done_at: datetime,
        done_day: date,
    ) -> None:
        """`done_at` (UTC) falls on the client's local day `done_day`."""
        exercise = self.g.exercises[slug]
        answers, metrics = self.rng.choice(exercise.variants)
        submission_id = self._id("submission")
        when = self.writer.when(done_at)
        self._add(
            "submission",
            (
                submission_id,
                self.client.pk,
                exercise.version_id,
                answers,
                "home",
                self.client.user_id,
                when,
                "en",
            ),
        )
        first = self._id("metric", len(metrics))
        client_id, definition_id = self.client.pk, exercise.definition_id
        self.rows["metric"].extend(
            [
                (first + n, submission_id, client_id, definition_id, name, value, when)
                for n, (name, value) in enumerate(metrics)
            ],
        )
        self.completion(assignment_id, occurrence_id, submission_id, None, done_at, done_day)

    def assessment_done(
        self,
        assignment_id: int,
        occurrence_id: int,
        instrument: Instrument,
        scored: Scored,
        done_at: datetime,
        done_day: date,
    ) -> None:
        writer = self.writer
        response_id = self._id("response")
        self._add(
            "response",
            (
                response_id,
                self.client.pk,
                instrument.version_id,
                scored.answers,
                "{}",
                "",
                writer.decimal(scored.total),
                scored.band,
                scored.subscales,
                scored.subscale_bands,
                scored.critical_items,
                "[]",
                "[]",  # not_asked: every generated questionnaire is answered in full
                None,
                "home",
                "client",
                writer.when(done_at),
                "en",  # answered in English, in the shipped wording
                instrument.wording_version,
            ),
        )
        if scored.has_alert:
            seen = done_at + timedelta(hours=self.rng.randint(2, 20))
            acknowledged = seen < self.g.now - timedelta(days=10)
            self._add(
                "alert",
                (
                    self._id("alert"),
                    self.client.pk,
                    response_id,
                    scored.critical_items,
                    writer.when(done_at),
                    self.therapist.pk if acknowledged else None,
                    writer.when(seen) if acknowledged else None,
                    "Called the client; safety plan reviewed." if acknowledged else "",
                    # An open alert is due for escalation a day after it was raised (the
                    # default escalation time); the worker's first sweep escalates it.
                    None if acknowledged else writer.when(done_at + timedelta(hours=24)),
                    0,
                    None,
                    None,
                ),
            )
        self.completion(assignment_id, occurrence_id, None, response_id, done_at, done_day)

    def completion(
        self,
        assignment_id: int,
        occurrence_id: int | None,
        submission_id: int | None,
        response_id: int | None,
        done_at: datetime,
        done_day: date,
    ) -> None:
        writer, now, rng = self.writer, self.g.now, self.rng
        age = now - done_at
        reviewed_at = None
        if age > timedelta(days=4):
            if rng.random() < 0.97:
                reviewed_at = done_at + timedelta(hours=rng.randint(12, 96))
        elif age > timedelta(days=1) and rng.random() < 0.5:
            reviewed_at = done_at + timedelta(hours=rng.randint(12, 24))
        if reviewed_at is not None and reviewed_at > now:
            reviewed_at = now - timedelta(minutes=rng.randint(1, 600))
        completion_id = self._id("completion")
        self._add(
            "completion",
            (
                completion_id,
                assignment_id,
                self.client.pk,
                occurrence_id,
                submission_id,
                response_id,
                self.client.user_id,
                writer.when(done_at),
                writer.day(done_day),
                writer.when(reviewed_at),
                self.therapist.pk if reviewed_at else None,
            ),
        )
        if reviewed_at is not None and rng.random() < 0.06:
            self._add(
                "feedback",
                (
                    self._id("feedback"),
                    completion_id,
                    self.therapist.pk,
                    rng.choice(FEEDBACK),
                    writer.when(reviewed_at),
                ),
            )

    def reminder(self, occurrence_id: int, day: date, done_at: datetime | None) -> None:
        """The "due" email of an occurrence: sent, not needed (done first), or still to come."""
        send_at, sent_when, created_when = self.g.evening(day, self.zone)
        if send_at > self.g.now:
            state, sent_at, skip = "pending", None, ""
        elif done_at is not None and done_at <= send_at:
            state, sent_at, skip = "skipped", None, "done"
        else:
            state, sent_at, skip = "sent", sent_when, ""
        self._add(
            "reminder",
            (
                self._id("reminder"),
                self.client.pk,
                occurrence_id,
                None,
                "due",
                "email",
                f"occ:{occurrence_id}:email:due",
                self.writer.when(send_at),
                state,
                1 if state == "sent" else 0,
                None,
                "",
                "",
                "",
                skip,
                sent_at,
                created_when,
            ),
        )
