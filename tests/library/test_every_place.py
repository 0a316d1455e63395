"""Every shipped definition renders in every place the renderer serves."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from stepwise.library import actions
from stepwise.library.loader import shipped_definitions
from stepwise.library.models import ExerciseDefinition
from tests.conftest import World
from tests.factories import exercise_version as shipped_version
from tests.factories import first_occurrence
from tests.library.helpers import assign_daily, ensure_shipped_library

SLUGS = [d.slug for d in shipped_definitions()]


@pytest.fixture
def library(world: World) -> World:
    ensure_shipped_library()
    return world


def _assert_renders_every_step(html: str, slug: str) -> None:
    version = shipped_version(slug)
    for step in version.parsed.steps:
        assert f'data-step="{step.id}"' in html, f"{slug}: step {step.id} is missing"


@pytest.mark.parametrize("slug", SLUGS)
def test_it_renders_every_shipped_exercise_in_the_library_preview(
    slug: str, library: World, login_as
) -> None:
    client: HttpClient = login_as(library.alice)
    version = shipped_version(slug)

    response = client.get(reverse("library:preview", args=[version.pk]))

    assert response.status_code == 200
    _assert_renders_every_step(response.content.decode(), slug)


@pytest.mark.parametrize("slug", SLUGS)
def test_it_renders_every_shipped_exercise_for_practice_in_session(
    slug: str, library: World, login_as
) -> None:
    client: HttpClient = login_as(library.alice)
    version = shipped_version(slug)

    response = client.get(
        reverse("homework:practise_together", args=[library.carl_client.pk, version.pk])
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "together" in html
    _assert_renders_every_step(html, slug)


@pytest.mark.parametrize("slug", SLUGS)
def test_it_renders_every_shipped_exercise_for_the_client_at_home(
    slug: str, library: World, login_as
) -> None:
    client: HttpClient = login_as(library.carl)
    version = shipped_version(slug)
    assignment = assign_daily(version.definition, library.carl_client, library.alice)

    response = client.get(reverse("homework:do", args=[first_occurrence(assignment).pk]))

    assert response.status_code == 200
    _assert_renders_every_step(response.content.decode(), slug)


@pytest.mark.parametrize("slug", SLUGS)
def test_it_renders_every_shipped_exercise_in_the_builder_preview(
    slug: str, library: World, login_as
) -> None:
    client: HttpClient = login_as(library.alice)
    copy = actions.copy_exercise(shipped_version(slug), library.alice)

    page = client.get(reverse("library:builder", args=[copy.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Before it can be published" not in html
    _assert_renders_every_step(html, slug)


def test_the_migration_loaded_every_shipped_file(db: None) -> None:
    shipped = ExerciseDefinition.objects.filter(practice__isnull=True, visibility="shipped")

    assert sorted(shipped.values_list("slug", flat=True)) == sorted(SLUGS)
    assert all(d.current_version_id for d in shipped)
