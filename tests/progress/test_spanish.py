"""Progress in Spanish: the dashboard and its caseload rows, a client's progress charts and the
adherence calendar, the client's own page, the summary, the CSV export and the printable report,
with Spanish dates and plurals; the same pages in English unchanged, and no extra queries."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient

from stepwise.accounts.models import User
from tests.conftest import World
from tests.languages import read_in
from tests.progress import history as h
from tests.progress.test_dashboard import _dashboard_queries, text_of

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # Thursday 26 November, 09:00 in London


@pytest.fixture
def carl_history(world: World, frozen: Any) -> World:
    today = world.carl_client_today()
    h.daily_history(world.carl_client, world.alice, today, 14, done=[0, 1, 2, 5, 6, 9])
    h.answer_phq9(world.carl_client, NOW - timedelta(days=10), 12)
    h.answer_phq9(world.carl_client, NOW - timedelta(days=1), 7)
    return world


def test_the_dashboard_in_spanish_with_plural_caseload_words(
    carl_history: World, alice_client: HttpClient
) -> None:
    text = text_of(
        read_in("es", alice_client, carl_history.alice).get("/dashboard/").content.decode()
    )
    assert "Panel" in text
    assert "Clientes" in text
    assert "Necesita atención" in text
    assert "de 3 clientes activos." in text
    assert "Últimos 7 días" in text
    assert "Menor de 18" in text  # Mia's badge
    assert "Sin actividad todavía" in text
    for english in ("Caseload", "active clients", "No activity yet", "Needs attention"):
        assert english not in text, english


def test_the_dashboard_in_english_is_unchanged(
    carl_history: World, alice_client: HttpClient
) -> None:
    text = text_of(
        read_in("en", alice_client, carl_history.alice).get("/dashboard/").content.decode()
    )
    assert "3 of 3 active clients." in text
    assert "Caseload" in text
    assert "No activity yet" in text
    assert "Under 18" in text


def test_one_active_client_is_singular_in_spanish(world: World, alice_client: HttpClient) -> None:
    for client in (world.dana_client, world.mia_client):
        client.discharged_at = NOW
        client.save(update_fields=["discharged_at"])
    text = text_of(read_in("es", alice_client, world.alice).get("/dashboard/").content.decode())
    assert "1 de 1 cliente activo." in text


def test_the_dashboard_in_spanish_takes_no_more_queries_than_in_english(
    carl_history: World, alice_client: HttpClient
) -> None:
    alice_client.get("/home/")  # the session's first page reads and keeps the roles
    _dashboard_queries(
        read_in("en", alice_client, carl_history.alice)
    )  # figures computed and stored
    english, _ = _dashboard_queries(alice_client)
    spanish, _ = _dashboard_queries(read_in("es", alice_client, carl_history.alice))
    assert spanish == english


def test_progress_charts_and_the_calendar_in_spanish(
    carl_history: World, alice_client: HttpClient
) -> None:
    url = f"/clients/{carl_history.carl_client.pk}/progress/"
    html = read_in("es", alice_client, carl_history.alice).get(url).content.decode()
    text = text_of(html)
    assert "Progreso de Carl" in text
    assert "Calendario de tareas (días del cliente)" in text
    assert "Minutos de práctica por semana" in text
    assert "Mostrar como tabla" in text
    assert "Semana del" in text
    assert ">lun<" in html  # Django's Spanish weekday names head the calendar
    assert "todo hecho (1 de 1)" in text
    assert "sin hacer (0 de 1)" in text
    assert 'aria-label="Calendario de tareas (días del cliente), 12 semanas hasta el 26 Nov' in html
    assert "Racha de práctica:" in text
    for english in ("Homework calendar", "Show as a table", ">Mon<", "all done", "Week of"):
        assert english not in html, english


def test_the_clients_own_progress_page_in_spanish_says_one_day_and_many(
    world: World, frozen: Any, login_as: Callable[[User | None], HttpClient]
) -> None:
    today = world.carl_client_today()
    h.daily_history(world.carl_client, world.alice, today, 10, done=[0, 3, 4, 5, 6])
    text = text_of(
        read_in("es", login_as(world.carl), world.carl).get("/me/progress/").content.decode()
    )
    assert "Su progreso" in text
    assert "Usted practicó hoy o ayer. Cada día cuenta." in text
    assert "1 día seguido" in text
    assert "4 días: su racha más larga" in text


def test_the_summary_before_a_session_in_spanish(
    carl_history: World, alice_client: HttpClient
) -> None:
    url = f"/clients/{carl_history.carl_client.pk}/summary/"
    text = text_of(read_in("es", alice_client, carl_history.alice).get(url).content.decode())
    assert "Carl: antes de la sesión" in text
    assert "Del vie 13 Nov 2026 al jue 26 Nov 2026, hora del cliente (14 días;" in text
    assert "client's time" not in text
    assert "todavía sin revisión, así que los últimos 14 días" in text
    assert "Medidas clave" in text
    assert "a tiempo" in text
    assert "Cambio" in text  # our word, not the admin's "Modificar" for the same English
    assert "Modificar" not in text


def test_the_csv_export_has_spanish_headers_and_words_and_english_ones_unchanged(
    carl_history: World, alice_client: HttpClient
) -> None:
    url = f"/clients/{carl_history.carl_client.pk}/export.csv"
    body = read_in("es", alice_client, carl_history.alice).get(url).content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0])[:5] == [
        "registro", "id", "enviado_utc", "fecha_local_cliente", "titulo",
    ]  # fmt: skip
    assert {r["registro"] for r in rows} == {"ejercicio", "cuestionario"}
    assert "a tiempo" in {r["tarea"] for r in rows}
    english = read_in("en", alice_client, carl_history.alice).get(url).content.decode()
    assert english.splitlines()[0] == (
        "record,id,submitted_at_utc,client_local_date,title,version,mode,homework,score,band,"
        "subscales,metrics,answers"
    )


def test_the_printable_report_in_spanish_with_spanish_dates(
    carl_history: World, alice_client: HttpClient
) -> None:
    url = f"/clients/{carl_history.carl_client.pk}/report/"
    html = read_in("es", alice_client, carl_history.alice).get(url).content.decode()
    text = text_of(html)
    assert "Expediente de Carl" in text
    assert "Imprimir" in html
    assert "Impreso 26 Nov 2026" in text
    assert "En total:" in text
    assert "Medidas de los ejercicios" in text
    assert "Cuestionarios" in text
    english = text_of(read_in("en", alice_client, carl_history.alice).get(url).content.decode())
    assert "Record of Carl" in english
    assert "Printed 26 Nov 2026" in english


def test_a_translated_unit_keeps_the_charts_scale(world: World) -> None:
    """Labelled praise is rated -2 to 2 ("-2 a 2" in Spanish): the scale comes from the English
    definition, so a Spanish reader's chart has the same fixed axis."""
    from django.utils import translation

    from stepwise.progress.client_progress import metric_series
    from tests.factories import assign_exercise, hand_in

    assert world.mia_client.caregiver_links.exists()
    praise = assign_exercise(
        world.mia_client, world.alice, slug="labelled-praise-tracker", assignee="caregiver"
    )
    hand_in(praise, world.gina)
    scales = {}
    for language in ("en", "es"):
        with translation.override(language):
            ((_title, series),) = metric_series(world.mia_client, None).values()
            scales[language] = {(one.name, one.unit): one.scale for one in series}
    assert scales["en"][("compared", "-2 to 2")] == (-2, 2)
    assert scales["es"][("compared", "-2 a 2")] == (-2, 2)
