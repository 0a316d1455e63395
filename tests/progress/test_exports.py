"""Exports: a client's CSV, the FHIR Bundle (validated with fhir.resources), the printable
report, the practice figures and their de-identified CSV; all audited, none cached."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client as HttpClient
from fhir.resources.R4B.bundle import Bundle

from stepwise.accounts.models import User
from stepwise.audit.models import AccessLog
from stepwise.progress import practice
from tests.conftest import World
from tests.progress import history as h
from tests.progress.test_dashboard import text_of
from tests.progress.test_summary import exposure

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
def carl_record(world: World, frozen: Any) -> World:
    today = world.carl_client_today()
    mood = h.assign_daily(world.carl_client, world.alice, today - timedelta(days=4))
    h.hand_in(mood, today - timedelta(days=2), h.mood(6, '=HYPERLINK("http://x")'))
    h.hand_in(mood, today - timedelta(days=3), h.mood(7), late_by=1)
    log = h.assign_daily(
        world.carl_client, world.alice, today - timedelta(days=4), slug="exposure-practice-log"
    )
    h.hand_in(log, today - timedelta(days=3), exposure(60, 80, 30))
    h.practise_in_session(world.carl_client, world.alice, today - timedelta(days=4), h.mood(5))
    h.answer_phq9(world.carl_client, NOW - timedelta(days=20), 16)
    h.answer_phq9(world.carl_client, NOW - timedelta(days=1), 9, item9=1)
    return world


def read_csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode())))


def test_client_csv_lists_every_submission_and_score_as_a_download(
    carl_record: World, alice_client: HttpClient
) -> None:
    world = carl_record
    response = alice_client.get(f"/clients/{world.carl_client.pk}/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="stepwise-client-')
    assert "no-store" in response["Cache-Control"]
    rows = read_csv(response.content)
    assert list(rows[0]) == [
        "record", "id", "submitted_at_utc", "client_local_date", "title", "version", "mode",
        "homework", "score", "band", "subscales", "metrics", "answers",
    ]  # fmt: skip
    assert [(r["record"], r["title"], r["mode"], r["homework"]) for r in rows] == [
        ("questionnaire", "PHQ-9", "home", ""),
        ("exercise", "Daily mood check-in", "in_session", ""),
        ("exercise", "Exposure practice log", "home", "on time"),
        ("exercise", "Daily mood check-in", "home", "on time"),
        ("exercise", "Daily mood check-in", "home", "late"),
        ("questionnaire", "PHQ-9", "home", ""),
    ]
    assert (rows[0]["score"], rows[0]["band"]) == ("16", "Moderately severe")
    assert "suds_peak=80" in rows[2]["metrics"]
    assert json.loads(rows[2]["answers"])["suds_peak"] == 80


def test_client_csv_never_hands_a_spreadsheet_a_formula(
    carl_record: World, alice_client: HttpClient
) -> None:
    body = alice_client.get(f"/clients/{carl_record.carl_client.pk}/export.csv").content.decode()
    for row in csv.reader(io.StringIO(body)):
        for cell in row:
            assert not cell.startswith(("=", "+", "@")), cell
    assert "HYPERLINK" in body  # kept, inside the JSON of the answers


def test_fhir_bundle_validates_and_uses_loinc_for_the_phq9(
    carl_record: World, alice_client: HttpClient
) -> None:
    world = carl_record
    response = alice_client.get(f"/clients/{world.carl_client.pk}/fhir/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    bundle = Bundle.model_validate(data)  # raises on anything FHIR does not allow
    assert bundle.type == "collection"
    kinds = [entry["resource"]["resourceType"] for entry in data["entry"]]
    assert kinds.count("Patient") == 1
    assert kinds.count("Questionnaire") == 3  # PHQ-9 v1, mood check-in v1, exposure log v1
    assert kinds.count("QuestionnaireResponse") == 2 + 4
    observations = [
        e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Observation"
    ]
    scores = [o for o in observations if o["category"][0]["coding"][0]["code"] == "survey"]
    assert [o["code"]["coding"][0]["code"] for o in scores] == ["44261-6", "44261-6"]
    assert [o["valueQuantity"]["value"] for o in scores] == [16, 9]
    assert scores[1]["interpretation"] == [{"text": "Mild"}]
    phq9 = next(
        e["resource"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "Questionnaire" and e["resource"].get("code")
    )
    assert phq9["code"][0] == {
        "system": "http://loinc.org",
        "code": "44249-1",
        "display": "PHQ-9 quick depression assessment panel",
    }
    metrics = [o for o in observations if o["category"][0]["coding"][0]["code"] == "therapy"]
    assert {"suds_peak", "mood"} <= {o["code"]["coding"][0]["code"] for o in metrics}
    full_urls = {entry["fullUrl"] for entry in data["entry"]}
    for o in observations:
        assert o["derivedFrom"][0]["reference"] in full_urls
        assert o["subject"]["reference"] in full_urls
    responses = [
        e["resource"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    canonicals = {
        f"{e['resource']['url']}|{e['resource']['version']}"
        for e in data["entry"]
        if e["resource"]["resourceType"] == "Questionnaire"
    }
    assert {r["questionnaire"] for r in responses} <= canonicals


def test_fhir_bundle_uses_loinc_for_the_gad7_panel_and_total(
    world: World, frozen: Any, alice_client: HttpClient
) -> None:
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        h.submit_assessment(
            client=world.carl_client,
            instrument=h.shipped("gad7"),
            answers=[2, 2, 1, 1, 2, 1, 2],
            mode="home",
        )

    data = json.loads(alice_client.get(f"/clients/{world.carl_client.pk}/fhir/").content)

    Bundle.model_validate(data)
    gad7 = next(
        e["resource"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "Questionnaire" and e["resource"].get("code")
    )
    assert gad7["code"][0] == {
        "system": "http://loinc.org",
        "code": "69737-5",
        "display": "Generalized anxiety disorder 7 item (GAD-7)",
    }
    (score,) = [
        e["resource"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["category"][0]["coding"][0]["code"] == "survey"
    ]
    assert score["code"]["coding"][0]["system"] == "http://loinc.org"
    assert score["code"]["coding"][0]["code"] == "70274-6"
    assert score["valueQuantity"]["value"] == 11
    assert score["interpretation"] == [{"text": "Moderate"}]


def test_the_fhir_command_writes_the_same_bundle(
    carl_record: World, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("export_fhir", str(carl_record.carl_client.pk))
    data = json.loads(capsys.readouterr().out)
    Bundle.model_validate(data)
    assert data["entry"][0]["resource"]["resourceType"] == "Patient"


def test_the_report_prints_homework_measures_and_questionnaires(
    carl_record: World, alice_client: HttpClient
) -> None:
    html = alice_client.get(f"/clients/{carl_record.carl_client.pk}/report/").content.decode()
    text = text_of(html)
    assert "Record of Carl" in text
    assert "Daily mood check-in" in text
    assert "Exposure practice log" in text
    assert "SUDS peak" in text
    assert "PHQ-9 total score" in text
    assert "progress/print.js" in html


@pytest.mark.parametrize("route", ["export.csv", "report/", "fhir/"])
def test_exports_are_for_the_care_team_only_and_every_one_is_audited(
    world: World, login_as: Callable[[User | None], HttpClient], route: str
) -> None:
    url = f"/clients/{world.carl_client.pk}/{route}"
    for persona in (world.bob, world.ada, world.olga, world.carl, world.gina):
        before = AccessLog.objects.filter(outcome="denied").count()
        assert login_as(persona).get(url).status_code == 404
        assert AccessLog.objects.filter(outcome="denied").count() == before + 1
    before = AccessLog.objects.count()
    login_as(world.alice).get(url)
    new = list(AccessLog.objects.order_by("id")[before:])
    assert len(new) == 1
    assert (new[0].client_id, new[0].outcome) == (world.carl_client.pk, "allowed")
    assert new[0].action.startswith("export.")


def test_practice_figures_give_counts_and_rates_and_no_names(
    carl_record: World, login_as: Callable[[User | None], HttpClient]
) -> None:
    world = carl_record
    ada = login_as(world.ada)
    html = ada.get("/practice/figures/").content.decode()
    text = text_of(html)
    assert "Alice Therapist" in text
    assert "Whole practice" in text
    for name in ("Carl", "Dana", "Mia"):
        assert f"{name} " not in text.replace("Carl Therapist", "")
    assert f"/clients/{world.carl_client.pk}/" not in html
    response = ada.get("/practice/figures.csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = read_csv(response.content)
    assert list(rows[0]) == practice.CSV_HEADERS
    assert len(rows) == 3
    assert all(r["client"].startswith("C-") for r in rows)
    body = response.content.decode()
    assert "Carl" not in body
    assert str(world.carl_client.pk) not in {r["client"] for r in rows}
    carl = next(
        r
        for r in rows
        if r["client"] == practice.pseudonym(world.practice.pk, world.carl_client.pk)
    )
    assert (carl["due_30_days"], carl["on_time_30_days"], carl["late_30_days"]) == ("8", "2", "1")
    assert AccessLog.objects.filter(action="export.practice_csv", client_id=None).count() == 1


@pytest.mark.parametrize("persona", ["alice", "bob", "carl", "gina"])
def test_practice_figures_are_for_practice_admins_only(
    world: World, login_as: Callable[[User | None], HttpClient], persona: str
) -> None:
    browser = login_as(getattr(world, persona))
    assert browser.get("/practice/figures/").status_code == 404
    assert browser.get("/practice/figures.csv").status_code == 404


def test_another_practices_admin_sees_only_their_own_practice(
    carl_record: World, login_as: Callable[[User | None], HttpClient]
) -> None:
    rows = read_csv(login_as(carl_record.olga).get("/practice/figures.csv").content)
    assert len(rows) == 1  # Oscar only
