"""The demo practice: a history worth showing, written as the application writes, the same rows
every run."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO
from typing import Any

import time_machine
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client as HttpClient

from stepwise.accounts.models import User
from stepwise.assessments.actions import rescore_response
from stepwise.assessments.models import Alert, AssessmentResponse, ScoreRevision
from stepwise.assessments.scoring import RELIABLE_IMPROVEMENT
from stepwise.clinic.demo import DEMO_PASSWORD, load_demo
from stepwise.clinic.models import CaregiverLink, Client, Practice
from stepwise.homework.models import (
    Assignment,
    Completion,
    Feedback,
    MetricValue,
    Occurrence,
    ScheduleVersion,
    Submission,
)
from stepwise.library.responses import extract_metrics, validate_response
from stepwise.progress.client_progress import metric_series, score_results
from stepwise.progress.models import ClientFigures
from stepwise.reminders.models import Reminder, State

MAIN_CLIENTS = ("Jordan", "Priya", "Leo", "Mia", "Oliver", "Sky", "Taylor", "Casey")


def _sign_in(email: str) -> HttpClient:
    browser = HttpClient()
    browser.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
    return browser


def test_the_demo_practice_shows_twelve_weeks_of_history(db: None) -> None:
    load_demo()
    clients = {c.display_name: c for c in Client.objects.all()}
    assert set(MAIN_CLIENTS) <= set(clients)
    # A client shared by two therapists, and two parents of minor clients.
    assert clients["Mia"].therapists.count() == 2
    assert CaregiverLink.objects.filter(client__is_minor=True).count() == 2

    for name in MAIN_CLIENTS:
        client = clients[name]
        series = [s for _, found in metric_series(client, None).values() for s in found]
        scores = [len(r.rows) for r in score_results(client, "Europe/London")]
        longest = max([len(s.values) for s in series] + scores)
        assert longest >= 6, f"{name}'s longest chart has {longest} points"
        first = Completion.objects.filter(client=client).order_by("local_date").first()
        as_of = client.figures.as_of
        assert first is not None
        assert as_of is not None
        assert (as_of - first.local_date).days >= 70

    # PHQ-9 falling with a reliable improvement; PCL-5's cut-off change left a score revision.
    jordan_phq9 = next(r for r in score_results(clients["Jordan"], "UTC") if r.rows)
    assert jordan_phq9.rows[-1].change is not None
    assert jordan_phq9.rows[-1].change.verdict == RELIABLE_IMPROVEMENT
    assert ScoreRevision.objects.filter(response__client=clients["Taylor"]).count() >= 1
    # One alert acknowledged long ago, one open today (Casey, not on track).
    assert Alert.objects.filter(acknowledged_at__isnull=False, client=clients["Jordan"]).exists()
    open_alert = Alert.objects.get(acknowledged_at__isnull=True)
    assert open_alert.client == clients["Casey"]
    casey = [r.total for r in AssessmentResponse.objects.filter(client=clients["Casey"])]
    assert len(casey) >= 6
    assert max(casey) - min(casey) <= 2
    # Reviewed and unreviewed results, feedback, reminders sent and still to come.
    assert Completion.objects.filter(reviewed_at__isnull=True).count() >= 5
    assert Completion.objects.filter(reviewed_at__isnull=False).count() >= 300
    assert Feedback.objects.count() >= 20
    assert Reminder.objects.filter(state=State.SENT).count() >= 100
    assert Reminder.objects.filter(state=State.PENDING).count() >= 50
    # The dashboard's stored figures are current.
    figures = ClientFigures.objects.filter(client__in=clients.values())
    assert figures.count() == len(clients)
    assert all(f.fresh_version == f.version and f.as_of is not None for f in figures)


def test_the_demo_logins_land_on_pages_with_history(db: None) -> None:
    load_demo()
    jordan = _sign_in("jordan@demo.stepwise.test")
    home = jordan.get("/me/").content.decode()
    assert "Nice to see the walk helping" in home
    assert "Daily mood check-in" in home
    progress = jordan.get("/me/progress/").content.decode()
    assert "<svg" in progress
    assert "PHQ-9" in progress
    chris = _sign_in("chris@demo.stepwise.test")
    assert "Mia" in chris.get("/me/").content.decode()
    assert "<svg" in chris.get("/me/progress/").content.decode()


def test_the_demo_history_holds_what_the_actions_would_have_written(db: None) -> None:
    load_demo()
    # Every stored score is the scorer's: rescoring finds nothing to change.
    for response in AssessmentResponse.objects.all():
        assert rescore_response(response, use_newest_version=False) is None
    # Every submission is its validated answers, with the metrics the definition declares.
    for submission in Submission.objects.select_related("exercise_version").prefetch_related(
        "metric_values"
    ):
        definition = submission.exercise_version.parsed
        validated = validate_response(definition, submission.answers)
        assert validated.answers == submission.answers
        stored = {m.name: m.value for m in submission.metric_values.all()}
        assert stored == extract_metrics(definition, validated)
        assert all(m.recorded_at == submission.submitted_at for m in submission.metric_values.all())
    # Each completion answers an occurrence of its own assignment, done on a day it was open.
    for completion in Completion.objects.select_related("occurrence"):
        assert completion.occurrence is not None
        assert completion.occurrence.assignment_id == completion.assignment_id
        assert completion.occurrence.opens <= completion.local_date
        assert completion.reviewed_at is None or completion.reviewed_at > completion.completed_at
    # No reminder was sent for homework already done, and none is still waiting in the past.
    done = dict(
        Completion.objects.filter(occurrence__isnull=False).values_list(
            "occurrence_id", "completed_at"
        )
    )
    for reminder in Reminder.objects.filter(state=State.SENT, occurrence__isnull=False):
        assert reminder.occurrence_id is not None
        finished = done.get(reminder.occurrence_id)
        assert finished is None or finished > reminder.send_at


COMPARED: list[type[models.Model]] = [
    Client,
    Assignment,
    ScheduleVersion,
    Occurrence,
    Submission,
    MetricValue,
    Completion,
    Feedback,
    AssessmentResponse,
    ScoreRevision,
    Alert,
    Reminder,
    ClientFigures,
]
# Columns made of ids (a reminder's key names its occurrence) or of fresh randomness.
SKIPPED = {"key", "provider_id", "unsubscribe_salt", "unsubscribe_token_hash"}


def _rows() -> dict[str, list[dict[str, Any]]]:
    """Every compared row, oldest first, with ids replaced by positions in their table (people
    by their email address)."""
    indexed: list[type[models.Model]] = [*COMPARED, Practice]
    position: dict[Any, dict[Any, Any]] = {
        model: {
            pk: n
            for n, pk in enumerate(
                model._default_manager.order_by("pk").values_list("pk", flat=True)
            )
        }
        for model in indexed
    }
    position[User] = dict(User.objects.values_list("pk", "email"))
    found: dict[str, list[dict[str, Any]]] = {}
    for model in COMPARED:
        rows = []
        for obj in model._default_manager.order_by("pk"):
            row: dict[str, Any] = {}
            for field in model._meta.concrete_fields:
                if field.name in SKIPPED:
                    continue
                value = getattr(obj, field.attname)
                target = field.related_model if field.is_relation else model
                if (field.primary_key or field.is_relation) and target in position:
                    value = position[target].get(value, value)
                row[field.name] = value
            rows.append(row)
        found[model.__name__] = rows
    return found


def test_two_loads_write_the_same_rows(db: None) -> None:
    moment = datetime(2026, 12, 7, 11, 15, tzinfo=UTC)
    dumps = []
    for _ in range(2):
        with time_machine.travel(moment, tick=False), transaction.atomic():
            call_command("loaddemo", stdout=StringIO())
            dumps.append(_rows())
            transaction.set_rollback(True)
    first, second = dumps
    assert sum(len(rows) for rows in first.values()) > 5000
    for name in first:
        assert first[name] == second[name], name
