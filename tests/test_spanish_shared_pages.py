"""The shared pages, the sign-in pages, the emails and the scripts' words in Spanish.

English stays the default; a visitor whose browser asks for Spanish gets Spanish pages with
`lang="es"`, and the scripts get their words from the JavaScript catalogue, served by the app.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone, translation

from stepwise.lib.emails import render_templated_email
from tests.conftest import World
from tests.languages import back_to_english, read_in

__all__ = ["back_to_english"]  # the autouse fixture, for every test here

SPANISH_PAGES = {
    "/": ("Tareas de terapia que sí se hacen", "Therapy homework that gets done"),
    "/accounts/login/": ("¿Olvidó su contraseña?", "Forgot your password?"),
    "/accounts/signup/": ("Cree su consulta", "Create your practice"),
    "/accounts/password/reset/": ("Restablezca su contraseña", "Reset your password"),
}


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize("path", SPANISH_PAGES)
def test_a_visitor_whose_browser_asks_for_spanish_reads_the_page_in_spanish(
    db: None, client: HttpClient, path: str
) -> None:
    spanish, english = SPANISH_PAGES[path]
    html = client.get(path, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es">' in html
    assert spanish in html
    assert english not in _main(html)
    # The navigation and the footer too.
    assert "Iniciar sesión" in html
    assert "Stepwise: tareas de terapia para casa, de código abierto." in html


@pytest.mark.parametrize("path", SPANISH_PAGES)
def test_without_a_spanish_browser_the_page_stays_in_english(
    db: None, client: HttpClient, path: str
) -> None:
    spanish, english = SPANISH_PAGES[path]
    html = client.get(path).content.decode()
    assert '<html lang="en">' in html
    assert english in html
    assert spanish not in html


def test_the_javascript_catalogue_serves_the_scripts_words_in_spanish(
    db: None, client: HttpClient
) -> None:
    response = client.get("/jsi18n/es/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert "Temporizador en marcha." in body
    assert "No tiene conexi" in body  # the offline notice of form-draft.js (JSON-escaped)
    english = client.get("/jsi18n/en/").content.decode()
    assert "Temporizador" not in english
    assert "globals.gettext = django.gettext" in english  # the functions, no words to change
    assert client.get("/jsi18n/xx/").status_code == 404


def test_the_javascript_catalogue_is_cacheable_even_for_someone_signed_in(
    world: World, alice_client: HttpClient
) -> None:
    """The catalogue is the same for everyone (the language is in the address): unlike a
    signed-in page, browsers may keep it."""
    response = alice_client.get("/jsi18n/es/")
    cache = response["Cache-Control"]
    assert "public" in cache
    assert "max-age=3600" in cache
    assert "no-store" not in cache
    again = alice_client.get("/jsi18n/es/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304


def test_every_page_loads_the_catalogue_of_its_language_before_the_scripts(
    db: None, client: HttpClient
) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts[0] == "/jsi18n/es/"
    assert any(src.endswith("js/stepwise.js") for src in scripts[1:])
    assert "<script>" not in html  # nothing inline: the Content-Security-Policy holds
    english = client.get("/").content.decode()
    assert '<script src="/jsi18n/en/" defer>' in english


def test_a_spanish_speaking_client_gets_spanish_navigation(world: World, login_as: object) -> None:
    browser = read_in("es", login_as(world.carl), world.carl)  # type: ignore[operator]
    html = browser.get("/me/").content.decode()
    assert '<html lang="es">' in html
    for words in ("Hoy", "Progreso", "Configuración", "Cerrar sesión", "¿Sigue ahí?"):
        assert words in html


EMAILS: dict[str, tuple[dict[str, object], str, str]] = {
    "magic_link": ({"path": "/l/x/"}, "Su enlace para iniciar sesión", "Your sign-in link"),
    "attention_needed": (
        {"path": "/a/", "name": "Alice"},
        "Un cliente necesita su atención",
        "A client needs your attention",
    ),
    "attention_escalated": (
        {"path": "/a/", "name": "Ada"},
        "Algo en Stepwise sigue esperando a una persona",
        "Something in Stepwise is still waiting for a person",
    ),
    "staff_invitation": (
        {"path": "/i/", "inviter": "Ada", "practice_name": "Riverside"},
        "Ada le invita a unirse a Riverside en Stepwise",
        "Ada invites you to join Riverside on Stepwise",
    ),
    "invitation": (
        {
            "path": "/i/",
            "inviter": "Alice",
            "practice_name": "Riverside",
            "kind": "caregiver",
            "child_name": "Mia",
        },
        "Alice le invita a Stepwise para ayudar a Mia",
        "Alice invites you to Stepwise, to help Mia",
    ),
}


@pytest.mark.parametrize("template", EMAILS)
def test_emails_are_written_in_the_language_they_are_rendered_in(template: str) -> None:
    context, spanish, english = EMAILS[template]
    context = {**context, "site_url": "https://stepwise.test", "expires_at": timezone.now()}
    with translation.override("es"):
        subject, text, html = render_templated_email(template, context, time_zone="UTC")
    assert subject == spanish
    assert "Hola" in text
    assert "Hola" in html
    assert '<html lang="es">' in html
    with translation.override("en"):
        subject, text, html = render_templated_email(template, context, time_zone="UTC")
    assert subject == english
    assert '<html lang="en">' in html


def test_the_digest_email_counts_in_spanish_plurals() -> None:
    context = {"greeting": "Hola", "link": "/", "settings_url": "/s/", "alerts": 0}
    with translation.override("es"):
        _, one, _ = render_templated_email("digest", {**context, "submissions": 1}, time_zone="")
        _, many, _ = render_templated_email("digest", {**context, "submissions": 3}, time_zone="")
    assert "Esperando su revisión: 1 entrega." in one
    assert "Esperando su revisión: 3 entregas." in many


def test_the_style_page_in_spanish_keeps_the_questionnaire_sample_in_english_and_says_so(
    world: World, login_as: Any
) -> None:
    """Questionnaire wording is shown only in an official translation: the sample PHQ-9 item
    stays English, marked `lang="en"` (screen readers and the untranslated-text check)."""
    browser = read_in("es", login_as(world.alice), world.alice)
    main = _main(browser.get("/style/").content.decode())
    assert "Página de estilo" in main
    assert "Cada componente del sistema de diseño de Stepwise" in main
    sample = main.split('<fieldset lang="en">', 1)[1].split("</fieldset>", 1)[0]
    assert "Over the last 2 weeks" in sample
    assert "{%" not in main


def test_dates_follow_the_readers_language_not_an_english_format() -> None:
    from datetime import UTC, date, datetime

    from stepwise.lib.timetags import client_day

    expires = datetime(2026, 12, 14, 10, 0, tzinfo=UTC)
    context = {"path": "/i/", "inviter": "Ada", "practice_name": "Riverside", "expires_at": expires}
    with translation.override("es"):
        _, text, _ = render_templated_email("staff_invitation", context, time_zone="UTC")
        day = client_day(date(2026, 12, 7))
    assert "hasta el lun 14 dic 2026, 10:00 (UTC)" in text
    assert day == "lun 7 dic, hora del cliente"
    with translation.override("en"):
        _, text, _ = render_templated_email("staff_invitation", context, time_zone="UTC")
        day = client_day(date(2026, 12, 7))
    assert "until Mon 14 Dec 2026, 10:00 (UTC)" in text
    assert day == "Mon 7 Dec, client's time"


@pytest.mark.parametrize(
    ("days", "english", "spanish"),
    [
        (0, "today", "hoy"),
        (1, "tomorrow", "mañana"),
        (-1, "yesterday", "ayer"),
        (3, "in 3 days", "en 3 días"),
        (-2, "2 days ago", "hace 2 días"),
        (8, "Tue 15 Dec", "mar 15 dic"),
    ],
)
def test_days_are_said_as_people_say_them_in_each_language(
    days: int, english: str, spanish: str
) -> None:
    from datetime import date, timedelta

    from stepwise.lib.timetags import relative_day

    today = date(2026, 12, 7)
    day = today + timedelta(days=days)
    with translation.override("en"):
        assert relative_day(day, today) == english
    with translation.override("es"):
        assert relative_day(day, today) == spanish


def test_the_catalogue_loads_on_the_pin_page_of_a_locked_device(world: World) -> None:
    """The unlock page is a page like any other: its scripts need their words too, though every
    other address waits for the PIN."""
    from datetime import timedelta

    import time_machine

    from tests.accounts.test_keep_signed_in import _kept

    with time_machine.travel(timezone.now(), tick=False) as clock:
        browser = _kept()
        clock.shift(timedelta(minutes=16))
        assert browser.get("/me/")["Location"].startswith("/accounts/unlock/")
        catalogue = browser.get("/jsi18n/es/")
    assert catalogue.status_code == 200
    assert "Temporizador en marcha." in catalogue.content.decode()


def test_the_catalogue_loads_for_a_therapist_still_setting_up_the_second_step(db: None) -> None:
    from stepwise.clinic import actions
    from tests.conftest import make_user

    newcomer = make_user("nina@example.com", "Nina New")
    actions.create_solo_practice(newcomer, "Nina's practice")
    browser = HttpClient()
    browser.force_login(newcomer, backend="django.contrib.auth.backends.ModelBackend")
    assert browser.get("/clients/").status_code == 302  # to the second step's set-up
    assert browser.get("/jsi18n/es/").status_code == 200


def test_a_missing_page_says_so_in_the_visitors_language(db: None, client: HttpClient) -> None:
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "No encontramos esa página" in html
    english = client.get("/no-such-page/").content.decode()
    assert "We can't find that page" in english or "We can&#x27;t find that page" in english


def test_a_server_error_page_needs_no_database_and_speaks_the_language(db: None) -> None:
    from django.template.loader import render_to_string

    with translation.override("es"):
        html = render_to_string("500.html")
        refused = render_to_string("403_csrf.html", {"reason": "CSRF cookie not set."})
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="es">' in html
    assert "Algo salió mal" in html
    assert "Vuelva a intentarlo" in refused
    assert "CSRF" not in refused  # no technical reason shown to a parent


def test_a_form_sent_without_its_cookie_is_refused_in_plain_words(db: None) -> None:
    browser = HttpClient(enforce_csrf_checks=True)
    response = browser.post("/accounts/login/", {"login": "x@example.com"})
    assert response.status_code == 403
    assert "Please try that again" in response.content.decode()
