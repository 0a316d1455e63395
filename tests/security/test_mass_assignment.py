"""Mass assignment (SECURITY.md 4): extra POST fields on the main forms change nothing.

Each form gets a valid submission plus every field an attacker might add (client, practice,
score, is_staff, owner, author, ...), naming another practice's people and records. The write
succeeds as if the extras were not there, and nothing they name is touched.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as HttpClient

from stepwise.accounts.models import User
from stepwise.assessments import actions as assessment_actions
from stepwise.assessments.models import Alert, AssessmentResponse
from stepwise.clinic import actions as clinic_actions
from stepwise.clinic.models import Client, Invitation, Membership
from stepwise.homework.actions import assigning
from stepwise.homework.models import Assignment, Feedback, ItemKind, Submission, today_for
from stepwise.homework.schedule import Frequency, Schedule
from stepwise.reminders.models import ReminderPreferences
from tests.conftest import World
from tests.factories import assign_exercise, first_occurrence, hand_in, phq9
from tests.library.helpers import form_for
from tests.library.test_shipped_content import example_answers


def extras(world: World) -> dict[str, Any]:
    """What an attacker adds: other people's ids, privileges, scores, owners."""
    olga, oscar = world.olga.pk, world.oscar_client.pk
    return {
        "client": oscar, "client_id": oscar, "practice": world.other_practice.pk,
        "practice_id": world.other_practice.pk, "owner": olga, "owner_id": olga, "user": olga,
        "user_id": olga, "author": olga, "created_by": olga, "submitted_by": olga,
        "acknowledged_by": olga, "completed_by": olga, "administered_by": olga,
        "is_staff": "on", "is_superuser": "on", "is_active": "", "session_generation": "99",
        "score": "27", "total": "27", "band": "Severe", "subscales": "{}", "critical_items": "[]",
        "status": "ended", "kind": "assessment", "mode": "in_session", "respondent": "caregiver",
        "discharged_at": "2020-01-01T00:00", "hidden_from_caregiver": "on",
        "reviewed_at": "2020-01-01T00:00", "reviewed_by": olga, "role": "admin",
        "therapists": olga, "email": "attacker@example.org", "password": "x" * 12,
        "unsubscribe_token_hash": "0" * 64, "token_hash": "0" * 64, "accepted_by": olga,
        "response": 1, "completion": 1, "assignment": 1, "exercise": 1, "instrument": 1,
        "answers": "[4, 4, 4]", "pk": 1, "id": 1,
    }  # fmt: skip


def post(browser: HttpClient, url: str, valid: dict[str, Any], world: World) -> Any:
    data = {key: value for key, value in extras(world).items() if key not in valid}
    response = browser.post(url, {**data, **valid})
    assert response.status_code in (200, 302), (url, response.status_code)
    return response


def _as(user: User) -> HttpClient:
    browser = HttpClient()
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return browser


@pytest.fixture
def untouched(world: World) -> Callable[[], None]:
    """Another practice's people and records stay exactly as they were."""
    olga = User.objects.filter(pk=world.olga.pk).values().get()
    oscar = Client.objects.filter(pk=world.oscar_client.pk).values().get()
    memberships = list(Membership.objects.values())

    def check() -> None:
        assert User.objects.filter(pk=world.olga.pk).values().get() == olga
        assert Client.objects.filter(pk=world.oscar_client.pk).values().get() == oscar
        assert list(Membership.objects.values()) == memberships
        assert not User.objects.filter(is_staff=True).exists()
        assert not User.objects.filter(is_superuser=True).exists()
        assert not Submission.objects.filter(client=world.oscar_client).exists()
        assert not AssessmentResponse.objects.filter(client=world.oscar_client).exists()
        assert not Invitation.objects.filter(practice=world.other_practice).exists()

    return check


def test_adding_a_client(world: World, untouched: Callable[[], None]) -> None:
    valid = {"display_name": "Newbie", "time_zone": "Europe/London", "email": ""}
    post(_as(world.alice), "/clients/new/", valid, world)
    client = Client.objects.get(display_name="Newbie")
    assert client.practice == world.practice
    assert list(client.therapists.all()) == [world.alice]
    assert (client.created_by, client.user, client.discharged_at) == (world.alice, None, None)
    assert client.email == ""
    untouched()


def test_editing_a_client(world: World, untouched: Callable[[], None]) -> None:
    carl = world.carl_client
    valid = {
        "display_name": "Carl B",
        "time_zone": "Europe/London",
        "therapists": [world.alice.pk],
        "email": "",
    }
    post(_as(world.alice), f"/clients/{carl.pk}/edit/", valid, world)
    carl.refresh_from_db()
    assert carl.display_name == "Carl B"
    assert (carl.practice, carl.user, carl.discharged_at) == (world.practice, world.carl, None)
    assert list(carl.therapists.all()) == [world.alice]
    untouched()


def test_account_settings(world: World, untouched: Callable[[], None]) -> None:
    browser = _as(world.carl)
    before = User.objects.filter(pk=world.carl.pk).values().get()
    post(browser, "/accounts/settings/", {"name": "Carl C", "time_zone": "UTC"}, world)
    after = User.objects.filter(pk=world.carl.pk).values().get()
    changed = {key for key in after if after[key] != before[key]}
    assert changed == {"name", "time_zone"}
    untouched()


