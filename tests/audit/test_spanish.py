"""The access log and "who has looked at my record" in Spanish; the log's codes stay as written."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from django.test import Client as HttpClient

from stepwise.accounts.models import User
from tests.conftest import World
from tests.languages import back_to_english, read_in

__all__ = ["back_to_english"]  # the autouse fixture, for every test here

LoginAs = Callable[[User | None], HttpClient]


def test_the_access_log_in_spanish(world: World, login_as: LoginAs) -> None:
    browser = read_in("es", login_as(world.ada), world.ada)
    browser.get("/practice/access-log/")  # logged: the second look lists the first
    html = browser.get("/practice/access-log/").content.decode()
    for words in ("Registro de accesos", "Filtrar", "Descargar como CSV", "Permitido", "Cuándo"):
        assert words in html
    assert '<code lang="en">audit.browse</code>' in html  # a code, not a sentence


def test_the_access_log_csv_has_a_spanish_header(world: World, login_as: LoginAs) -> None:
    browser = read_in("es", login_as(world.ada), world.ada)
    response: Any = browser.get("/practice/access-log.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["cuándo (UTC)", "quién", "id del cliente"]


def test_a_client_reads_who_opened_their_record_in_spanish(world: World, login_as: LoginAs) -> None:
    login_as(world.alice).get(f"/clients/{world.carl_client.pk}/")
    browser = read_in("es", login_as(world.carl), world.carl)
    html = browser.get("/me/who-viewed/").content.decode()
    assert "Quién ha visto mi expediente" in html
    assert "Alice Therapist" in html
