"""Giving a questionnaire in session: the locked device, server-side checks, handing back."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from stepwise.assessments.lock import MAX_PASSWORD_FAILURES, SESSION_KEY
from stepwise.assessments.models import AssessmentResponse, Mode, PracticeInstrument, Respondent
from stepwise.audit.models import AccessLog
from stepwise.clinic.models import Client
from tests.assessments.support import (
    PHQ9_MODERATE,
    form_data,
    response_count,
    results_url,
    start,
)
from tests.conftest import PASSWORD, World


def test_the_client_page_offers_enabled_questionnaires_to_start(
    world: World, alice_client: HttpClient
) -> None:
    html = alice_client.get(f"/clients/{world.carl_client.pk}/").content.decode()
    assert 'id="assessments-heading"' in html
    assert '<option value="phq9">PHQ-9' in html
    assert 'value="k10"' not in html  # licence-restricted, off until an admin confirms


def test_the_questionnaire_page_shows_instructions_recall_period_and_attribution(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client)
    response = alice_client.get("/in-session/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Over the last 2 weeks, how often have you been bothered" in html
    assert "Last 2 weeks" in html
    assert "Developed by Drs. Robert L. Spitzer" in html
    assert html.count("<fieldset") == 10  # nine items and the unscored difficulty question
    assert '<legend><span class="item-number">9.</span> Thoughts that you would' in html
    assert 'type="radio" name="item_1" value="0" id="id_item_1_0" required' in html
    assert 'aria-label="Main"' not in html  # no navigation while the device is handed over
    assert "Caseload" not in html


def test_other_pages_are_blocked_while_the_device_is_handed_over(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client)
    for path in [
        "/clients/",
        f"/clients/{world.dana_client.pk}/",
        f"/clients/{world.carl_client.pk}/assessments/",
        "/accounts/settings/",
        "/practice/",
        "/home/",
    ]:
        response = alice_client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/in-session/", path
    blocked_post = alice_client.post(f"/clients/{world.carl_client.pk}/discharge/")
    assert blocked_post["Location"] == "/in-session/"
    Client.objects.get(pk=world.carl_client.pk, discharged_at__isnull=True)


def test_htmx_requests_are_sent_back_to_the_questionnaire_too(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client)
    response = alice_client.get("/clients/?q=d", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/in-session/"


def test_submitting_stores_the_response_scored_with_its_version(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client)
    response = alice_client.post("/in-session/", form_data(PHQ9_MODERATE, extra_difficulty="1"))
    assert response.status_code == 302
    assert response["Location"] == "/in-session/done/"
    stored = AssessmentResponse.objects.get()
    assert (stored.client, stored.instrument.key, stored.instrument.version) == (
        world.carl_client,
        "phq9",
        1,
    )
    assert stored.answers == PHQ9_MODERATE
    assert stored.supplementary == {"difficulty": 1}
    assert stored.total is not None
    assert (int(stored.total), stored.band, stored.critical_items) == (14, "Moderate", [])
    assert (stored.mode, stored.respondent, stored.administered_by) == (
        Mode.IN_SESSION,
        Respondent.CLIENT,
        world.alice,
    )
    done = alice_client.get("/in-session/done/")
    assert "Thank you" in done.content.decode()
    assert "If you need help now" not in done.content.decode()
    # The same answers cannot be submitted twice.
    again = alice_client.post("/in-session/", form_data(PHQ9_MODERATE))
    assert again["Location"] == "/in-session/done/"
    assert response_count() == 1


def test_an_out_of_range_answer_is_refused_with_a_specific_message_and_nothing_stored(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client)
    answers = list(PHQ9_MODERATE)
    answers[8] = 7
    response = alice_client.post("/in-session/", form_data(answers))
    assert response.status_code == 400
    assert "Question 9: “7” is not one of the answers offered." in response.content.decode()
    assert response_count() == 0
    assert alice_client.session[SESSION_KEY]["state"] == "answering"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("item_3", "", "Please answer question 3."),
        ("item_3", "1.5", "Question 3: “1.5” is not one of the answers offered."),
        ("item_3", "-1", "Question 3: “-1” is not one of the answers offered."),
        ("extra_difficulty", "9", "is not one of the answers offered"),
    ],
)
def test_tampered_answers_get_the_form_back_with_the_problem_named(
    world: World, alice_client: HttpClient, field: str, value: str, message: str
) -> None:
    start(alice_client, world.carl_client)
    data = form_data(PHQ9_MODERATE)
    data[field] = value
    response = alice_client.post("/in-session/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response_count() == 0


def test_extra_post_fields_change_nothing(world: World, alice_client: HttpClient) -> None:
    start(alice_client, world.carl_client)
    data = form_data(
        PHQ9_MODERATE,
        client=str(world.oscar_client.pk),
        client_id=str(world.dana_client.pk),
        total="0",
        band="None-minimal",
        administered_by=str(world.bob.pk),
        instrument="k10",
        practice=str(world.other_practice.pk),
    )
    assert alice_client.post("/in-session/", data).status_code == 302
    stored = AssessmentResponse.objects.get()
    assert stored.total is not None
    assert (stored.client, int(stored.total), stored.band, stored.administered_by) == (
        world.carl_client,
        14,
        "Moderate",
        world.alice,
    )
    assert stored.instrument.key == "phq9"


def test_a_parent_report_is_stored_as_answered_by_a_caregiver(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.mia_client, "psc17")
    page = alice_client.get("/in-session/").content.decode()
    assert "For a parent or carer of Mia" in page
    answers = [0, 1, None, 2, 0, 1, 0, 0, 1, 0, 2, 0, 1, 0, None, 0, 0]  # two blanks are allowed
    assert alice_client.post("/in-session/", form_data(answers)).status_code == 302
    stored = AssessmentResponse.objects.get()
    assert stored.respondent == Respondent.CAREGIVER
    assert stored.answers == answers
    assert stored.total is not None
    assert int(stored.total) == 8


def test_too_many_blanks_are_refused_by_the_instruments_own_rule(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.mia_client, "psc17")
    answers = [None, None, None, None, 0, 1, 0, 0, 1, 0, 2, 0, 1, 0, 0, 0, 0]
    response = alice_client.post("/in-session/", form_data(answers))
    assert response.status_code == 400
    assert "4 or more blanks make the questionnaire invalid" in response.content.decode()
    assert response_count() == 0


def test_audit_c_asks_for_sex_because_its_cut_offs_depend_on_it(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client, "auditc")
    assert alice_client.post("/in-session/", form_data([1, 1, 1])).status_code == 400
    response = alice_client.post("/in-session/", form_data([1, 1, 1], sex="female"))
    assert response.status_code == 302
    stored = AssessmentResponse.objects.get()
    assert stored.total is not None
    assert (stored.sex, int(stored.total), stored.band) == (
        "female",
        3,
        "Positive screen (hazardous drinking or active AUD likely)",
    )


def test_a_wrong_password_keeps_the_device_locked(world: World, alice_client: HttpClient) -> None:
    start(alice_client, world.carl_client)
    response = alice_client.post("/in-session/end/", {"password": "not it"})
    assert response.status_code == 400
    assert "That is not the right password." in response.content.decode()
    assert alice_client.get("/clients/")["Location"] == "/in-session/"
    denied = AccessLog.objects.filter(action="assessment.in_session_end", outcome="denied")
    assert denied.count() == 1


def test_the_therapists_password_ends_the_mode_and_shows_the_result(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client)
    alice_client.post("/in-session/", form_data(PHQ9_MODERATE))
    response = alice_client.post("/in-session/end/", {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == results_url(world.carl_client, "phq9")
    assert SESSION_KEY not in alice_client.session
    assert alice_client.get("/clients/").status_code == 200
    results = alice_client.get(response["Location"]).content.decode()
    assert "data-clear-draft=" in results  # the browser drops its copy of the answers


def test_ending_without_submitting_returns_to_the_clients_assessments(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client)
    response = alice_client.post("/in-session/end/", {"password": PASSWORD})
    assert response["Location"] == f"/clients/{world.carl_client.pk}/assessments/"
    assert response_count() == 0


def test_repeated_wrong_passwords_sign_the_device_out(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client)
    for _ in range(MAX_PASSWORD_FAILURES - 1):
        assert alice_client.post("/in-session/end/", {"password": "guess"}).status_code == 400
    response = alice_client.post("/in-session/end/", {"password": "guess"})
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in alice_client.session
    assert alice_client.get("/clients/")["Location"].startswith("/accounts/login/")


def test_signing_out_is_possible_while_locked(world: World, alice_client: HttpClient) -> None:
    start(alice_client, world.carl_client)
    response = alice_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert SESSION_KEY not in alice_client.session


def test_the_questionnaire_page_without_a_running_session_goes_home(
    world: World, alice_client: HttpClient
) -> None:
    for path in ["/in-session/", "/in-session/done/"]:
        response = alice_client.get(path)
        assert response["Location"] == "/home/"


def test_a_discharged_client_cannot_be_given_a_questionnaire(
    world: World, alice_client: HttpClient
) -> None:
    Client.objects.filter(pk=world.carl_client.pk).update(discharged_at="2026-01-01T00:00:00Z")
    response = alice_client.post(
        f"/clients/{world.carl_client.pk}/in-session/", {"instrument": "phq9"}
    )
    assert response["Location"] == f"/clients/{world.carl_client.pk}/assessments/"
    assert SESSION_KEY not in alice_client.session


@pytest.mark.parametrize("key", ["k10", "nonsense", ""])
def test_only_switched_on_instruments_can_be_started(
    world: World, alice_client: HttpClient, key: str
) -> None:
    response = alice_client.post(
        f"/clients/{world.carl_client.pk}/in-session/", {"instrument": key}
    )
    assert response.status_code == 302
    assert SESSION_KEY not in alice_client.session


def test_an_instrument_switched_off_by_the_practice_cannot_be_started(
    world: World, alice_client: HttpClient
) -> None:
    PracticeInstrument.objects.create(practice=world.practice, key="phq9", enabled=False)
    alice_client.post(f"/clients/{world.carl_client.pk}/in-session/", {"instrument": "phq9"})
    assert SESSION_KEY not in alice_client.session


def test_a_colleague_without_access_cannot_start_one(world: World, login_as: object) -> None:
    bob = login_as(world.bob)  # type: ignore[operator]
    response = bob.post(f"/clients/{world.carl_client.pk}/in-session/", {"instrument": "phq9"})
    assert response.status_code == 404
    assert SESSION_KEY not in bob.session


def test_losing_access_mid_session_ends_the_mode(world: World, alice_client: HttpClient) -> None:
    start(alice_client, world.carl_client)
    world.carl_client.therapists.remove(world.alice)
    assert alice_client.get("/in-session/").status_code == 404
    assert SESSION_KEY not in alice_client.session


def test_each_page_of_the_session_writes_an_access_record(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client)
    alice_client.get("/in-session/")
    alice_client.post("/in-session/", form_data(PHQ9_MODERATE))
    alice_client.get("/in-session/done/")
    alice_client.post("/in-session/end/", {"password": PASSWORD})
    actions = list(
        AccessLog.objects.filter(client_id=world.carl_client.pk)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "assessment.start",
        "assessment.in_session",
        "assessment.submit",
        "assessment.in_session_done",
        "assessment.in_session_end",
    ]


def test_answering_can_keep_the_session_alive_while_locked(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client)
    assert alice_client.post("/accounts/keepalive/").status_code == 204
