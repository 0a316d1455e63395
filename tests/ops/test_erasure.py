"""Retention and erasure (issue 8 item 6): `purge_expired` after STEPWISE_RETENTION_YEARS,
`erase_client ID --confirm` at once; everything about the client goes, in the right order, in one
transaction, past the written-once guards (and PostgreSQL's trigger) by one deliberate path; the
access log stays and gains one entry without clinical content. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, models, transaction
from django.test import Client as HttpClient
from django.utils import timezone

from stepwise.accounts import actions as account_actions
from stepwise.accounts.models import MagicLink, User
from stepwise.assessments.actions import submit_assessment
from stepwise.assessments.models import (
    Alert,
    AssessmentResponse,
    ImmutableError,
    ScoreRevision,
    SharedResults,
)
from stepwise.audit.actions import record_access
from stepwise.audit.models import AccessLog
from stepwise.clinic import actions as clinic_actions
from stepwise.clinic.models import CaregiverLink, Client, Invitation
from stepwise.homework.actions import assigning
from stepwise.homework.models import (
    Assignment,
    Completion,
    Draft,
    Feedback,
    ImmutableSubmissionError,
    MetricValue,
    Occurrence,
    Submission,
)
from stepwise.ops.erasure import erase_client, expired_client_ids, retention_cutoff
from stepwise.reminders import actions as reminder_actions
from stepwise.reminders.models import PushSubscription, Reminder, ReminderPreferences
from tests.conftest import World, make_user
from tests.factories import (
    assign_exercise,
    assign_questionnaire,
    hand_in,
    hand_in_questionnaire,
    phq9,
)


def _full_record(world: World, client: Client, client_user: User | None) -> dict[str, Any]:
    """Homework done and reviewed, questionnaires with an alert and a rescore, a draft, reminder
    settings, a push subscription, results shared, a carer of their own and an open invitation."""
    exercise = assign_exercise(client, world.alice)
    done = hand_in(exercise, client_user or world.alice)
    hand_in(exercise, client_user or world.alice, extra=True)
    assigning.leave_feedback(done, by=world.alice, text="Lovely work.")
    questionnaire = assign_questionnaire(client, world.alice)
    hand_in_questionnaire(questionnaire, client_user or world.alice, [1] * 9)
    alerted = submit_assessment(
        client=client, instrument=phq9(), answers=[0, 0, 0, 0, 0, 0, 0, 0, 2]
    )
    ScoreRevision.objects.create(
        response=alerted.response, instrument=phq9(), total=2, band="Minimal", reason="test"
    )
    if client_user is not None:
        Draft.objects.create(user=client_user, assignment=exercise, slot="extra", data={"a": ["1"]})
        MagicLink.objects.create(
            user=client_user, token_hash=f"{client.pk:064d}", expires_at=timezone.now()
        )
    prefs = reminder_actions.preferences_for(client)
    reminder_actions.subscribe_push(
        client, f"https://push.example.com/{client.pk}", "k" * 87, "a" * 22
    )
    SharedResults.objects.create(client=client, shared_by=world.alice)
    carer = make_user(f"carer-{client.pk}@example.net", "Own Carer")
    CaregiverLink.objects.create(caregiver=carer, client=client, relationship="father")
    clinic_actions.invite_caregiver(
        client, world.alice, email=f"other-{client.pk}@example.net", relationship="aunt"
    )
    return {"exercise": exercise, "prefs": prefs, "carer": carer}


def _rows_naming(client_id: int) -> dict[str, int]:
    """Every row, in every model, with a foreign key to this client."""
    found: dict[str, int] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.ForeignKey)
                and field.related_model is Client
                and not field.many_to_many
            ):
                count = model._default_manager.filter(**{field.attname: client_id}).count()
                if count:
                    found[f"{model._meta.label}.{field.name}"] = count
    return found


def test_erasing_a_client_removes_their_whole_record(world: World) -> None:
    carl_id, dana_id = world.carl_client.pk, world.dana_client.pk
    made = _full_record(world, world.carl_client, world.carl)
    _full_record(world, world.dana_client, world.dana)
    CaregiverLink.objects.create(caregiver=world.gina, client=world.carl_client)
    assert Reminder.objects.filter(client_id=carl_id).exists()
    assert _rows_naming(carl_id)
    dana_rows = _rows_naming(dana_id)

    erased = erase_client(carl_id)

    assert not Client.objects.filter(pk=carl_id).exists()
    assert _rows_naming(carl_id) == {}
    connection.check_constraints()  # nothing left pointing at a deleted row
    for model in (Submission, AssessmentResponse, Alert, Completion, Assignment, Occurrence):
        assert model.objects.filter(client_id=dana_id).exists(), model
    assert ScoreRevision.objects.filter(response__client_id=dana_id).count() == 1
    assert not ScoreRevision.objects.filter(response__client_id=carl_id).exists()
    assert not Draft.objects.filter(assignment=made["exercise"].pk).exists()
    assert not Feedback.objects.filter(completion__client_id=carl_id).exists()
    assert not MetricValue.objects.filter(client_id=carl_id).exists()
    assert not ReminderPreferences.objects.filter(client_id=carl_id).exists()
    assert not PushSubscription.objects.filter(client_id=carl_id).exists()
    assert not Invitation.objects.filter(client_id=carl_id).exists()
    # The client's sign-in and a carer linked to no one else go; a carer of another child stays.
    assert not User.objects.filter(pk=world.carl.pk).exists()
    assert not EmailAddress.objects.filter(email="carl@example.net").exists()
    assert not MagicLink.objects.filter(user_id=world.carl.pk).exists()
    assert not User.objects.filter(pk=made["carer"].pk).exists()
    assert User.objects.filter(pk=world.gina.pk).exists()
    assert CaregiverLink.objects.filter(caregiver=world.gina, client=world.mia_client).exists()
    # The therapist and everyone else's data are untouched.
    assert User.objects.filter(pk=world.alice.pk).exists()
    assert _rows_naming(dana_id) == dana_rows
    assert erased.accounts == 2
    assert erased.rows["homework.Submission"] == 2
    assert erased.rows["assessments.AssessmentResponse"] == 2
    assert erased.rows["assessments.ScoreRevision"] == 1


def test_the_access_log_is_kept_and_gains_one_entry_without_clinical_content(
    world: World, rf: Any
) -> None:
    carl_id = world.carl_client.pk
    request = rf.get(f"/clients/{carl_id}/")
    request.user = world.alice
    record_access(request, "client.detail", carl_id)
    before = list(AccessLog.objects.filter(client_id=carl_id).values_list("pk", flat=True))
    _full_record(world, world.carl_client, world.carl)

    erase_client(carl_id)

    assert set(before) <= set(AccessLog.objects.values_list("pk", flat=True))
    entries = AccessLog.objects.filter(action="client.erased")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.client_id == carl_id
    assert entry.actor_id is None
    assert entry.path == "manage.py erase_client"
    assert entry.outcome == "allowed"
    text = " ".join(str(value) for value in AccessLog.objects.filter(pk=entry.pk).values().get())
    for clinical in ("Carl", "carl@", "PHQ", "Lovely work", "mood"):
        assert clinical not in text


def test_the_written_once_guards_still_refuse_everyone_else(world: World) -> None:
    _full_record(world, world.carl_client, world.carl)
    _full_record(world, world.dana_client, world.dana)
    with pytest.raises(ImmutableError):
        AssessmentResponse.objects.filter(client=world.dana_client).delete()
    with pytest.raises(ImmutableError):
        AssessmentResponse.objects.filter(client=world.dana_client).first().delete()  # type: ignore[union-attr]
    with pytest.raises(ImmutableSubmissionError):
        Submission.objects.filter(client=world.dana_client).delete()
    with pytest.raises(ImmutableSubmissionError):
        Submission.objects.filter(client=world.dana_client).first().delete()  # type: ignore[union-attr]
    erase_client(world.carl_client.pk)
    # After an erasure, in the same transaction, the database refuses a raw DELETE again.
    if connection.vendor == "postgresql":
        for table in ("assessments_assessmentresponse", "assessments_scorerevision"):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
                cur.execute(f"DELETE FROM {table}")  # noqa: S608 - a constant table name
    assert AssessmentResponse.objects.filter(client=world.dana_client).count() == 2


def test_postgresql_refuses_the_delete_without_the_erasure_setting(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; SQLite relies on the model guards")
    _full_record(world, world.carl_client, world.carl)
    ids = list(AssessmentResponse.objects.values_list("pk", flat=True))
    with pytest.raises(DatabaseError), transaction.atomic():
        AssessmentResponse.objects.filter(pk__in=ids)._raw_delete("default")
    # The setting opens DELETE only: an UPDATE is refused even while erasing, and a published
    # instrument version is never deleted.
    for sql in (
        "UPDATE assessments_assessmentresponse SET band = 'x'",
        "DELETE FROM assessments_instrumentversion",
    ):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('stepwise.erasing', 'on', true)")
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute(sql)
            cursor.execute("SELECT set_config('stepwise.erasing', 'off', true)")
    assert AssessmentResponse.objects.count() == len(ids)


def test_a_failure_midway_leaves_the_record_whole(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _full_record(world, world.carl_client, world.carl)
    counts = {m: m.objects.count() for m in (Submission, AssessmentResponse, Completion, Alert)}

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("stepwise.ops.erasure.AccessLog.objects.create", broken)
    with pytest.raises(RuntimeError):
        erase_client(world.carl_client.pk)
    assert {m: m.objects.count() for m in counts} == counts
    assert Client.objects.filter(pk=world.carl_client.pk).exists()
    assert User.objects.filter(pk=world.carl.pk).exists()


def test_erase_client_needs_confirm(world: World) -> None:
    _full_record(world, world.carl_client, world.carl)
    with pytest.raises(CommandError, match="--confirm"):
        call_command("erase_client", str(world.carl_client.pk))
    assert Client.objects.filter(pk=world.carl_client.pk).exists()
    with pytest.raises(CommandError, match="no client"):
        call_command("erase_client", "987654", "--confirm")
    call_command("erase_client", str(world.carl_client.pk), "--confirm")
    assert not Client.objects.filter(pk=world.carl_client.pk).exists()
    assert AccessLog.objects.filter(action="client.erased").count() == 1


def test_the_erased_clients_sessions_end(world: World) -> None:
    browser = HttpClient()
    browser.force_login(world.carl, backend="django.contrib.auth.backends.ModelBackend")
    assert browser.get("/me/").status_code == 200
    erase_client(world.carl_client.pk)
    assert browser.get("/me/")["Location"].startswith("/accounts/login/")


def test_purge_waits_for_the_retention_period(world: World, settings: Any) -> None:
    assert settings.STEPWISE_RETENTION_YEARS == 7
    _full_record(world, world.carl_client, world.carl)
    discharged = timezone.now()
    clinic_actions.set_discharged(world.carl_client, discharged=True)
    clinic_actions.set_discharged(world.mia_client, discharged=True)
    clinic_actions.set_discharged(world.mia_client, discharged=False)  # came back
    with time_machine.travel(discharged + timedelta(days=7 * 365), tick=False):
        call_command("purge_expired")  # 7 years minus the leap days: not yet
        assert Client.objects.filter(pk=world.carl_client.pk).exists()
    with time_machine.travel(discharged + timedelta(days=7 * 365 + 3), tick=False):
        assert expired_client_ids() == [world.carl_client.pk]
        call_command("purge_expired", "--dry-run")
        assert Client.objects.filter(pk=world.carl_client.pk).exists()
        call_command("purge_expired")
    assert not Client.objects.filter(pk=world.carl_client.pk).exists()
    assert set(Client.objects.values_list("pk", flat=True)) == {
        world.dana_client.pk,
        world.mia_client.pk,
        world.oscar_client.pk,
    }
    entry = AccessLog.objects.get(action="client.purged")
    assert entry.client_id == world.carl_client.pk
    assert entry.path == "manage.py purge_expired"


def test_the_retention_period_comes_from_the_setting(world: World, settings: Any) -> None:
    settings.STEPWISE_RETENTION_YEARS = 1
    now = timezone.now()
    Client.objects.filter(pk=world.carl_client.pk).update(discharged_at=now - timedelta(days=367))
    Client.objects.filter(pk=world.dana_client.pk).update(discharged_at=now - timedelta(days=300))
    assert retention_cutoff(now) < now - timedelta(days=364)
    assert expired_client_ids(now) == [world.carl_client.pk]


def test_a_leap_day_cutoff(settings: Any) -> None:
    from datetime import UTC, datetime

    settings.STEPWISE_RETENTION_YEARS = 7
    assert retention_cutoff(datetime(2032, 2, 29, tzinfo=UTC)) == datetime(2025, 2, 28, tzinfo=UTC)


def test_a_disabled_account_and_sign_out_everywhere_still_work_for_others(world: World) -> None:
    """Erasure does not touch the other people's sign-ins."""
    erase_client(world.carl_client.pk)
    account_actions.sign_out_everywhere(world.dana)
    assert User.objects.filter(pk=world.dana.pk).exists()
