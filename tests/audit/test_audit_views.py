"""Admins browse, filter and export the access log; clients see which staff opened their record."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.conftest import World


def test_an_admin_browses_the_practices_log_filtered_by_who(world: World, login_as: Any) -> None:
    login_as(world.alice).get(f"/clients/{world.carl_client.pk}/")
    login_as(world.bob).get(f"/clients/{world.carl_client.pk}/")  # denied: not on the care team
    admin = login_as(world.ada)
    html = admin.get("/practice/access-log/?actor=bob@example.com").content.decode()
    assert "bob@example.com" in html
    assert "Denied" in html
    assert "alice@example.com" not in html


def test_the_log_exports_as_csv_without_other_practices(world: World, login_as: Any) -> None:
    login_as(world.alice).get(f"/clients/{world.carl_client.pk}/")
    login_as(world.olga).get(f"/clients/{world.oscar_client.pk}/")
    response = login_as(world.ada).get("/practice/access-log.csv")
    assert response["Content-Disposition"] == 'attachment; filename="access-log.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["when (UTC)", "who", "client id"]
    who = {row[1] for row in rows[1:]}
    assert "alice@example.com" in who
    assert "olga@example.org" not in who


def test_a_client_sees_which_staff_opened_their_record(world: World, login_as: Any) -> None:
    login_as(world.alice).get(f"/clients/{world.carl_client.pk}/")
    html = login_as(world.carl).get("/me/who-viewed/").content.decode()
    assert "Alice Therapist" in html
    assert "Carl" not in html.split("<main", 1)[1].split("Who has looked", 1)[0]


def test_a_therapist_who_is_not_admin_cannot_read_the_log(world: World, login_as: Any) -> None:
    assert login_as(world.alice).get("/practice/access-log/").status_code == 404
