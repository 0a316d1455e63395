"""A Spanish-speaking therapist uses the clinic pages in Spanish; names stay as they were typed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client as HttpClient

from stepwise.accounts.models import User
from stepwise.clinic import actions
from tests.conftest import World
from tests.languages import back_to_english, read_in

__all__ = ["back_to_english"]  # the autouse fixture, for every test here

LoginAs = Callable[[User | None], HttpClient]


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_caseload_in_spanish(world: World, login_as: LoginAs) -> None:
    browser = read_in("es", login_as(world.alice), world.alice)
    html = browser.get("/clients/").content.decode()
    assert '<html lang="es">' in html
    main = _main(html)
    for words in ("Sus clientes", "Agregar un cliente", "Buscar por nombre", "Activos"):
        assert words in main
    assert "3 clientes" in main
    assert "Menor de 18" in main  # Mia
    assert "Carl" in main  # a name is never translated
    assert "Your caseload" not in main
    # The navigation around it.
    assert "Invitaciones" in html
    assert "Equipo" in html


def test_the_caseload_counts_one_client_in_the_singular(world: World, login_as: LoginAs) -> None:
    browser = read_in("es", login_as(world.alice), world.alice)
    main = _main(browser.get("/clients/?q=Carl").content.decode())
    assert "1 cliente<" in main


def test_a_clients_page_in_spanish(world: World, login_as: LoginAs) -> None:
    browser = read_in("es", login_as(world.alice), world.alice)
    main = _main(browser.get(f"/clients/{world.mia_client.pk}/").content.decode())
    for words in (
        "Editar los datos",
        "Equipo de atención",
        "Cuenta del cliente",
        "Madres, padres y cuidadores",
        "Crear un enlace de invitación",
        "Practicar juntos",
        "Dar de alta",
    ):
        assert words in main
    assert "Gina Parent" in main


def test_the_invitations_in_spanish(world: World, login_as: LoginAs) -> None:
    actions.invite_client(world.mia_client, world.alice)
    browser = read_in("es", login_as(world.alice), world.alice)
    main = _main(browser.get("/invitations/").content.decode())
    assert "Invitaciones abiertas" in main
    assert "Anular" in main
    assert "Vence" in main


def test_the_team_page_in_spanish(world: World, login_as: LoginAs) -> None:
    browser = read_in("es", login_as(world.ada), world.ada)
    main = _main(browser.get("/practice/").content.decode())
    for words in ("Miembros", "Invitar a un colega", "Registro de accesos", "Terapeuta"):
        assert words in main


def test_a_message_after_an_action_is_in_spanish(world: World, login_as: LoginAs) -> None:
    browser = read_in("es", login_as(world.alice), world.alice)
    response = browser.post(f"/clients/{world.carl_client.pk}/discharge/", follow=True)
    assert "Carl recibió el alta. Su expediente se conserva." in response.content.decode()


def test_form_errors_are_in_spanish(world: World, login_as: LoginAs) -> None:
    browser = read_in("es", login_as(world.alice), world.alice)
    html = browser.post(
        "/clients/new/",
        {"display_name": "Lu", "time_zone": "Mars/Olympus", "mobile": "12"},
    ).content.decode()
    assert "no es una zona horaria que conozcamos" in html
    assert "Escriba el número de celular con su código de país" in html
    assert "Nombre que se muestra en Stepwise" in html  # the label


@pytest.mark.parametrize("path", ["/clients/", "/practice/", "/invitations/"])
def test_the_clinic_pages_stay_in_english_by_default(
    world: World, login_as: LoginAs, path: str
) -> None:
    html = login_as(world.ada).get(path).content.decode()
    assert '<html lang="en">' in html
    assert "Cliente" not in _main(html)