def test_feedback_on_homework(world: World, untouched: Callable[[], None]) -> None:
    completion = hand_in(assign_exercise(world.carl_client, world.alice), world.carl)
    post(_as(world.alice), f"/review/{completion.pk}/feedback/", {"text": "Nice work."}, world)
    feedback = Feedback.objects.get()
    assert (feedback.completion, feedback.author) == (completion, world.alice)
    untouched()


def test_acknowledging_an_alert(world: World, untouched: Callable[[], None]) -> None:
    alert = assessment_actions.submit_assessment(
        client=world.carl_client, instrument=phq9(), answers=[0] * 8 + [1]
    ).alert
    assert alert is not None
    url = f"/clients/{world.carl_client.pk}/alerts/{alert.pk}/acknowledge/"
    post(_as(world.alice), url, {"note": "Called them."}, world)
    alert = Alert.objects.get(pk=alert.pk)
    assert (alert.client, alert.acknowledged_by, alert.note) == (
        world.carl_client,
        world.alice,
        "Called them.",
    )
    untouched()


def test_changing_an_assignment(world: World, untouched: Callable[[], None]) -> None:
    assignment = assign_exercise(world.carl_client, world.alice)
    before = Assignment.objects.filter(pk=assignment.pk).values().get()
    url = f"/clients/{world.carl_client.pk}/assignments/{assignment.pk}/details/"
    valid = {"reminder_time": "19:30", "note": "Before bed.", "hidden_from_caregiver": ""}
    post(_as(world.alice), url, valid, world)
    after = Assignment.objects.filter(pk=assignment.pk).values().get()
    changed = {key for key in after if after[key] != before[key]}
    assert changed == {"reminder_time", "note"}
    assert after["reminder_time"] == time(19, 30)
    untouched()


def test_doing_homework(world: World, untouched: Callable[[], None]) -> None:
    assignment = assign_exercise(world.carl_client, world.alice)
    version = assignment.exercise.current_version  # type: ignore[union-attr]
    valid = form_for(version.parsed, example_answers(version.parsed))
    post(_as(world.carl), f"/me/do/{first_occurrence(assignment).pk}/", valid, world)
    submission = Submission.objects.get()
    assert (submission.client, submission.submitted_by, submission.mode) == (
        world.carl_client,
        world.carl,
        "home",
    )
    assert submission.exercise_version == version
    assert submission.completion.assignment == assignment
    untouched()


def test_answering_a_questionnaire_at_home(world: World, untouched: Callable[[], None]) -> None:
    assignment = assigning.assign(
        client=world.carl_client,
        by=world.alice,
        item=assigning.ItemChoice(kind=ItemKind.ASSESSMENT, instrument_key="phq9", title="PHQ"),
        schedule=Schedule(Frequency.EVERY_N_WEEKS, today_for(world.carl_client)),
        reminder_time=time(18),
    )
    answers = {f"item_{n}": "1" for n in range(1, 10)}
    post(_as(world.carl), f"/me/do/{first_occurrence(assignment).pk}/", answers, world)
    response = AssessmentResponse.objects.get()
    assert response.client == world.carl_client
    assert response.total == Decimal(9)
    assert response.band != "Severe"
    assert (response.mode, response.respondent) == ("home", "client")
    assert response.administered_by in (None, world.carl)
    assert response.answers == [1] * 9
    untouched()


def test_inviting_a_colleague(world: World, untouched: Callable[[], None]) -> None:
    valid = {"email": "new.colleague@example.com", "role": "therapist"}
    post(_as(world.ada), "/practice/invite/", valid, world)
    invitation = Invitation.objects.get(email="new.colleague@example.com")
    assert (invitation.practice, invitation.created_by, invitation.client) == (
        world.practice,
        world.ada,
        None,
    )
    untouched()


def test_setting_a_members_role(world: World, untouched: Callable[[], None]) -> None:
    membership = Membership.objects.get(user=world.alice)
    post(_as(world.ada), f"/practice/members/{membership.pk}/role/", {"role": "admin"}, world)
    membership.refresh_from_db()
    assert (membership.practice, membership.user, membership.role) == (
        world.practice,
        world.alice,
        "admin",
    )
    Membership.objects.filter(pk=membership.pk).update(role="therapist")
    untouched()


def test_reminder_preferences(world: World, untouched: Callable[[], None]) -> None:
    valid = {"email": "on", "preferred_time": "07:45", "quiet_start": "", "quiet_end": ""}
    post(_as(world.carl), "/me/reminders/", valid, world)
    prefs = ReminderPreferences.objects.get(client=world.carl_client)
    assert prefs.preferred_time == time(7, 45)
    assert prefs.unsubscribe_token_hash != "0" * 64
    assert not ReminderPreferences.objects.filter(client=world.oscar_client).exists()
    assert not ReminderPreferences.objects.filter(client=world.dana_client).exists()
    untouched()


def test_accepting_a_client_invitation(world: World, untouched: Callable[[], None]) -> None:
    issued = clinic_actions.invite_client(world.mia_client, world.alice)
    valid = {
        "name": "Mia",
        "email": "mia@example.net",
        "sign_in": "link",
        "password": "",
        "time_zone": "Europe/London",
    }
    post(HttpClient(), issued.path, valid, world)
    mia = User.objects.get(email="mia@example.net")
    assert (mia.is_staff, mia.is_superuser, mia.is_active) == (False, False, True)
    assert not Membership.objects.filter(user=mia).exists()
    assert Client.objects.get(user=mia) == world.mia_client
    untouched()
