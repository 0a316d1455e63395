"""Helpers for the assessment app's tests: stored instrument versions and quick submissions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from django.test import Client as HttpClient

from stepwise.assessments import actions, catalog
from stepwise.assessments.models import AssessmentResponse
from stepwise.clinic.models import Client
from tests.factories import shipped_instrument as shipped

PHQ9_MODERATE = [2, 2, 2, 2, 2, 2, 1, 1, 0]  # total 14, "Moderate", item 9 not endorsed
PHQ9_CRITICAL = [1, 1, 1, 1, 1, 1, 1, 1, 2]  # total 10, item 9 = 2


def results_url(client: Client, key: str) -> str:
    """The results page for an instrument, named by its current version's id as the app links it."""
    available = catalog.find_available(client.practice_id, key)
    assert available is not None, f"{key} is not available to the client's practice"
    return f"/clients/{client.pk}/assessments/{available.version.pk}/"


def submit(
    client: Client, key: str, answers: Sequence[int | None], **kwargs: Any
) -> actions.Submission:
    return actions.submit_assessment(
        client=client, instrument=shipped(key), answers=list(answers), **kwargs
    )


def phq9_answers_for(total: int, item9: int = 0) -> list[int]:
    """PHQ-9 answers with the given total (item 9 fixed), filled from item 1 upwards."""
    answers = [0] * 8 + [item9]
    remaining = total - item9
    for index in range(8):
        step = min(3, remaining)
        answers[index] = step
        remaining -= step
    assert remaining == 0, "total out of reach"
    return answers


def form_data(answers: Sequence[int | None], **extra: str) -> dict[str, str]:
    data = {f"item_{n}": str(a) for n, a in enumerate(answers, 1) if a is not None}
    data.update(extra)
    return data


def start(browser: HttpClient, client: Client, key: str = "phq9") -> None:
    response = browser.post(f"/clients/{client.pk}/in-session/", {"instrument": key})
    assert response.status_code == 302, response.status_code
    assert response["Location"] == "/in-session/"


def response_count() -> int:
    return AssessmentResponse.objects.count()


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Run background tasks (the care-team email) at once, inside the request."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
