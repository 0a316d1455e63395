"""Library pages for therapists: seven categories, search, filters, a definition's page with its
rationale and evidence (markdown made safe), and a bounded number of queries."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from stepwise.library import actions
from stepwise.library.loader import shipped_definitions
from stepwise.library.models import CATEGORY_LABELS
from tests.conftest import World
from tests.factories import exercise_version as shipped_version
from tests.library.conftest import sink_document
from tests.library.helpers import ensure_shipped_library


@pytest.fixture
def library(world: World) -> World:
    ensure_shipped_library()
    return world


def _titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/library/\d+/">([^<]+)</a></h3>', html)


def test_the_library_shows_all_seven_categories(library: World, alice_client) -> None:
    html = alice_client.get(reverse("library:index")).content.decode()

    for label in CATEGORY_LABELS.values():
        assert f">{label}</h2>" in html
    assert len(_titles(html)) == len(shipped_definitions())


def test_it_filters_by_category(library: World, alice_client) -> None:
    html = alice_client.get(reverse("library:index"), {"category": "parenting_videos"}).content

    titles = _titles(html.decode())
    assert len(titles) == 5
    assert all("Parenting videos" not in t for t in titles)


def test_it_searches_titles_and_summaries(library: World, alice_client) -> None:
    html = alice_client.get(reverse("library:index"), {"q": "thought record"}).content.decode()

    assert "Thought record" in " ".join(_titles(html))
    assert "Balloon breathing" not in html


def test_it_filters_by_audience_and_length(library: World, alice_client) -> None:
    children = _titles(
        alice_client.get(reverse("library:index"), {"audience": "child"}).content.decode()
    )
    short = _titles(
        alice_client.get(reverse("library:index"), {"length": "short"}).content.decode()
    )

    assert "Balloon breathing" in children
    assert "Thought record" not in children
    assert "Daily mood check-in" in short
    assert "Thought record" not in short


def test_an_htmx_search_answers_with_the_results_only(library: World, alice_client) -> None:
    response = alice_client.get(reverse("library:index"), {"q": "worry"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html
    assert "Worry time" in html


def test_the_list_makes_a_fixed_number_of_queries(
    library: World, alice_client, django_assert_max_num_queries
) -> None:
    alice_client.get(reverse("library:index"))  # warm the session
    for number in range(30):
        document = sink_document()
        document.update(slug=f"extra-{number}", title=f"Extra {number}")
        definition = actions.import_definition(library.alice, json.dumps(document))
        actions.save_draft(definition, document)  # a draft too, listed under "Your drafts"

    with django_assert_max_num_queries(13):  # the navigation counts homework to review
        response = alice_client.get(reverse("library:index"))

    assert len(_titles(response.content.decode())) == len(shipped_definitions()) + 30


def test_the_practise_together_picker_makes_a_fixed_number_of_queries(
    library: World, alice_client, django_assert_max_num_queries
) -> None:
    url = reverse("homework:practise_pick", args=[library.carl_client.pk])
    alice_client.get(url)

    with django_assert_max_num_queries(13):  # the navigation counts homework to review
        response = alice_client.get(url)

    assert response.content.decode().count("exercise-card") == len(shipped_definitions())


def test_a_definition_page_shows_why_it_helps_evidence_and_references(
    library: World, alice_client
) -> None:
    version = shipped_version("thought-record")

    html = alice_client.get(reverse("library:detail", args=[version.definition_id])).content

    page = html.decode()
    assert "<h3>Evidence</h3>" in page
    assert "Greenberger, D., &amp; Padesky" in page
    assert "How we feel depends a lot on how we see a situation" in page
    assert reverse("library:preview", args=[version.pk]) in page
    assert reverse("homework:practise_together", args=[library.carl_client.pk, version.pk]) in page


def test_markdown_in_a_definition_cannot_add_markup(library: World, alice_client) -> None:
    document = sink_document()
    document["therapist_notes"] = (
        "<script>alert(1)</script> **bold** [ok](https://example.org) "
        '[bad](javascript:alert(1)) <img src=x onerror="alert(1)">\n\n## Evidence\n\n- a'
    )
    definition = actions.import_definition(library.alice, json.dumps(document))

    page = alice_client.get(reverse("library:detail", args=[definition.pk])).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert "<strong>bold</strong>" in page
    assert '<a href="https://example.org" rel="noopener noreferrer">ok</a>' in page
    assert 'href="javascript' not in page
    assert "<img src=x" not in page


def test_other_practices_private_exercises_are_not_listed(library: World, login_as) -> None:
    document = sink_document()
    actions.import_definition(library.olga, json.dumps(document))

    html = login_as(library.alice).get(reverse("library:index")).content.decode()

    assert "Every step type" not in html
