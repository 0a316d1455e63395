"""Every critical alert reaches a person: the care team, else the practice's admins at once,
and the admins again when nobody acknowledges it in the practice's time (then daily)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client as HttpClient
from django.utils import timezone

from stepwise.assessments import actions
from stepwise.assessments.actions.escalation import claim_escalation, escalate_due_alerts
from stepwise.assessments.models import Alert
from stepwise.audit.models import AccessLog
from stepwise.ops.worker import Worker
from tests.assessments.support import PHQ9_CRITICAL, immediate_tasks, submit
from tests.assessments.test_alerts import CLINICAL_WORDS
from tests.conftest import World

__all__ = ["immediate_tasks"]

RAISED = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(RAISED, tick=False) as traveller:
        yield traveller


def raise_alert(world: World) -> Alert:
    alert = submit(world.carl_client, "phq9", PHQ9_CRITICAL).alert
    assert alert is not None
    return alert


def recipients() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox)


def assert_no_clinical_content(message: Any, alert: Alert) -> None:
    for text in (message.subject, message.body, message.alternatives[0][0]):
        text = text.replace(f"/attention/{alert.pk}/", "/attention/ID/")
        assert "Carl" not in text
        assert not re.search(r"\d", text.replace("http://127.0.0.1:8000", "")), text
        assert not CLINICAL_WORDS.findall(text.replace("A client needs your attention", ""))


# Told at once -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("immediate_tasks")
def test_the_admins_are_told_when_the_practice_turned_alert_emails_off(world: World) -> None:
    actions.update_assessment_settings(
        world.practice, world.ada, crisis_message="Call 112.", email_alerts=False
    )
    alert = raise_alert(world)
    assert recipients() == ["ada@example.com"]
    assert_no_clinical_content(mail.outbox[0], alert)
    assert f"/attention/{alert.pk}/" in mail.outbox[0].body
    alert.refresh_from_db()
    assert alert.admins_told_at is not None
    told = AccessLog.objects.get(action="alert.to_admins")
    assert (told.client_id, told.actor_id) == (world.carl_client.pk, None)


@pytest.mark.usefixtures("immediate_tasks")
def test_the_admins_are_told_when_no_active_therapist_is_on_the_care_team(world: World) -> None:
    world.alice.is_active = False
    world.alice.save(update_fields=["is_active"])
    raise_alert(world)
    assert recipients() == ["ada@example.com"]


@pytest.mark.usefixtures("immediate_tasks")
def test_the_admins_are_not_told_at_once_when_the_care_team_is(world: World) -> None:
    alert = raise_alert(world)
    assert recipients() == ["alice@example.com"]
    alert.refresh_from_db()
    assert alert.admins_told_at is None
    assert not AccessLog.objects.filter(action="alert.to_admins").exists()


# Escalation -------------------------------------------------------------------------------------


def test_an_unacknowledged_alert_escalates_after_the_default_24_hours(
    world: World, clock: Any
) -> None:
    alert = raise_alert(world)
    assert escalate_due_alerts(RAISED + timedelta(hours=23, minutes=59)) == 0
    assert mail.outbox == []

    assert escalate_due_alerts(RAISED + timedelta(hours=24)) == 1

    assert recipients() == ["ada@example.com"]
    message = mail.outbox[0]
    assert message.subject == "Something in Stepwise is still waiting for a person"
    assert_no_clinical_content(message, alert)
    alert.refresh_from_db()
    assert (alert.escalation_count, alert.escalated_at) == (1, RAISED + timedelta(hours=24))
    logged = AccessLog.objects.get(action="alert.escalate")
    assert logged.client_id == world.carl_client.pk


def test_it_escalates_again_every_day_until_acknowledged(world: World, clock: Any) -> None:
    alert = raise_alert(world)
    assert escalate_due_alerts(RAISED + timedelta(hours=24)) == 1
    assert escalate_due_alerts(RAISED + timedelta(hours=30)) == 0
    assert escalate_due_alerts(RAISED + timedelta(hours=48)) == 1
    clock.move_to(RAISED + timedelta(hours=50))
    actions.acknowledge_alert(alert, world.alice, "Called Carl.")
    assert escalate_due_alerts(RAISED + timedelta(hours=72)) == 0
    assert escalate_due_alerts(RAISED + timedelta(days=30)) == 0
    assert recipients() == ["ada@example.com", "ada@example.com"]
    assert AccessLog.objects.filter(action="alert.escalate").count() == 2
    alert.refresh_from_db()
    assert alert.escalation_count == 2


def test_an_alert_acknowledged_in_time_never_escalates(world: World, clock: Any) -> None:
    alert = raise_alert(world)
    clock.move_to(RAISED + timedelta(hours=3))
    actions.acknowledge_alert(alert, world.alice, "Seen in session.")
    assert escalate_due_alerts(RAISED + timedelta(days=3)) == 0
    assert mail.outbox == []


def test_the_practice_sets_the_escalation_time_and_waiting_alerts_follow_it(
    world: World, clock: Any
) -> None:
    actions.update_assessment_settings(
        world.practice,
        world.ada,
        crisis_message="Call 112.",
        email_alerts=True,
        escalate_after_hours=4,
    )
    first = raise_alert(world)
    assert escalate_due_alerts(RAISED + timedelta(hours=3, minutes=59)) == 0
    assert escalate_due_alerts(RAISED + timedelta(hours=4)) == 1

    clock.move_to(RAISED + timedelta(hours=5))
    second = raise_alert(world)  # due at +9h under the 4-hour setting
    actions.update_assessment_settings(
        world.practice,
        world.ada,
        crisis_message="Call 112.",
        email_alerts=True,
        escalate_after_hours=1,
    )
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.escalate_at == RAISED + timedelta(hours=6)
    assert first.escalate_at == RAISED + timedelta(hours=28)  # already escalated: daily


def test_an_escalation_time_out_of_range_is_refused(world: World) -> None:
    with pytest.raises(actions.AssessmentError, match="between 1 and 168 hours"):
        actions.update_assessment_settings(
            world.practice,
            world.ada,
            crisis_message="Call 112.",
            email_alerts=True,
            escalate_after_hours=0,
        )


def test_two_workers_never_escalate_the_same_alert_twice(world: World, clock: Any) -> None:
    raise_alert(world)
    due = RAISED + timedelta(hours=24)
    seen_by_first = Alert.objects.get()
    seen_by_second = Alert.objects.get()  # both read the alert before either claims it
    assert claim_escalation(seen_by_first, due) is True
    assert claim_escalation(seen_by_second, due) is False
    assert Alert.objects.get().escalation_count == 1


def test_the_reminder_worker_runs_the_escalation_sweep(world: World, clock: Any) -> None:
    raise_alert(world)
    clock.move_to(RAISED + timedelta(hours=25))
    Worker(worker_id="test-worker").run_once()
    Worker(worker_id="another-worker").run_once()
    assert recipients() == ["ada@example.com"]
    assert Alert.objects.get().escalation_count == 1


# The admins' pages ------------------------------------------------------------------------------


def test_an_admin_sees_escalated_alerts_on_the_dashboard_and_the_alerts_page(
    world: World, clock: Any, login_as: Any
) -> None:
    alert = raise_alert(world)
    ada = login_as(world.ada)
    assert "waiting for a person" not in ada.get("/dashboard/").content.decode()
    escalate_due_alerts(RAISED + timedelta(hours=24))

    dashboard = ada.get("/dashboard/").content.decode()
    assert "1 alert in your practice is waiting for a person" in dashboard
    page = ada.get("/practice/alerts/").content.decode()
    assert "Carl" in page
    assert "escalated 1 time" in page
    assert "Care team: Alice Therapist" in page
    assert "PHQ" not in page
    assert "question" not in page.lower()
    assert ada.get(f"/attention/{alert.pk}/")["Location"] == f"/practice/alerts/#alert-{alert.pk}"


def test_an_admin_joins_the_care_team_to_act_on_a_waiting_alert(
    world: World, clock: Any, login_as: Any
) -> None:
    alert = raise_alert(world)
    escalate_due_alerts(RAISED + timedelta(hours=24))
    ada: HttpClient = login_as(world.ada)
    response = ada.post(f"/practice/alerts/{alert.pk}/join/")
    assert response["Location"] == f"/clients/{world.carl_client.pk}/#alert-{alert.pk}"
    assert world.carl_client.therapists.filter(pk=world.ada.pk).exists()
    assert AccessLog.objects.filter(action="alert.admin_join", outcome="allowed").count() == 1
    page = ada.get(f"/clients/{world.carl_client.pk}/").content.decode()
    assert f'id="alert-{alert.pk}"' in page
    done = ada.post(
        f"/clients/{world.carl_client.pk}/alerts/{alert.pk}/acknowledge/", {"note": "Rang Carl."}
    )
    assert done.status_code == 302
    assert "Carl" not in ada.get("/practice/alerts/").content.decode()


def test_an_alert_not_yet_told_to_admins_cannot_be_joined(
    world: World, clock: Any, login_as: Any
) -> None:
    alert = raise_alert(world)
    ada = login_as(world.ada)
    assert ada.post(f"/practice/alerts/{alert.pk}/join/").status_code == 404
    assert not world.carl_client.therapists.filter(pk=world.ada.pk).exists()
    assert timezone.now() == RAISED


def test_an_admin_sets_the_escalation_time_on_the_settings_page(
    world: World, login_as: Any
) -> None:
    from stepwise.assessments.models import PracticeAssessmentSettings

    ada = login_as(world.ada)
    assert (
        'name="escalate_after_hours" value="24"'
        in ada.get("/practice/assessments/").content.decode()
    )
    typed = {"crisis_message": "Ring 999.", "email_alerts": "on", "escalate_after_hours": "0"}
    refused = ada.post("/practice/assessments/", typed)
    assert refused.status_code == 400
    assert "Give the number of hours, from 1 to 168." in refused.content.decode()
    assert "Ring 999." in refused.content.decode()
    saved = ada.post("/practice/assessments/", {**typed, "escalate_after_hours": "6"})
    assert saved.status_code == 302
    assert PracticeAssessmentSettings.objects.get().escalate_after_hours == 6
