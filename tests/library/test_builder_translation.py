"""The builder's "Spanish version" of a practice's own exercise: every text beside its English,
saved with the version, checked like a shipped translation, missing texts listed and shown in
English to the reader."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from stepwise.library import actions
from stepwise.library.models import ExerciseDefinition
from stepwise.library.translations import text_paths
from tests.conftest import World
from tests.library.helpers import publish_sink


@pytest.fixture
def own(world: World) -> ExerciseDefinition:
    return publish_sink(world.alice)


def _url(definition: ExerciseDefinition) -> str:
    return reverse("library:translate", args=[definition.pk, "es"])


def _texts(definition: ExerciseDefinition) -> dict[str, str]:
    assert definition.current_version is not None
    return dict(text_paths(definition.current_version.document))


def test_the_spanish_version_lists_every_text_beside_its_english(
    own: ExerciseDefinition, alice_client
) -> None:
    html = alice_client.get(_url(own)).content.decode()

    texts = _texts(own)
    assert len(re.findall(r'name="t-', html)) == len(texts)
    assert '<span lang="en">Every step type</span>' in html
    assert 'name="t-steps.1.prompt"' in html
    # everything is missing at first (the optional therapist notes aside)
    assert f"{len(texts) - 1} texts have no translation yet" in html


def test_saving_keeps_the_text_with_the_version_and_lists_what_is_missing(
    own: ExerciseDefinition, alice_client
) -> None:
    texts = _texts(own)
    form = {f"t-{path}": f"ES {english}" for path, english in texts.items()}
    form["t-steps.1.prompt"] = ""

    response = alice_client.post(_url(own), form, follow=True)

    html = response.content.decode()
    assert "1 text has no translation yet" in html
    assert 'href="#' in html
    own.refresh_from_db()
    version = own.current_version
    assert version is not None
    assert version.texts("es")["title"] == "ES Every step type"
    assert "steps.1.prompt" not in version.texts("es")
    with translation.override("es"):
        shown = version.parsed
    assert shown.title == "ES Every step type"
    assert shown.lang_of("steps.1") == "en"
    assert shown.lang_of("steps.0") == ""


def test_a_text_too_long_for_the_exercise_is_refused_with_the_reason(
    own: ExerciseDefinition, alice_client
) -> None:
    response = alice_client.post(_url(own), {"t-title": "X" * 200})

    assert response.status_code == 400
    assert "Not saved yet" in response.content.decode()
    own.refresh_from_db()
    assert own.current_version is not None
    assert own.current_version.texts("es") == {}


def test_a_new_version_keeps_the_spanish_of_texts_that_did_not_change(
    world: World, own: ExerciseDefinition
) -> None:
    texts = _texts(own)
    actions.save_translation(own, "es", {path: f"ES {text}" for path, text in texts.items()})
    actions.start_draft_from_current(own)
    assert own.draft is not None
    draft = dict(own.draft)
    draft["title"] = "Every step type, again"
    actions.save_draft(own, draft)

    version = actions.publish(own, world.alice)

    assert "title" not in version.texts("es")
    assert version.texts("es")["steps.1.prompt"] == "ES " + texts["steps.1.prompt"]


def test_only_the_owner_may_write_the_spanish_version(
    own: ExerciseDefinition, login_as, world: World
) -> None:
    colleague = login_as(world.bob)
    assert colleague.get(_url(own)).status_code == 404
