"""The language an exercise was answered in: recorded with the submission, and shown on the
therapist's review with the prompt as the person read it and the therapist's wording beside it."""

from __future__ import annotations

from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation

from stepwise.homework.models import Assignee, Completion, Submission
from stepwise.library.models import ExerciseDefinition, ExerciseVersion
from tests.conftest import World
from tests.factories import answers_for, assign_exercise, first_occurrence, hand_in
from tests.languages import read_in
from tests.library.helpers import form_for

SPANISH_PROMPT = "En general, ¿cómo ha estado su estado de ánimo hoy?"
ENGLISH_PROMPT = "Overall, how has your mood been today?"


def _parent_hands_in_in_spanish(world: World) -> Completion:
    assignment = assign_exercise(world.mia_client, world.alice, assignee=Assignee.CAREGIVER)
    occurrence = first_occurrence(assignment)
    exercise = assignment.exercise
    assert isinstance(exercise, ExerciseDefinition)
    assert exercise.current_version is not None
    answers = answers_for(exercise)
    answers["went_well"] = "Jugamos juntos en el parque"
    parent = HttpClient()
    parent.force_login(world.gina, backend="django.contrib.auth.backends.ModelBackend")
    read_in("es", parent, world.gina)
    url = reverse("homework:do", args=[occurrence.pk])
    with translation.override("en"):
        form = form_for(exercise.current_version.parsed, answers)
    response = parent.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Completion.objects.get(occurrence=occurrence)


def test_a_parent_handing_in_on_a_spanish_page_records_spanish(world: World) -> None:
    completion = _parent_hands_in_in_spanish(world)
    assert completion.submission is not None
    assert completion.submission.language == "es"


def test_an_english_therapist_sees_the_spanish_prompt_with_the_english_beside_it(
    world: World, alice_client: HttpClient
) -> None:
    completion = _parent_hands_in_in_spanish(world)
    html = alice_client.get(reverse("homework:completion", args=[completion.pk])).content.decode()
    assert f'<span lang="es">{SPANISH_PROMPT}</span>' in html
    assert f'lang="en">{ENGLISH_PROMPT}</span>' in html
    # The parent's own words exactly as written, marked as Spanish.
    assert '<span lang="es">Jugamos juntos en el parque</span>' in html


def test_a_therapist_reading_the_language_answered_in_sees_one_prompt(
    world: World, alice_client: HttpClient
) -> None:
    completion = _parent_hands_in_in_spanish(world)
    html = read_in("es", alice_client, world.alice).get(
        reverse("homework:completion", args=[completion.pk])
    )
    text = html.content.decode()
    assert SPANISH_PROMPT in text
    assert ENGLISH_PROMPT not in text


def _assigned_to_a_spanish_speaking_client(world: World) -> ExerciseVersion:
    """Carl reads Spanish and has the exercise assigned: its current version."""
    world.carl_client.language = "es"
    world.carl_client.save(update_fields=["language"])
    version = assign_exercise(world.carl_client, world.alice).exercise.current_version  # type: ignore[union-attr]
    assert version is not None
    return version


def test_an_in_session_practice_is_recorded_in_the_clients_language(
    world: World, alice_client: HttpClient
) -> None:
    version = _assigned_to_a_spanish_speaking_client(world)
    with translation.override("en"):
        form = form_for(version.parsed, answers_for(version.definition))
    url = reverse("homework:practise_together", args=[world.carl_client.pk, version.pk])
    assert alice_client.post(url, form).status_code == 302
    submission = Submission.objects.filter(client=world.carl_client).latest("submitted_at")
    assert submission.language == "es"
    page = alice_client.get(
        reverse("homework:submission", args=[world.carl_client.pk, submission.pk])
    ).content.decode()
    assert f'<span lang="es">{SPANISH_PROMPT}</span>' in page


def test_homework_handed_in_on_an_english_page_shows_one_prompt(
    world: World, alice_client: HttpClient
) -> None:
    with translation.override("en"):
        completion = hand_in(assign_exercise(world.carl_client, world.alice), world.carl)
    assert completion.submission is not None
    assert completion.submission.language == "en"
    text = alice_client.get(reverse("homework:completion", args=[completion.pk])).content.decode()
    assert f"<dt>{ENGLISH_PROMPT}</dt>" in text
    assert SPANISH_PROMPT not in text


def test_practising_together_shows_the_exercise_in_the_clients_language(
    world: World, alice_client: HttpClient
) -> None:
    version = _assigned_to_a_spanish_speaking_client(world)
    url = reverse("homework:practise_together", args=[world.carl_client.pk, version.pk])
    html = alice_client.get(url).content.decode()
    region = html[html.index('<div lang="es">') :]
    assert SPANISH_PROMPT in region
    assert ENGLISH_PROMPT not in html
    assert "<title>Daily mood check-in" in html  # the page around it in the therapist's
