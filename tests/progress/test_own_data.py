"""A client downloads all of their own data as JSON and CSV in a zip, audited."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import time
from typing import Any

from stepwise.audit.models import AccessLog
from stepwise.homework.actions import assigning
from stepwise.homework.models import ItemKind
from stepwise.homework.schedule import Frequency, Schedule
from stepwise.library.models import ExerciseDefinition
from tests.conftest import World
from tests.library.test_shipped_content import example_answers


def test_a_client_downloads_everything_about_them_and_nobody_elses(
    world: World, login_as: Any
) -> None:
    mood = ExerciseDefinition.objects.get(slug="daily-mood-check-in", practice__isnull=True)
    assignment = assigning.assign(
        client=world.carl_client,
        by=world.alice,
        item=assigning.ItemChoice(kind=ItemKind.EXERCISE, exercise=mood, title=mood.title),
        schedule=Schedule(Frequency.DAILY, world.carl_client_today()),
        reminder_time=time(18),
        note="Try it after dinner",
    )
    done = assigning.complete_exercise(
        assignment=assignment,
        occurrence=None,
        data=example_answers(mood.current_version.parsed),  # type: ignore[union-attr]
        by=world.carl,
    )
    assigning.leave_feedback(done, by=world.alice, text="Good start")
    response = login_as(world.carl).get("/me/my-data.zip")
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert set(archive.namelist()) == {"my-data.json", "my-data.csv", "README.txt"}
    data = json.loads(archive.read("my-data.json"))
    assert data["you"]["name"] == "Carl"
    assert data["homework"][0]["note_from_your_therapist"] == "Try it after dinner"
    assert data["feedback"][0]["text"] == "Good start"
    assert len(data["exercises"]) == 1
    assert "Dana" not in archive.read("my-data.json").decode()
    assert (
        AccessLog.objects.filter(action="export.own_data", client_id=world.carl_client.pk).count()
        == 1
    )


def test_staff_and_parents_have_no_own_data_download(world: World, login_as: Any) -> None:
    assert login_as(world.alice).get("/me/my-data.zip").status_code == 404
    assert login_as(world.gina).get("/me/my-data.zip").status_code == 404
