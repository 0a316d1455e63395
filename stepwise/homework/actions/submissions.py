"""Every write of responses goes through here: the web form, the API and the tests share it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from stepwise.accounts.models import User
from stepwise.assessments.actions import raise_alert
from stepwise.assessments.models import Alert
from stepwise.clinic.models import Client
from stepwise.homework.models import MetricValue, Mode, Submission
from stepwise.homework.signals import submission_made
from stepwise.lib.language import base_language
from stepwise.library.models import ExerciseVersion
from stepwise.library.responses import extract_metrics, fired_alert_rules, validate_response


def submit_exercise(
    *,
    client: Client,
    version: ExerciseVersion,
    data: Mapping[str, Any],
    mode: Mode | str,
    submitted_by: User | None,
    submitted_at: datetime | None = None,
    language: str | None = None,
) -> Submission:
    """Validate `data` (an answer dict, e.g. from `parse_form`) and store it with its metrics;
    raise an alert when the answers meet one of the exercise's alert rules.

    Raises `ResponseErrors` when the answers do not fit the version; nothing is stored then.
    The submission, its metric rows and any alert are written in one transaction.
    `language`: the one the exercise was answered in (the page's); None: the client's.
    """
    definition = version.parsed
    validated = validate_response(definition, data)
    metrics = extract_metrics(definition, validated)
    when = submitted_at or timezone.now()
    with transaction.atomic():
        submission = Submission.objects.create(
            client=client,
            exercise_version=version,
            answers=validated.answers,
            mode=Mode(mode),
            submitted_by=submitted_by,
            submitted_at=when,
            language=base_language(language or client.language),
        )
        MetricValue.objects.bulk_create(
            MetricValue(
                submission=submission,
                client=client,
                definition_id=version.definition_id,
                name=name,
                value=value,
                recorded_at=when,
            )
            for name, value in metrics.items()
        )
        fired = fired_alert_rules(definition, validated.answers)
        if fired:
            # The same alert, queue, emails and escalation as a questionnaire's critical item.
            raise_alert(client, fired, exercise_version=version, submission_id=submission.pk)
        submission_made.send(Submission, submission=submission)
    return submission


def raised_alert(submission: Submission) -> bool:
    """Whether this submission met one of its exercise's alert rules (one indexed query)."""
    return Alert.objects.filter(submission_id=submission.pk).exists()
