"""Critical answers: the alert, the email without clinical content, the crisis message, and the
acknowledgement with a note."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from stepwise.assessments import actions
from stepwise.assessments.models import Alert, PracticeAssessmentSettings
from stepwise.audit.models import AccessLog
from stepwise.clinic import actions as clinic_actions
from tests.assessments.support import (
    PHQ9_CRITICAL,
    PHQ9_MODERATE,
    form_data,
    immediate_tasks,
    shipped,
    start,
    submit,
)
from tests.conftest import PASSWORD, World

__all__ = ["immediate_tasks"]

CLINICAL_WORDS = re.compile(
    r"phq|gad|pcl|who-5|dass|audit|assessment|questionnaire|score|answer|question|item|"
    r"suicid|harm|dead|depress|anxi|alert|band|severe|risk|crisis",
    re.IGNORECASE,
)


def test_a_critical_answer_raises_an_alert_for_the_care_team(world: World) -> None:
    submission = submit(world.carl_client, "phq9", PHQ9_CRITICAL, administered_by=world.alice)
    alert = submission.alert
    assert alert is not None
    assert (alert.client, alert.response, alert.items) == (
        world.carl_client,
        submission.response,
        [9],
    )
    assert alert.acknowledged_at is None


def test_an_answer_without_a_critical_item_raises_no_alert(world: World) -> None:
    assert submit(world.carl_client, "phq9", PHQ9_MODERATE).alert is None
    assert Alert.objects.count() == 0


def test_phq_a_supplementary_questions_raise_alerts_too(
    world: World, alice_client: HttpClient
) -> None:
    actions.set_instrument_enabled(
        world.practice, "phqa", enabled=True, by=world.ada, licence_confirmed=True
    )
    start(alice_client, world.mia_client, "phqa")
    data = form_data([0] * 9, extra_lifetime_attempt="Yes", extra_past_month_serious_thoughts="No")
    assert alice_client.post("/in-session/", data).status_code == 302
    alert = Alert.objects.get()
    assert alert.items == ["lifetime_attempt"]
    assert alert.response.supplementary_alerts == ["lifetime_attempt"]


@pytest.mark.usefixtures("immediate_tasks")
def test_the_care_team_is_emailed_without_any_clinical_content(world: World) -> None:
    world.carl_client.therapists.add(world.bob)
    submit(world.carl_client, "phq9", PHQ9_CRITICAL)
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]
    alert = Alert.objects.get()
    for message in mail.outbox:
        assert message.subject == "A client needs your attention"
        html = message.alternatives[0][0]
        for text in (message.subject, message.body, html):
            text = text.replace(f"/attention/{alert.pk}/", "/attention/ID/")
            assert "Carl" not in text
            assert not re.search(r"\d", text.replace("http://127.0.0.1:8000", "")), text
            assert not CLINICAL_WORDS.findall(text.replace("A client needs your attention", ""))
        assert f"http://127.0.0.1:8000/attention/{alert.pk}/" in message.body


def test_the_alert_link_opens_the_alert_on_the_clients_page(
    world: World, alice_client: HttpClient
) -> None:
    alert = submit(world.carl_client, "phq9", PHQ9_CRITICAL).alert
    assert alert is not None
    response = alice_client.get(f"/attention/{alert.pk}/")
    assert response["Location"] == f"/clients/{world.carl_client.pk}/#alert-{alert.pk}"
    page = alice_client.get(f"/clients/{world.carl_client.pk}/").content.decode()
    assert f'id="alert-{alert.pk}"' in page
    assert AccessLog.objects.filter(action="alert.open", outcome="allowed").count() == 1


def test_the_alert_link_is_not_found_for_someone_off_the_care_team(
    world: World, login_as: object
) -> None:
    alert = submit(world.carl_client, "phq9", PHQ9_CRITICAL).alert
    assert alert is not None
    bob = login_as(world.bob)  # type: ignore[operator]
    assert bob.get(f"/attention/{alert.pk}/").status_code == 404
    assert bob.get("/attention/999999/").status_code == 404
    assert AccessLog.objects.filter(action="alert.open", outcome="denied").count() == 2


@pytest.mark.usefixtures("immediate_tasks")
def test_a_practice_can_turn_the_alert_emails_off(world: World) -> None:
    actions.update_assessment_settings(
        world.practice, world.ada, crisis_message="Call 112.", email_alerts=False
    )
    submit(world.carl_client, "phq9", PHQ9_CRITICAL)
    assert Alert.objects.count() == 1
    # Nobody on the care team is emailed; the practice's admins are, so someone is told.
    assert [m.to[0] for m in mail.outbox] == ["ada@example.com"]


def test_the_email_is_queued_in_the_same_transaction_as_the_alert(world: World) -> None:
    before = DBTaskResult.objects.count()
    submit(world.carl_client, "phq9", PHQ9_CRITICAL)
    assert DBTaskResult.objects.count() - before == 1
    task = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert task is not None
    assert task.task_path == "stepwise.assessments.tasks.notify_care_team"
    assert task.args_kwargs["args"] == [Alert.objects.get().pk]


def test_the_respondent_sees_the_crisis_message_right_after_submitting(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client)
    alice_client.post("/in-session/", form_data(PHQ9_CRITICAL))
    html = alice_client.get("/in-session/done/").content.decode()
    assert "If you need help now" in html
    assert "call your local emergency number" in html
    assert "crisis line in your country" in html
    assert "does not watch your answers as they arrive" in html


def test_the_crisis_message_is_the_practices_own_when_it_set_one(
    world: World, alice_client: HttpClient
) -> None:
    PracticeAssessmentSettings.objects.create(
        practice=world.practice, crisis_message="Ring Riverside's crisis team on 0800 000 000."
    )
    start(alice_client, world.carl_client)
    alice_client.post("/in-session/", form_data(PHQ9_CRITICAL))
    html = alice_client.get("/in-session/done/").content.decode()
    assert 'Ring Riverside&#x27;s crisis team on <a href="tel:0800000000">0800 000 000</a>.' in html


def test_the_alert_waits_on_the_caseload_and_the_client_page(
    world: World, alice_client: HttpClient
) -> None:
    submit(world.carl_client, "phq9", PHQ9_CRITICAL)
    caseload = alice_client.get("/clients/").content.decode()
    assert "Needs attention" in caseload
    assert "PHQ-9 question 9 (Thoughts that you would be better off dead" in caseload
    assert "More than half the days" in caseload
    page = alice_client.get(f"/clients/{world.carl_client.pk}/").content.decode()
    assert "Needs attention" in page
    assert "What did you do?" in page


def test_colleagues_and_admins_off_the_care_team_do_not_see_the_alert(
    world: World, login_as: object
) -> None:
    submit(world.carl_client, "phq9", PHQ9_CRITICAL)
    for person in (world.bob, world.ada, world.olga):
        page = login_as(person).get("/clients/").content.decode()  # type: ignore[operator]
        assert "Needs attention" not in page


def test_acknowledging_needs_a_note_and_is_recorded(world: World, alice_client: HttpClient) -> None:
    alert = submit(world.carl_client, "phq9", PHQ9_CRITICAL).alert
    assert alert is not None
    url = f"/clients/{world.carl_client.pk}/alerts/{alert.pk}/acknowledge/"
    empty = alice_client.post(url, {"note": "   "})
    assert empty.status_code == 400
    assert "Write a short note about what you did" in empty.content.decode()
    too_long = alice_client.post(url, {"note": "x" * 2001})
    assert too_long.status_code == 400
    assert "x" * 2001 in too_long.content.decode()  # what was typed is not lost
    done = alice_client.post(url, {"note": "Called Carl; safety plan reviewed."})
    assert done["Location"] == f"/clients/{world.carl_client.pk}/"
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.note) == (
        world.alice,
        "Called Carl; safety plan reviewed.",
    )
    assert alert.acknowledged_at is not None
    assert "Needs attention" not in alice_client.get("/clients/").content.decode()
    records = AccessLog.objects.filter(action="alert.acknowledge", client_id=world.carl_client.pk)
    assert records.filter(outcome="allowed").count() == 3


def test_an_alert_is_acknowledged_only_once(world: World) -> None:
    alert = submit(world.carl_client, "phq9", PHQ9_CRITICAL).alert
    assert alert is not None
    actions.acknowledge_alert(alert, world.alice, "Seen in session.")
    with pytest.raises(actions.AssessmentError, match="already been acknowledged"):
        actions.acknowledge_alert(alert, world.alice, "Again.")
    alert.refresh_from_db()
    assert alert.note == "Seen in session."


def test_someone_off_the_care_team_cannot_acknowledge(world: World, login_as: object) -> None:
    alert = submit(world.carl_client, "phq9", PHQ9_CRITICAL).alert
    assert alert is not None
    bob = login_as(world.bob)  # type: ignore[operator]
    response = bob.post(
        f"/clients/{world.carl_client.pk}/alerts/{alert.pk}/acknowledge/", {"note": "Seen"}
    )
    assert response.status_code == 404
    assert AccessLog.objects.filter(actor=world.bob, outcome="denied").count() == 1
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_an_alert_id_under_another_client_answers_404(
    world: World, alice_client: HttpClient
) -> None:
    alert = submit(world.carl_client, "phq9", PHQ9_CRITICAL).alert
    assert alert is not None
    response = alice_client.post(
        f"/clients/{world.dana_client.pk}/alerts/{alert.pk}/acknowledge/", {"note": "Seen"}
    )
    assert response.status_code == 404
    denied = AccessLog.objects.get(outcome="denied")
    assert (denied.action, denied.client_id) == ("alert.acknowledge", world.dana_client.pk)


def _caseload_queries(browser: HttpClient) -> int:
    # The session's first page also stores the reader's roles in it: not a cost of the caseload.
    assert browser.get("/clients/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert browser.get("/clients/").status_code == 200
    return len(queries)


def test_the_caseload_with_alerts_takes_as_many_queries_for_50_clients_as_for_5(
    world: World, alice_client: HttpClient
) -> None:
    def add_clients(count: int) -> None:
        for n in range(count):
            client = clinic_actions.add_client(world.alice, display_name=f"C{n}", time_zone="UTC")
            submit(client, "phq9", PHQ9_CRITICAL)
            submit(client, "gad7", [1] * 7)

    add_clients(2)
    small = _caseload_queries(alice_client)
    add_clients(45)
    large = _caseload_queries(alice_client)
    assert Alert.objects.filter(acknowledged_at__isnull=True).count() == 47
    assert large == small


def test_the_client_page_takes_as_many_queries_for_many_responses_as_for_few(
    world: World, alice_client: HttpClient
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alice_client.get(f"/clients/{world.carl_client.pk}/").status_code == 200
        return len(captured)

    submit(world.carl_client, "phq9", PHQ9_CRITICAL)
    submit(world.carl_client, "gad7", [1] * 7)
    few = queries()
    for _ in range(10):
        submit(world.carl_client, "phq9", PHQ9_CRITICAL)
        submit(world.carl_client, "gad7", [2] * 7)
        submit(world.carl_client, "who5", [3] * 5)
    assert queries() == few


def test_ending_the_session_after_a_critical_answer_leads_to_the_result(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client)
    alice_client.post("/in-session/", form_data(PHQ9_CRITICAL))
    response = alice_client.post("/in-session/end/", {"password": PASSWORD})
    page = alice_client.get(response["Location"]).content.decode()
    assert "Question 9" in page
    assert shipped("phq9").abbreviation in page
