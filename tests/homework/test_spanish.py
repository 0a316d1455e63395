"""Homework in Spanish: the client's home page, the review inbox and page, the assign form,
flash messages and schedules said in words, with Spanish plurals and dates; English unchanged."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation

from stepwise.homework.actions import assigning
from stepwise.homework.models import Assignment, ItemKind
from stepwise.homework.schedule import Adherence, Frequency, Schedule
from stepwise.homework.summaries import adherence_words, describe
from tests.conftest import World
from tests.factories import assign_exercise, hand_in
from tests.factories import exercise as shipped
from tests.languages import read_in

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # Thursday 26 November, 09:00 in London
TODAY = date(2026, 11, 26)
pytestmark = pytest.mark.usefixtures("frozen")


def words(html: str) -> str:
    if "<main" in html:
        html = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def give(world: World, minutes: int = 5, **kwargs: Any) -> Assignment:
    exercise = shipped("daily-mood-check-in")
    return assigning.assign(
        client=world.carl_client,
        by=world.alice,
        item=assigning.ItemChoice(
            kind=ItemKind.EXERCISE,
            exercise=exercise,
            title=exercise.title,
            estimated_minutes=minutes,
        ),
        schedule=kwargs.pop("schedule", Schedule(Frequency.DAILY, TODAY)),
        reminder_time=time(18),
        **kwargs,
    )


# The client's home page --------------------------------------------------------------------------


def test_the_client_home_page_speaks_spanish_with_spanish_dates(
    world: World, login_as: Any
) -> None:
    give(world, note="Hágalo después de cenar")
    browser = read_in("es", login_as(world.carl), world.carl)
    html = browser.get("/me/").content.decode()
    text = words(html)
    assert '<html lang="es"' in html
    assert "Hola, Carl" in text
    assert "Hoy, jueves 26 de noviembre" in text
    assert "Aproximadamente 5 minutos en total." in text
    assert "Para hoy" in text
    assert "Próximamente" in text
    assert "viernes 27 de noviembre" in text
    assert "Hágalo después de cenar" in text  # the therapist's own words, as written
    for english in ("Today,", "Coming up", "minutes in all", "Due today", "November"):
        assert english not in text


def test_the_client_home_page_in_english_is_unchanged(world: World, login_as: Any) -> None:
    give(world)
    text = words(login_as(world.carl).get("/me/").content.decode())
    assert "Hello, Carl" in text
    assert "Today, Thursday 26 November" in text
    assert "About 5 minutes in all." in text
    assert "Coming up" in text
    assert "Friday 27 November" in text


def test_one_minute_is_singular_and_many_are_plural_in_spanish(world: World, login_as: Any) -> None:
    give(world, minutes=1)
    text = words(read_in("es", login_as(world.carl), world.carl).get("/me/").content.decode())
    assert "Aproximadamente 1 minuto en total." in text


def test_done_homework_and_the_therapists_feedback_in_spanish(world: World, login_as: Any) -> None:
    assignment = give(world)
    completion = hand_in(assignment, world.carl)
    assigning.leave_feedback(completion, by=world.alice, text="¡Buen trabajo, Carl!")
    text = words(read_in("es", login_as(world.carl), world.carl).get("/me/").content.decode())
    assert "De su terapeuta" in text
    assert "Sobre Daily mood check-in, 26 de noviembre" in text or "26 de noviembre" in text
    assert "¡Buen trabajo, Carl!" in text
    assert "Todo hecho por hoy. ¡Muy bien!" in text


# Schedules and adherence in words ----------------------------------------------------------------


def test_schedules_in_spanish_with_plurals_for_one_and_for_many() -> None:
    with translation.override("es"):
        assert describe(Schedule(Frequency.DAILY, TODAY), TODAY) == "Diaria"
        assert (
            describe(Schedule(Frequency.TIMES_PER_WEEK, TODAY, times_per_week=3), TODAY)
            == "3 veces por semana"
        )
        assert (
            describe(Schedule(Frequency.EVERY_N_WEEKS, TODAY, interval_weeks=2), TODAY)
            == "Cada 2 semanas"
        )
        assert (
            describe(Schedule(Frequency.WEEKDAYS, TODAY, weekdays=frozenset({0, 3})), TODAY)
            == "Los lunes y los jueves"
        )
        later = Schedule(
            Frequency.DAILY, TODAY + timedelta(days=5), end=date(2026, 12, 20), max_count=4
        )
        assert describe(later, TODAY) == "Diaria, desde el 1 Dic, hasta el 20 Dic, 4 veces en total"
        once = Schedule(Frequency.EVERY_N_WEEKS, TODAY, max_count=1)
        assert describe(once, TODAY) == "Cada semana, una sola vez"
        assert adherence_words(Adherence(7, 4, 1, 2, 0), extra=1) == (
            "5 de 7 hechas (1 tarde), 1 práctica extra"
        )
        assert adherence_words(Adherence(7, 4, 1, 2, 0), extra=3) == (
            "5 de 7 hechas (1 tarde), 3 prácticas extra"
        )
    with translation.override("en"):
        assert (
            describe(Schedule(Frequency.WEEKDAYS, TODAY, weekdays=frozenset({0, 3})), TODAY)
            == "Mondays and Thursdays"
        )


# The therapist's side ----------------------------------------------------------------------------


def test_the_review_inbox_in_spanish_counts_feedback_notes_in_the_singular_and_plural(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    mood = assign_exercise(world.carl_client, world.alice)
    one = hand_in(mood, world.carl)
    two = hand_in(mood, world.carl, extra=True)
    assigning.leave_feedback(one, by=world.alice, text="Bien hecho")
    assigning.leave_feedback(two, by=world.alice, text="Primera nota")
    assigning.leave_feedback(two, by=world.alice, text="Segunda nota")
    response = read_in("es", alice_client, world.alice).get(reverse("homework:inbox"))
    assert response.status_code == 200, response
    html = response.content.decode()
    text = words(html)
    assert "Revisar tareas" in text
    assert ">Todas</option>" in html  # not the admin's "Todo" for the same English
    assert "Filtrar" in html
    assert "0 para revisar, las más recientes primero" in text
    assert "1 comentario " in text
    assert "2 comentarios" in text
    assert "Práctica extra" in text
    assert "A tiempo" in text
    assert 'data-label="Cliente"' in html
    english = words(
        read_in("en", alice_client, world.alice).get(reverse("homework:inbox")).content.decode()
    )
    assert "Review homework" in english
    assert "1 note" in english
    assert "2 notes" in english


def test_the_review_page_and_its_messages_in_spanish_keep_the_clients_words(
    world: World, alice_client: HttpClient
) -> None:
    completion = hand_in(assign_exercise(world.carl_client, world.alice), world.carl)
    browser = read_in("es", alice_client, world.alice)
    url = reverse("homework:completion", args=[completion.pk])
    text = words(browser.get(url).content.decode())
    assert "Entregada" in text
    assert "Puntualidad" in text
    assert "Comentarios" in text
    assert "A tiempo (para el" in text
    assert "Todavía no hay comentarios." in text
    assert "Marcar como revisada" in text
    response = browser.post(reverse("homework:mark_reviewed", args=[completion.pk]), follow=True)
    assert "Marcada como revisada: " in words(response.content.decode())
    response = browser.post(reverse("homework:feedback", args=[completion.pk]), {"text": ""})
    assert "Primero escriba sus comentarios." in response.content.decode()
    response = browser.post(
        reverse("homework:feedback", args=[completion.pk]), {"text": "Siga así"}, follow=True
    )
    text = words(response.content.decode())
    assert "Comentarios guardados. Carl los ve con esta tarea." in text
    assert "Siga así" in text


def test_the_assign_form_in_spanish_with_djangos_weekday_names(
    world: World, alice_client: HttpClient
) -> None:
    browser = read_in("es", alice_client, world.alice)
    html = browser.get(reverse("homework:assign", args=[world.carl_client.pk])).content.decode()
    text = words(html)
    assert "Asignar tarea a Carl" in text
    assert "Con qué frecuencia" in text
    assert "Recomendado: todos los días para un ejercicio" in text
    assert "lunes" in text
    assert "domingo" in text
    assert "Monday" not in text
    response = browser.post(
        reverse("homework:assign", args=[world.carl_client.pk]),
        {"item": "", "frequency": "weekdays"},
    )
    assert "Elija un ejercicio o un cuestionario de la lista." in response.content.decode() or (
        "Este campo es obligatorio." in response.content.decode()
    )


def test_pausing_says_so_in_spanish(world: World, alice_client: HttpClient) -> None:
    assignment = assign_exercise(world.carl_client, world.alice)
    browser = read_in("es", alice_client, world.alice)
    url = reverse("homework:assignment_pause", args=[world.carl_client.pk, assignment.pk])
    text = words(browser.post(url, follow=True).content.decode())
    assert "en pausa. Mientras tanto no habrá nada nuevo pendiente." in text
