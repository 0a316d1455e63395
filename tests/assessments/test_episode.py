"""A therapist starts a new episode of care: the next response becomes the baseline, and
"recovered" is reliable recovery against it (the first response ever is not always the baseline)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from stepwise.assessments import actions
from stepwise.assessments.models import EpisodeStart
from stepwise.audit.models import AccessLog
from stepwise.progress import queries
from tests.assessments.support import phq9_answers_for, results_url, submit
from tests.conftest import World


def _column(html: str, label: str) -> list[str]:
    import re

    return [
        re.sub(r"\s+", " ", cell).strip()
        for cell in re.findall(rf'<td data-label="{label}">(.*?)</td>', html, re.S)
    ]


def _answer(world: World, total: int, days_ago: int) -> None:
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        submit(world.carl_client, "phq9", phq9_answers_for(total))


def test_without_a_new_episode_the_first_response_is_the_baseline(
    world: World, alice_client: HttpClient
) -> None:
    _answer(world, 20, 400)
    _answer(world, 8, 300)
    _answer(world, 18, 20)
    _answer(world, 9, 1)
    html = alice_client.get(results_url(world.carl_client, "phq9")).content.decode()
    assert _column(html, "Change from baseline") == ["Baseline", "-12", "-2", "-11"]
    assert _column(html, "Reliable change")[-1].startswith("Recovered")


def test_a_new_episode_makes_the_next_response_the_baseline(
    world: World, alice_client: HttpClient
) -> None:
    _answer(world, 20, 400)
    _answer(world, 8, 300)
    with time_machine.travel(timezone.now() - timedelta(days=30), tick=False):
        actions.start_new_episode(world.carl_client, "phq9", world.alice, "Returned after a year")
    _answer(world, 12, 20)
    _answer(world, 9, 1)
    html = alice_client.get(results_url(world.carl_client, "phq9")).content.decode()
    assert _column(html, "Change from baseline") == [
        "Earlier episode",
        "Earlier episode",
        "Baseline",
        "-3",
    ]
    # -3 from the new baseline of 12 is not reliable (6 points), though 20 -> 9 would have been.
    assert _column(html, "Reliable change") == ["—", "—", "—", "No reliable change"]
    assert "A new episode of care began on" in html


def test_the_dashboard_history_counts_only_the_current_episode(world: World) -> None:
    _answer(world, 20, 400)
    with time_machine.travel(timezone.now() - timedelta(days=30), tick=False):
        actions.start_new_episode(world.carl_client, "phq9", world.alice)
    _answer(world, 14, 20)
    _answer(world, 13, 1)
    (history,) = queries.score_histories([world.carl_client.pk])[world.carl_client.pk]
    assert history.baseline.score.total == 14
    assert history.count == 2


def test_only_the_care_team_can_start_one_and_the_view_is_audited(
    world: World, alice_client: HttpClient, login_as: object
) -> None:
    _answer(world, 20, 10)
    with pytest.raises(actions.AssessmentError, match="care team"):
        actions.start_new_episode(world.carl_client, "phq9", world.bob)
    url = results_url(world.carl_client, "phq9") + "new-episode/"
    response = alice_client.post(url, {"note": "New referral"})
    assert response.status_code == 302
    episode = EpisodeStart.objects.get()
    assert (episode.started_by, episode.note) == (world.alice, "New referral")
    assert AccessLog.objects.filter(
        action="assessment.new_episode", client_id=world.carl_client.pk, actor=world.alice
    ).exists()


def test_an_instrument_never_answered_cannot_be_reset(world: World) -> None:
    with pytest.raises(actions.AssessmentError, match="no answers"):
        actions.start_new_episode(world.carl_client, "gad7", world.alice)
