"""Published versions never change; shipped files load idempotently; old answers stay readable."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from stepwise.homework.actions.submissions import submit_exercise
from stepwise.library import actions, loader
from stepwise.library.models import ExerciseDefinition, ExerciseVersion, ImmutableVersionError
from tests.conftest import World
from tests.library.helpers import publish_sink, sink_answers


@pytest.fixture
def content_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the shipped files the loader reads instead of the real ones."""
    folder = tmp_path / "content"
    shutil.copytree(loader.CONTENT_DIR, folder)
    monkeypatch.setattr(loader, "CONTENT_DIR", folder)
    loader._shipped.cache_clear()
    yield folder
    loader._shipped.cache_clear()


def test_loading_again_changes_nothing(db: None) -> None:
    before = ExerciseVersion.objects.count()

    report = actions.load_shipped_library()

    assert report.created == report.updated == []
    assert len(report.unchanged) == len(loader.shipped_definitions())
    assert ExerciseVersion.objects.count() == before


def test_a_changed_file_becomes_a_new_version(db: None, content_dir: Path) -> None:
    path = content_dir / "worry-time.json"
    document = json.loads(path.read_text())
    document["summary"] = "A shorter summary."
    path.write_text(json.dumps(document))
    out = StringIO()

    call_command("load_library", stdout=out)
    call_command("load_library", stdout=StringIO())

    definition = ExerciseDefinition.objects.get(practice__isnull=True, slug="worry-time")
    assert list(definition.versions.values_list("number", flat=True)) == [2, 1]
    assert definition.current_version.number == 2
    assert definition.current_version.document["version"] == 2
    assert definition.summary == "A shorter summary."
    assert definition.versions.get(number=1).document["summary"] != "A shorter summary."
    assert "updated  worry-time" in out.getvalue()
    unchanged = len(loader.shipped_definitions()) - 1
    assert f"1 updated, {unchanged} unchanged" in out.getvalue()


def test_a_new_file_becomes_a_new_definition(db: None, content_dir: Path) -> None:
    document = json.loads((content_dir / "worry-time.json").read_text())
    document.update(slug="worry-time-for-teens", title="Worry time for teens")
    (content_dir / "worry-time-for-teens.json").write_text(json.dumps(document))

    report = actions.load_shipped_library()

    assert report.created == ["worry-time-for-teens"]
    definition = ExerciseDefinition.objects.get(slug="worry-time-for-teens")
    assert (definition.visibility, definition.practice) == ("shipped", None)


def test_a_published_version_cannot_be_changed_or_deleted(world: World) -> None:
    version = publish_sink(world.alice).current_version
    assert version is not None

    version.document["title"] = "Changed"
    with pytest.raises(ImmutableVersionError):
        version.save()
    with pytest.raises(ImmutableVersionError):
        ExerciseVersion.objects.filter(pk=version.pk).update(number=9)
    with pytest.raises(ImmutableVersionError):
        version.delete()
    version.refresh_from_db()
    assert version.document["title"] == "Every step type"


def test_old_answers_stay_readable_after_an_edit(world: World, alice_client) -> None:
    definition = publish_sink(world.alice)
    first = definition.current_version
    submission = submit_exercise(
        client=world.carl_client,
        version=first,
        data=sink_answers(),
        mode="in_session",
        submitted_by=world.alice,
    )
    # Version 2 rewords a question, drops the mood scale and renames an option.
    document = dict(first.document)
    document["steps"] = [s for s in document["steps"] if s["id"] != "mood"]
    document["metrics"] = [m for m in document["metrics"] if m["source"] != "mood"]
    document["steps"][1] = dict(document["steps"][1], prompt="Describe the situation.")
    actions.save_draft(definition, document)
    second = actions.publish(definition, world.alice)

    page = alice_client.get(
        reverse("homework:submission", args=[world.carl_client.pk, submission.pk])
    )

    html = page.content.decode()
    assert second.number == 2
    assert "What happened?" in html  # the question as it was asked
    assert "Describe the situation." not in html
    assert "6 on a scale from 0 to 10" in html  # an answer to a step version 2 dropped
    assert "an older version" in html


def test_the_library_command_lists_exercises_and_assessments(world: World) -> None:
    publish_sink(world.alice)
    out = StringIO()

    call_command("library", "--json", stdout=out)

    rows = json.loads(out.getvalue())
    kinds = {row["kind"] for row in rows}
    assert kinds == {"exercise", "assessment"}
    for row in rows:
        assert {"slug", "kind", "category", "audience", "version", "title", "step_types"} <= set(
            row
        )
    thought = next(r for r in rows if r["slug"] == "thought-record")
    assert thought["step_types"] == ["text", "emotion", "scale"]
    assert thought["category"] == "cognitive"
    sink = next(r for r in rows if r["slug"] == "every-step-type")
    assert sink["practice"] == "Riverside"
    assert len(sink["step_types"]) == 12
    assert any(r["slug"] == "phq9" and r["kind"] == "assessment" for r in rows)
    shipped = len(loader.shipped_definitions())
    assert len([r for r in rows if r["kind"] == "exercise"]) == shipped + 1
