"""The builder: drafts, steps added, removed and moved (htmx or not), publishing new versions,
sharing with the practice, import with a clear report, export, and copies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from stepwise.library import actions
from stepwise.library.builder import editors, meta_values
from stepwise.library.loader import shipped_definitions
from stepwise.library.models import ExerciseDefinition, ExerciseVersion, Visibility
from stepwise.library.schema import ExerciseDefinition as Document
from tests.conftest import World
from tests.factories import exercise_version as shipped_version
from tests.library.conftest import sink_document
from tests.library.helpers import ensure_shipped_library

FILLED: dict[str, Any] = {
    "title": "Coping card",
    "category": "affect_emotion",
    "audience": ["adult"],
    "estimated_minutes": "5",
    "summary": "Write a short card to read when things get hard.",
    "why_this_helps": "A card in your pocket reminds you what helps.",
    "therapist_notes": "Use in session.\n\n## Evidence\n\nCoping cards are a CBT staple.",
    "references": "Beck, J. S. (2021). Cognitive behavior therapy: Basics and beyond.",
    "visibility": "private",
    "metrics": "",
}


def _builder_form(definition: ExerciseDefinition, **changes: Any) -> dict[str, Any]:
    """What the builder page posts: the metadata and the steps as they are now."""
    document = definition.draft or definition.current_version.document  # type: ignore[union-attr]
    form: dict[str, Any] = dict(FILLED)
    steps = editors(document)
    form["step_count"] = str(len(steps))
    for editor in steps:
        form[f"s{editor.index}-type"] = editor.type
        for key, value in editor.values.items():
            if value:
                form[f"s{editor.index}-{key}"] = value
    form.update(changes)
    return form


@pytest.fixture
def draft(world: World) -> ExerciseDefinition:
    return actions.create_exercise(world.alice, title="Coping card", category="affect_emotion")


def test_a_therapist_starts_an_exercise(world: World, alice_client) -> None:
    response = alice_client.post(
        reverse("library:new"), {"title": "My exercise", "category": "relaxation"}
    )

    definition = ExerciseDefinition.objects.get(owner=world.alice)
    assert response["Location"] == reverse("library:builder", args=[definition.pk])
    assert (definition.slug, definition.visibility) == ("my-exercise", "private")
    assert definition.practice == world.practice
    assert definition.current_version is None


def test_it_saves_an_unfinished_draft_and_lists_what_blocks_publishing(
    draft: ExerciseDefinition, alice_client
) -> None:
    url = reverse("library:builder", args=[draft.pk])
    form = _builder_form(draft, **{"s0-prompt": "", "op": "save"})

    alice_client.post(url, form)
    page = alice_client.get(url)

    draft.refresh_from_db()
    assert draft.draft["title"] == "Coping card"
    assert "Before it can be published" in page.content.decode()
    assert not ExerciseVersion.objects.filter(definition=draft).exists()


def test_it_adds_removes_and_moves_steps_with_htmx(draft: ExerciseDefinition, alice_client) -> None:
    url = reverse("library:builder", args=[draft.pk])
    headers = {"HTTP_HX_REQUEST": "true"}

    added = alice_client.post(
        url, _builder_form(draft, op="add", new_type="suds", **{"s0-prompt": "Write it"}), **headers
    )
    draft.refresh_from_db()
    assert [s["type"] for s in draft.draft["steps"]] == ["text", "suds"]
    assert "<html" not in added.content.decode()  # a fragment, not a page
    assert 'data-focus="f-s1-id"' in added.content.decode()
    assert "Distress rating (0-100) added as step 2." in added.content.decode()

    moved = alice_client.post(url, _builder_form(draft, op="up:1"), **headers)
    draft.refresh_from_db()
    assert [s["type"] for s in draft.draft["steps"]] == ["suds", "text"]
    assert 'data-focus="s0-down"' in moved.content.decode()

    alice_client.post(url, _builder_form(draft, op="remove:0"), **headers)
    draft.refresh_from_db()
    assert [s["type"] for s in draft.draft["steps"]] == ["text"]
    assert draft.draft["steps"][0]["prompt"] == "Write it"


def test_the_step_buttons_work_without_script(draft: ExerciseDefinition, alice_client) -> None:
    url = reverse("library:builder", args=[draft.pk])

    page = alice_client.post(url, _builder_form(draft, op="add", new_type="breathing"))

    assert page.status_code == 200
    assert "<html" in page.content.decode()
    assert "Step 2: Breathing pacer" in page.content.decode()


def test_publishing_makes_a_version_and_clears_the_draft(
    world: World, draft: ExerciseDefinition, alice_client
) -> None:
    url = reverse("library:builder", args=[draft.pk])

    response = alice_client.post(
        url, _builder_form(draft, op="publish", **{"s0-prompt": "What helps you?"})
    )

    assert response["Location"] == reverse("library:detail", args=[draft.pk])
    draft.refresh_from_db()
    version = draft.current_version
    assert version is not None
    assert (version.number, version.published_by) == (1, world.alice)
    assert version.document["steps"][0]["prompt"] == "What helps you?"
    assert version.document["version"] == 1
    assert draft.draft is None
    assert draft.title == "Coping card"


def test_each_publish_is_a_new_version_and_an_unchanged_one_is_refused(
    draft: ExerciseDefinition, alice_client
) -> None:
    url = reverse("library:builder", args=[draft.pk])
    alice_client.post(url, _builder_form(draft, op="publish", **{"s0-prompt": "What helps?"}))
    draft.refresh_from_db()

    same = alice_client.post(url, _builder_form(draft, op="publish"))
    changed = alice_client.post(
        url, _builder_form(draft, op="publish", **{"s0-prompt": "What helps you most?"})
    )

    assert "Nothing has changed since version 1." in same.content.decode()
    assert changed.status_code == 302
    numbers = list(draft.versions.order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2]
    first = draft.versions.get(number=1)
    assert first.document["steps"][0]["prompt"] == "What helps?"  # never changed


def test_publishing_an_invalid_draft_is_refused_with_reasons(
    draft: ExerciseDefinition, alice_client
) -> None:
    url = reverse("library:builder", args=[draft.pk])

    response = alice_client.post(
        url, _builder_form(draft, op="publish", therapist_notes="No evidence here.")
    )

    html = response.content.decode()
    assert "Not published yet" in html
    assert "evidence section" in html
    assert draft.versions.count() == 0


def test_practice_sharing_shows_an_exercise_to_colleagues_only_when_chosen(
    world: World, draft: ExerciseDefinition, alice_client, login_as
) -> None:
    url = reverse("library:builder", args=[draft.pk])
    alice_client.post(url, _builder_form(draft, op="publish", **{"s0-prompt": "What helps?"}))
    bob = login_as(world.bob)
    assert bob.get(reverse("library:detail", args=[draft.pk])).status_code == 404

    alice = login_as(world.alice)
    draft.refresh_from_db()
    alice.post(url, _builder_form(draft, op="save", visibility="practice"))

    bob = login_as(world.bob)
    assert bob.get(reverse("library:detail", args=[draft.pk])).status_code == 200
    assert bob.get(reverse("library:builder", args=[draft.pk])).status_code == 404  # not his
    olga = login_as(world.olga)
    assert olga.get(reverse("library:detail", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("slug", [d.slug for d in shipped_definitions()])
def test_the_builder_keeps_every_shipped_exercise_intact(
    slug: str, world: World, alice_client
) -> None:
    """A copy of a shipped exercise survives a save in the builder unchanged."""
    ensure_shipped_library()
    version = shipped_version(slug)
    document = version.document
    copy = actions.copy_exercise(version, world.alice)
    form = _builder_form(copy, op="save")
    form.update(
        title=document["title"],
        category=document["category"],
        audience=document["audience"],
        estimated_minutes=str(document["estimated_minutes"]),
        summary=document["summary"],
        why_this_helps=document["why_this_helps"],
        therapist_notes=document["therapist_notes"],
        references="\n".join(document["references"]),
        metrics=meta_values(document)["metrics"],
    )

    alice_client.post(reverse("library:builder", args=[copy.pk]), form)

    copy.refresh_from_db()
    expected = Document.model_validate(dict(document, slug=copy.slug, version=1))
    assert Document.model_validate(copy.draft) == expected


def test_export_and_import_round_trip(world: World, alice_client, login_as) -> None:
    ensure_shipped_library()
    version = shipped_version("worry-time")
    exported = alice_client.get(reverse("library:export", args=[version.pk]))
    assert exported["Content-Disposition"] == 'attachment; filename="worry-time-v1.json"'

    olga = login_as(world.olga)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("worry-time-v1.json", exported.content, "application/json")
    response = olga.post(reverse("library:import"), {"file": upload})

    imported = ExerciseDefinition.objects.get(owner=world.olga)
    assert response["Location"] == reverse("library:detail", args=[imported.pk])
    assert imported.practice == world.other_practice
    assert imported.visibility == Visibility.PRIVATE
    assert imported.slug == "worry-time"  # unique within Elsewhere
    assert imported.current_version.document["steps"] == version.document["steps"]


def test_an_invalid_import_is_refused_with_a_clear_report(world: World, alice_client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = sink_document()
    document["steps"][3]["max"] = 500
    document["category"] = "astrology"
    upload = SimpleUploadedFile("bad.json", json.dumps(document).encode(), "application/json")

    response = alice_client.post(reverse("library:import"), {"file": upload})

    html = response.content.decode()
    assert response.status_code == 400
    assert "This file cannot be imported" in html
    assert "category" in html
    assert "step 4 (&quot;mood&quot;)" in html
    assert not ExerciseDefinition.objects.filter(practice=world.practice).exists()


def test_broken_json_is_refused(world: World, alice_client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bad.json", b'{"slug": "x",', "application/json")

    response = alice_client.post(reverse("library:import"), {"file": upload})

    assert "This is not valid JSON" in response.content.decode()


def test_a_copy_of_a_shipped_exercise_is_an_editable_private_draft(
    world: World, alice_client
) -> None:
    ensure_shipped_library()
    version = shipped_version("video-labelled-praise")

    response = alice_client.post(reverse("library:copy", args=[version.pk]))

    copy = ExerciseDefinition.objects.get(owner=world.alice)
    assert response["Location"] == reverse("library:builder", args=[copy.pk])
    assert copy.current_version is None
    assert copy.draft["title"] == version.document["title"]
    assert copy.visibility == "private"


def test_shipped_exercises_cannot_be_edited(world: World, alice_client) -> None:
    ensure_shipped_library()
    definition = shipped_version("worry-time").definition

    response = alice_client.get(reverse("library:builder", args=[definition.pk]))

    assert response.status_code == 404
    with pytest.raises(actions.ActionError):
        actions.save_draft(definition, {})


def test_the_live_preview_renders_the_form_as_it_stands(
    draft: ExerciseDefinition, alice_client
) -> None:
    response = alice_client.post(
        reverse("library:builder_preview", args=[draft.pk]),
        _builder_form(draft, **{"s0-prompt": "Which words help you?"}),
        HTTP_HX_REQUEST="true",
    )

    assert "Which words help you?" in response.content.decode()
    draft.refresh_from_db()
    assert draft.draft["steps"][0]["prompt"] == ""  # the preview saves nothing


def test_lines_the_builder_cannot_read_are_kept_to_fix(
    draft: ExerciseDefinition, alice_client
) -> None:
    url = reverse("library:builder", args=[draft.pk])
    form = _builder_form(draft, op="add", new_type="scale")
    alice_client.post(url, form)
    draft.refresh_from_db()
    form = _builder_form(
        draft,
        op="save",
        **{"s1-anchors": "0 = Calm\nten is the most", "s0-prompt": "Why?"},
    )

    page = alice_client.post(url, form)

    html = page.content.decode()
    assert "Some lines could not be read" in html
    assert "write each anchor as" in html
    assert "0 = Calm\nten is the most</textarea>" in html
    draft.refresh_from_db()
    assert draft.draft["steps"][1]["anchors"][1] == {"value": "ten is the most", "label": ""}
