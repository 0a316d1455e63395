"""A practice's instruments: licence-restricted ones enabled by an admin, imports, the crisis
message."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from stepwise.accounts.models import User
from stepwise.assessments import catalog
from stepwise.assessments.models import (
    InstrumentSource,
    InstrumentVersion,
    PracticeAssessmentSettings,
    PracticeInstrument,
)
from tests.assessments.helpers import raw_instrument
from tests.assessments.support import PHQ9_MODERATE, form_data, start
from tests.conftest import World

LoginAs = Callable[[User | None], HttpClient]


def _enabled(world: World, key: str) -> bool:
    found = catalog.find_available(world.practice.pk, key)
    assert found is not None
    return found.enabled


def test_the_list_shows_licence_restricted_instruments_off_with_their_licence_note(
    world: World, login_as: LoginAs
) -> None:
    html = login_as(world.ada).get("/practice/instruments/").content.decode()
    assert "K10" in html
    assert "UNVERIFIED: no licence statement located." in html
    assert 'name="confirm_licence"' in html
    assert "Import an instrument" in html


def test_therapists_see_the_list_without_controls(world: World, login_as: LoginAs) -> None:
    html = login_as(world.alice).get("/practice/instruments/").content.decode()
    assert "PHQ-9" in html
    assert "Switch on" not in html
    assert "Switch off" not in html
    assert "Import an instrument" not in html


def test_enabling_a_licence_restricted_instrument_needs_the_confirmation(
    world: World, login_as: LoginAs
) -> None:
    ada = login_as(world.ada)
    response = ada.post("/practice/instruments/k10/enable/")
    assert response["Location"] == "/practice/instruments/"
    assert not _enabled(world, "k10")
    assert "Tick the box to confirm" in ada.get("/practice/instruments/").content.decode()

    ada.post("/practice/instruments/k10/enable/", {"confirm_licence": "1"})
    assert _enabled(world, "k10")
    setting = PracticeInstrument.objects.get(practice=world.practice, key="k10")
    assert setting.licence_confirmed_by == world.ada
    assert setting.licence_confirmed_at is not None
    page = ada.get("/practice/instruments/").content.decode()
    assert "Licence confirmed" in page
    assert "by Ada Admin on" in page
    # Another practice is not affected.
    other = catalog.find_available(world.other_practice.pk, "k10")
    assert other is not None
    assert not other.enabled


def test_an_enabled_instrument_can_be_started_by_the_care_team(
    world: World, login_as: LoginAs
) -> None:
    login_as(world.ada).post("/practice/instruments/k10/enable/", {"confirm_licence": "1"})
    alice = login_as(world.alice)
    assert '<option value="k10">' in alice.get(f"/clients/{world.carl_client.pk}/").content.decode()
    start(alice, world.carl_client, "k10")


def test_switching_off_and_on_again(world: World, login_as: LoginAs) -> None:
    ada = login_as(world.ada)
    ada.post("/practice/instruments/phq9/disable/")
    assert not _enabled(world, "phq9")
    ada.post("/practice/instruments/phq9/enable/")  # shipped on: no licence to confirm
    assert _enabled(world, "phq9")


def test_only_practice_admins_change_instruments(world: World, login_as: LoginAs) -> None:
    for person in (world.alice, world.bob, world.carl, world.gina):
        response = login_as(person).post(
            "/practice/instruments/k10/enable/", {"confirm_licence": "1"}
        )
        assert response.status_code == 404
    assert not _enabled(world, "k10")
    assert login_as(world.ada).post("/practice/instruments/nonsense/enable/").status_code == 404


def test_the_list_takes_a_fixed_number_of_queries(world: World, login_as: LoginAs) -> None:
    ada = login_as(world.ada)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert ada.get("/practice/instruments/").status_code == 200
        return len(captured)

    before = queries()
    for key in ("k10", "pss10", "phqa", "scared_child", "scared_parent"):
        ada.post(f"/practice/instruments/{key}/enable/", {"confirm_licence": "1"})
    assert queries() == before


def _own_instrument(**changes: Any) -> bytes:
    data = raw_instrument("gad7")
    data.update(
        {
            "id": "worry_scale",
            "name": "Worry Scale (licensed)",
            "abbreviation": "WS-7",
            "license": "Licensed to Riverside until 2030.",
        }
    )
    data.update(changes)
    return json.dumps(data).encode()


def _import(browser: HttpClient, content: bytes, confirm: bool = True) -> Any:
    data: dict[str, Any] = {"file": SimpleUploadedFile("scale.json", content, "application/json")}
    if confirm:
        data["confirm_licence"] = "on"
    return browser.post("/practice/instruments/import/", data)


def test_an_admin_imports_an_instrument_for_their_practice_only(
    world: World, login_as: LoginAs
) -> None:
    ada = login_as(world.ada)
    assert ada.get("/practice/instruments/import/").status_code == 200
    response = _import(ada, _own_instrument())
    assert response["Location"] == "/practice/instruments/"
    version = InstrumentVersion.objects.get(key="worry_scale")
    assert (version.source, version.practice, version.imported_by, version.version) == (
        InstrumentSource.IMPORTED,
        world.practice,
        world.ada,
        1,
    )
    assert _enabled(world, "worry_scale")
    assert catalog.find_available(world.other_practice.pk, "worry_scale") is None
    alice = login_as(world.alice)
    start(alice, world.carl_client, "worry_scale")
    assert alice.post("/in-session/", form_data([1] * 7)).status_code == 302
    olga = login_as(world.olga)
    assert "WS-7" not in olga.get("/practice/instruments/").content.decode()
    # The import's id names Riverside's page; in another practice it names nothing.
    theirs = olga.get(f"/clients/{world.oscar_client.pk}/assessments/{version.pk}/")
    assert theirs.status_code == 404
    ours = login_as(world.alice).get(f"/clients/{world.carl_client.pk}/assessments/{version.pk}/")
    assert ours.status_code == 200


def test_importing_a_changed_file_adds_a_version_and_the_same_file_is_refused(
    world: World, login_as: LoginAs
) -> None:
    ada = login_as(world.ada)
    _import(ada, _own_instrument())
    same = _import(ada, _own_instrument())
    assert same.status_code == 400
    assert "same as version 1" in same.content.decode()
    _import(ada, _own_instrument(name="Worry Scale, second edition"))
    assert list(
        InstrumentVersion.objects.filter(key="worry_scale").values_list("version", flat=True)
    ) == [2, 1]


def test_a_bad_file_is_refused_with_every_problem_listed(world: World, login_as: LoginAs) -> None:
    data = json.loads(_own_instrument())
    data["items"][2]["number"] = 7
    data["bands"][0]["max"] = 3
    del data["scoring"]
    response = _import(login_as(world.ada), json.dumps(data).encode())
    html = response.content.decode()
    assert response.status_code == 400
    assert "The file was not imported. Please fix these problems:" in html
    assert "<li>scoring: Field required</li>" in html
    assert InstrumentVersion.objects.filter(practice__isnull=False).count() == 0


def test_import_problems_are_readable(world: World, login_as: LoginAs) -> None:
    ada = login_as(world.ada)
    cases = {
        b"not json": "not valid JSON",
        _own_instrument(id="phq9"): "id &#x27;phq9&#x27; is already used by another instrument",
        _own_instrument(category="mood"): "category must be one of: depression, anxiety",
        _own_instrument(respondent="teacher"): "respondent must be one of: self, caregiver",
        _own_instrument(license=""): "license must be given as text",
        "é".encode("latin-1"): "The file is not UTF-8 text",
        b" " * (512 * 1024 + 1): "The file is larger than 512 KB.",
    }
    for content, problem in cases.items():
        response = _import(ada, content)
        assert response.status_code == 400
        assert problem in response.content.decode(), problem
    assert InstrumentVersion.objects.filter(practice__isnull=False).count() == 0


def test_an_import_must_state_its_scoring_rules_and_hears_what_is_wrong_with_them(
    world: World, login_as: LoginAs
) -> None:
    ada = login_as(world.ada)
    data = json.loads(_own_instrument())
    del data["scoring_rules"]
    missing = _import(ada, json.dumps(data).encode()).content.decode()
    assert "scoring_rules is missing: state how the instrument is scored" in missing
    assert "&quot;method&quot;: &quot;sum&quot;" in missing  # what the prose seems to say

    data = json.loads(_own_instrument())
    data["scoring_rules"]["missing"] = {"policy": "blank_as_zero"}
    data["scoring_rules"]["critical"] = [{"item": 8, "operator": ">=", "value": 1}]
    response = _import(ada, json.dumps(data).encode())
    html = response.content.decode()
    assert response.status_code == 400
    assert "&quot;blank_as_zero&quot; needs max_missing" in html
    assert "critical rule for item 8: not an item; items run from 1 to 7" in html
    assert InstrumentVersion.objects.filter(practice__isnull=False).count() == 0


def test_importing_needs_the_licence_confirmation(world: World, login_as: LoginAs) -> None:
    response = _import(login_as(world.ada), _own_instrument(), confirm=False)
    assert response.status_code == 400
    assert "Tick the box to confirm that your practice holds a licence." in (
        response.content.decode()
    )
    assert not InstrumentVersion.objects.filter(key="worry_scale").exists()


def test_only_admins_can_import(world: World, login_as: LoginAs) -> None:
    for person in (world.alice, world.bob, world.carl):
        browser = login_as(person)
        assert browser.get("/practice/instruments/import/").status_code == 404
        assert _import(browser, _own_instrument()).status_code == 404
    assert not InstrumentVersion.objects.filter(key="worry_scale").exists()


def test_an_admin_sets_the_crisis_message_and_can_reset_it(world: World, login_as: LoginAs) -> None:
    ada = login_as(world.ada)
    page = ada.get("/practice/assessments/").content.decode()
    assert "Samaritans: 116 123" in page  # the defaults, with their sources
    assert "https://www.samaritans.org/" in page
    response = ada.post(
        "/practice/assessments/",
        {
            "crisis_message": "Call Riverside's duty line: 0800 000 000.",
            "email_alerts": "on",
            "country": "GB",
        },
    )
    assert response.status_code == 302
    saved = PracticeAssessmentSettings.objects.get(practice=world.practice)
    assert (saved.crisis_message, saved.email_alerts, saved.updated_by) == (
        "Call Riverside's duty line: 0800 000 000.",
        True,
        world.ada,
    )
    world.practice.refresh_from_db()
    assert world.practice.country == "GB"
    ada.post("/practice/assessments/", {"crisis_message": "x", "reset": "1"})
    saved.refresh_from_db()
    assert (saved.crisis_message, saved.email_alerts) == ("", False)
    world.practice.refresh_from_db()
    assert world.practice.country == "GB"  # a form that did not post it keeps it
    wrong = ada.post("/practice/assessments/", {"country": "XX", "crisis_message": "Mine"})
    assert wrong.status_code == 400
    assert "Mine" in wrong.content.decode()


def test_only_admins_change_the_crisis_message(world: World, login_as: LoginAs) -> None:
    for person in (world.alice, world.bob, world.gina):
        browser = login_as(person)
        assert browser.get("/practice/assessments/").status_code == 404
        assert browser.post("/practice/assessments/", {"crisis_message": "x"}).status_code == 404
    assert not PracticeAssessmentSettings.objects.exists()


def test_in_session_answers_still_work_after_an_admin_switches_the_instrument_off(
    world: World, login_as: LoginAs
) -> None:
    alice = login_as(world.alice)
    start(alice, world.carl_client)
    PracticeInstrument.objects.create(practice=world.practice, key="phq9", enabled=False)
    assert alice.post("/in-session/", form_data(PHQ9_MODERATE)).status_code == 302
