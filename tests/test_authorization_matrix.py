"""Every URL pattern, for every persona, against an expected table (SECURITY.md item 1).

A route that is not in the table fails the test: adding a page means deciding who may see it.
Out-of-scope objects answer 404 so their existence is not revealed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from stepwise.accounts.models import User
from stepwise.assessments.actions import submit_assessment
from stepwise.assessments.models import InstrumentVersion
from stepwise.audit.models import AccessLog
from stepwise.clinic import actions
from stepwise.clinic.models import CaregiverLink, Client, Invitation, Membership
from stepwise.homework.actions.submissions import submit_exercise
from stepwise.homework.models import Submission
from stepwise.library import actions as library_actions
from stepwise.library.models import ExerciseDefinition, ExerciseVersion, MediaFile
from tests.conftest import World

PERSONAS = ["anonymous", "alice", "ada", "bob", "olga", "carl", "dana", "gina"]
THERAPISTS = {"alice", "ada", "bob", "olga"}
LOGIN = "login"  # redirect to the sign-in page


def walk(patterns: list[Any], namespace: str | None = None) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or "<unnamed>"
            yield f"{namespace}:{name}" if namespace else name


def everyone(status: int | str) -> dict[str, int | str]:
    return dict.fromkeys(PERSONAS, status)


def signed_in(status: int | str, **overrides: int | str) -> dict[str, int | str]:
    table: dict[str, int | str] = {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], status)}
    table.update(overrides)
    return table


def therapists_only(status: int | str, **overrides: int | str) -> dict[str, int | str]:
    table = signed_in(404)
    table.update(dict.fromkeys(THERAPISTS, status))
    table.update(overrides)
    return table


def care_team_only(status: int | str) -> dict[str, int | str]:
    """Only alice (on the care team) may; every other signed-in persona gets 404."""
    return signed_in(404, alice=status)


@dataclass
class Route:
    expect: dict[str, int | str]
    method: str = "get"
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    audited_denial: bool = False
    notes: str = field(default="")


def _fresh_mia_invitation(w: World) -> actions.IssuedInvitation:
    Invitation.objects.filter(client=w.mia_client).update(revoked_at=timezone.now())
    return actions.invite_client(w.mia_client, w.alice)


def _open_invitation_token(w: World) -> dict[str, Any]:
    return {"token": _fresh_mia_invitation(w).token}


def _mia_invitation(w: World) -> dict[str, Any]:
    return {"invitation_id": _fresh_mia_invitation(w).invitation.pk}


def _gina_link(w: World) -> dict[str, Any]:
    return {
        "client_id": w.mia_client.pk,
        "link_id": CaregiverLink.objects.get(caregiver=w.gina).pk,
    }


def _carl_alert(w: World) -> dict[str, Any]:
    """A fresh, unacknowledged alert on Carl's record (PHQ-9 item 9 answered)."""
    instrument = InstrumentVersion.objects.filter(key="phq9", practice__isnull=True).latest(
        "version"
    )
    submission = submit_assessment(
        client=w.carl_client, instrument=instrument, answers=[0, 0, 0, 0, 0, 0, 0, 0, 1]
    )
    assert submission.alert is not None
    return {"client_id": w.carl_client.pk, "alert_id": submission.alert.pk}


def _carl_escalated_alert(w: World) -> dict[str, Any]:
    """An alert on Carl's record that nobody acknowledged in time: the admins were told."""
    from stepwise.assessments.actions.escalation import claim_escalation
    from stepwise.assessments.models import Alert

    alert = Alert.objects.get(pk=_carl_alert(w)["alert_id"])
    assert claim_escalation(alert, timezone.now())
    return {"alert_id": alert.pk}


def _carl_phq9_results(w: World) -> dict[str, Any]:
    """Carl's PHQ-9 results page, named by the shipped version's id."""
    phq9 = InstrumentVersion.objects.filter(key="phq9", practice__isnull=True).latest("version")
    return {"client_id": w.carl_client.pk, "instrument_id": phq9.pk}


def _carl_daily_mood(w: World) -> Any:
    from datetime import time

    from stepwise.homework.actions import assigning
    from stepwise.homework.models import Assignment, ItemKind
    from stepwise.homework.schedule import Frequency, Schedule
    from stepwise.library.models import ExerciseDefinition

    existing = Assignment.objects.filter(client=w.carl_client).first()
    if existing is not None:
        return existing
    mood = ExerciseDefinition.objects.get(slug="daily-mood-check-in", practice__isnull=True)
    return assigning.assign(
        client=w.carl_client,
        by=w.alice,
        item=assigning.ItemChoice(kind=ItemKind.EXERCISE, exercise=mood, title=mood.title),
        schedule=Schedule(Frequency.DAILY, w.carl_client_today()),
        reminder_time=time(18),
    )


def _carl_occurrence(w: World) -> dict[str, Any]:
    return {"occurrence_id": _carl_daily_mood(w).occurrences.order_by("opens").first().pk}


def _carl_assignment(w: World) -> dict[str, Any]:
    return {"assignment_id": _carl_daily_mood(w).pk}


def _carl_completion(w: World) -> dict[str, Any]:
    """A fresh piece of Carl's homework, handed in as extra practice and not reviewed yet."""
    from tests.factories import hand_in

    return {"completion_id": hand_in(_carl_daily_mood(w), w.carl, extra=True).pk}


def _carl_homework(w: World) -> dict[str, Any]:
    return {"client_id": w.carl_client.pk, "assignment_id": _carl_daily_mood(w).pk}


def _alice_private_plan(w: World) -> Any:
    from stepwise.homework.models import HomeworkPlan

    return HomeworkPlan.objects.create(
        practice=w.practice,
        owner=w.alice,
        name="Week 1",
        items=[
            {
                "kind": "exercise",
                "exercise_id": _carl_daily_mood(w).exercise_id,
                "title": "Daily mood check-in",
                "frequency": "daily",
            }
        ],
    )


def _carl_unsubscribe_token(w: World) -> dict[str, Any]:
    from stepwise.reminders import actions as reminder_actions

    prefs = reminder_actions.preferences_for(w.carl_client)
    return {"token": reminder_actions.unsubscribe_token(prefs)}


def _carl_calendar_token(w: World) -> dict[str, Any]:
    from stepwise.reminders import actions as reminder_actions

    return {"token": reminder_actions.create_calendar_feed(w.carl_client)}


CARL = lambda w: {"client_id": w.carl_client.pk}  # noqa: E731
MIA = lambda w: {"client_id": w.mia_client.pk}  # noqa: E731


def _shipped_version(w: World, slug: str = "balloon-breathing") -> ExerciseVersion:
    found = ExerciseVersion.objects.filter(
        definition__practice__isnull=True, definition__slug=slug
    ).first()
    if found is None:  # a flushed database: load the shipped library again
        library_actions.load_shipped_library()
        return _shipped_version(w, slug)
    return found


def _alice_draft(w: World) -> dict[str, Any]:
    draft = ExerciseDefinition.objects.filter(owner=w.alice).first()
    draft = draft or library_actions.create_exercise(w.alice, title="Mine", category="cognitive")
    return {"definition_id": draft.pk}


def _alice_published(w: World) -> dict[str, Any]:
    """Alice's own published exercise, with its Spanish version to edit."""
    own = ExerciseDefinition.objects.filter(owner=w.alice, slug="every-step-type").first()
    if own is None:
        from tests.library.helpers import publish_sink

        own = publish_sink(w.alice)
    return {"definition_id": own.pk, "language": "es"}


def _carl_practice(w: World) -> dict[str, Any]:
    submission = Submission.objects.filter(client=w.carl_client).first()
    submission = submission or submit_exercise(
        client=w.carl_client,
        version=_shipped_version(w),
        data={"worry_before": 4, "breathe": 8, "worry_after": 1},
        mode="in_session",
        submitted_by=w.alice,
    )
    return {"client_id": w.carl_client.pk, "submission_id": submission.pk}


def _riverside_media(w: World) -> dict[str, Any]:
    media = MediaFile.objects.filter(practice=w.practice).first()
    if media is None:
        upload = SimpleUploadedFile("relax.ogg", b"OggS\x00\x02" + b"\x00" * 64)
        media = library_actions.upload_media(w.alice, title="Relaxation", upload=upload)
    return {"media_id": media.pk}


SHIPPED_VERSION = lambda w: {"version_id": _shipped_version(w).pk}  # noqa: E731
SHIPPED_DEFINITION = lambda w: {"definition_id": _shipped_version(w).definition_id}  # noqa: E731
CARL_EXERCISE = lambda w: {"client_id": w.carl_client.pk, "version_id": _shipped_version(w).pk}  # noqa: E731

ROUTES: dict[str, Route] = {
    "landing": Route(everyone(200)),
    "healthz": Route(everyone(200)),
    # The language switcher: anyone may choose (a visitor's cookie, a person's own setting).
    "set_language": Route(everyone(302), method="post", data=lambda w: {"language": "en"}),
    # The words of the scripts: the same for everyone (the language is in the address).
    "javascript_catalog": Route(everyone(200), kwargs=lambda w: {"language": "es"}),
    "home": Route(signed_in(302, gina=302)),
    "style_guide": Route(therapists_only(200)),
    "clinic:invitation_accept": Route(everyone(200), kwargs=_open_invitation_token),
    "accounts:settings": Route(signed_in(200)),
    "accounts:sign_out_everywhere": Route(signed_in(302), method="post"),
    "accounts:keepalive": Route(signed_in(204), method="post"),
    # A client's "keep me signed in": choosing the PIN (staff get 404); the PIN page sends an
    # unlocked session on to where it was going.
    "accounts:keep_signed_in": Route(signed_in(404, carl=200, dana=200, gina=200)),
    "accounts:unlock": Route(signed_in(302)),
    "accounts:magic_link_request": Route(everyone(200)),
    # A link that no longer works: 410 for a visitor; someone signed in is sent home.
    "accounts:magic_link_confirm": Route(
        {**everyone(302), "anonymous": 410}, kwargs=lambda w: {"token": "unknown"}
    ),
    "clinic:caseload": Route(therapists_only(200)),
    "clinic:client_new": Route(therapists_only(200)),
    "clinic:client_detail": Route(care_team_only(200), kwargs=CARL, audited_denial=True),
    "clinic:client_edit": Route(care_team_only(200), kwargs=CARL, audited_denial=True),
    "clinic:client_discharge": Route(
        care_team_only(302), method="post", kwargs=CARL, audited_denial=True
    ),
    "clinic:client_invite": Route(care_team_only(200), method="post", kwargs=MIA),
    "clinic:caregiver_invite": Route(care_team_only(200), kwargs=MIA),
    "clinic:caregiver_unlink": Route(care_team_only(302), method="post", kwargs=_gina_link),
    # The care team sets a linked parent's language (their own, not the child's).
    "clinic:caregiver_language": Route(
        care_team_only(302), method="post", kwargs=_gina_link, data=lambda w: {"language": "en"}
    ),
    "clinic:invitation_list": Route(therapists_only(200)),
    "clinic:invitation_revoke": Route(care_team_only(302), method="post", kwargs=_mia_invitation),
    "clinic:members": Route(therapists_only(200)),
    "clinic:member_invite": Route(
        signed_in(404, ada=302, olga=302),
        method="post",
        data=lambda w: {"email": "new.colleague@example.com", "role": "therapist"},
    ),
    "clinic:practice_time_zone": Route(
        signed_in(404, ada=302, olga=302),
        method="post",
        data=lambda w: {"time_zone": "America/Chicago"},
    ),
    "clinic:member_role": Route(
        signed_in(404, ada=302),
        method="post",
        kwargs=lambda w: {"membership_id": Membership.objects.get(user=w.alice).pk},
        data=lambda w: {"role": "admin"},
    ),
    # Only an admin removes a colleague; Olga is an admin of another practice: 404.
    "clinic:member_remove": Route(
        signed_in(404, ada=302),
        method="post",
        kwargs=lambda w: {"membership_id": Membership.objects.get(user=w.alice).pk},
    ),
    "homework:client_home": Route(signed_in(404, carl=200, dana=200, gina=200)),
    "homework:assign": Route(care_team_only(200), kwargs=CARL, audited_denial=True),
    "homework:do": Route(signed_in(404, carl=200), kwargs=_carl_occurrence),
    "homework:extra": Route(signed_in(404, carl=200), kwargs=_carl_assignment),
    "homework:well_done": Route(signed_in(200)),
    "progress:my_data": Route(signed_in(404, carl=200, dana=200)),
    "homework:save_draft": Route(
        signed_in(404, carl=204),
        method="post",
        kwargs=lambda w: {"assignment_id": _carl_daily_mood(w).pk, "slot": "extra"},
        data=lambda w: {"step-mood": "5"},
    ),
    "audit:practice_log": Route(signed_in(404, ada=200, olga=200)),
    "audit:practice_log_csv": Route(signed_in(404, ada=200, olga=200)),
    "audit:my_record_views": Route(signed_in(404, carl=200, dana=200)),
    "homework:crisis_plan": Route(signed_in(404)),  # no one has made a plan in this world
    "homework:inbox": Route(therapists_only(200), audited_denial=True),
    "homework:completion": Route(care_team_only(200), kwargs=_carl_completion, audited_denial=True),
    "homework:mark_reviewed": Route(
        care_team_only(302), method="post", kwargs=_carl_completion, audited_denial=True
    ),
    "homework:feedback": Route(
        care_team_only(302),
        method="post",
        kwargs=_carl_completion,
        data=lambda w: {"text": "Well done this week."},
        audited_denial=True,
    ),
    "homework:assignment_pause": Route(
        care_team_only(302), method="post", kwargs=_carl_homework, audited_denial=True
    ),
    "homework:assignment_resume": Route(
        care_team_only(302), method="post", kwargs=_carl_homework, audited_denial=True
    ),
    "homework:assignment_end": Route(
        care_team_only(200), kwargs=_carl_homework, audited_denial=True
    ),
    "homework:assignment_edit": Route(
        care_team_only(200), kwargs=_carl_homework, audited_denial=True
    ),
    "homework:assignment_schedule": Route(
        care_team_only(302),
        method="post",
        kwargs=_carl_homework,
        data=lambda w: {"frequency": "daily", "start": w.carl_client_today().isoformat()},
        audited_denial=True,
    ),
    "homework:assignment_details": Route(
        care_team_only(302),
        method="post",
        kwargs=_carl_homework,
        data=lambda w: {"reminder_time": "19:30", "note": "Before bed."},
        audited_denial=True,
    ),
    "homework:plan_new": Route(care_team_only(200), kwargs=CARL, audited_denial=True),
    "homework:plan_assign": Route(
        care_team_only(302),
        method="post",
        kwargs=lambda w: {"client_id": w.dana_client.pk},
        data=lambda w: {"plan": _alice_private_plan(w).pk},
        audited_denial=True,
    ),
    "homework:plans": Route(therapists_only(200)),
    # Plans hold no client data: only their author removes one; others get 404.
    "homework:plan_delete": Route(
        signed_in(404, alice=302),
        method="post",
        kwargs=lambda w: {"plan_id": _alice_private_plan(w).pk},
    ),
    "assessments:client_assessments": Route(care_team_only(200), kwargs=CARL, audited_denial=True),
    "assessments:start_in_session": Route(
        care_team_only(302),
        method="post",
        kwargs=CARL,
        data=lambda w: {"instrument": "phq9"},
        audited_denial=True,
    ),
    "assessments:results": Route(
        care_team_only(200),
        kwargs=_carl_phq9_results,
        audited_denial=True,
    ),
    "assessments:new_episode": Route(
        care_team_only(302),
        method="post",
        kwargs=_carl_phq9_results,
        data=lambda w: {"note": "New referral."},
        audited_denial=True,
    ),
    "assessments:alert_acknowledge": Route(
        care_team_only(302),
        method="post",
        kwargs=_carl_alert,
        data=lambda w: {"note": "Called the client."},
        audited_denial=True,
    ),
    # An alert email's link: the care team goes to the alert on the client's page.
    "assessments:alert": Route(
        care_team_only(302),
        kwargs=lambda w: {"alert_id": _carl_alert(w)["alert_id"]},
        audited_denial=True,
    ),
    # Alerts the practice's admins were told about: admins only (each sees their own practice's).
    "assessments:practice_alerts": Route(signed_in(404, ada=200, olga=200)),
    "assessments:practice_alert_join": Route(
        signed_in(404, ada=302),
        method="post",
        kwargs=_carl_escalated_alert,
    ),
    # Without an in-session questionnaire running, therapists are sent home; others get 404.
    "assessments:in_session": Route(therapists_only(302)),
    "assessments:in_session_done": Route(therapists_only(302)),
    "assessments:in_session_end": Route(therapists_only(302), method="post"),
    "assessments:instrument_list": Route(therapists_only(200)),
    "assessments:instrument_import": Route(signed_in(404, ada=200, olga=200)),
    "assessments:instrument_enable": Route(
        signed_in(404, ada=302, olga=302),
        method="post",
        kwargs=lambda w: {"key": "k10"},
        data=lambda w: {"confirm_licence": "1"},
    ),
    "assessments:instrument_disable": Route(
        signed_in(404, ada=302, olga=302), method="post", kwargs=lambda w: {"key": "k10"}
    ),
    "assessments:instrument_cutoff": Route(
        signed_in(404, ada=302, olga=302),
        method="post",
        kwargs=lambda w: {"key": "smfq_child"},
        data=lambda w: {"cutoff": "10"},
    ),
    "assessments:assessment_settings": Route(signed_in(404, ada=200, olga=200)),
    "library:index": Route(therapists_only(200)),
    "library:new": Route(therapists_only(200)),
    "library:import": Route(therapists_only(200)),
    "library:media": Route(therapists_only(200)),
    # Files go to the people of the practice: therapists, clients and carers; not Olga's.
    "library:media_file": Route(signed_in(200, olga=404), kwargs=_riverside_media),
    "library:detail": Route(therapists_only(200), kwargs=SHIPPED_DEFINITION),
    "library:preview": Route(therapists_only(200), kwargs=SHIPPED_VERSION),
    "library:export": Route(therapists_only(200), kwargs=SHIPPED_VERSION),
    "library:copy": Route(therapists_only(302), method="post", kwargs=SHIPPED_VERSION),
    "library:builder": Route(signed_in(404, alice=200), kwargs=_alice_draft),
    "library:translate": Route(signed_in(404, alice=200), kwargs=_alice_published),
    "library:builder_preview": Route(signed_in(404, alice=200), method="post", kwargs=_alice_draft),
    "homework:practise_pick": Route(care_team_only(200), kwargs=CARL, audited_denial=True),
    "homework:practise_together": Route(
        care_team_only(200), kwargs=CARL_EXERCISE, audited_denial=True
    ),
    "homework:submission": Route(care_team_only(200), kwargs=_carl_practice, audited_denial=True),
    # Reminders: a client's own settings; push endpoints take JSON (form data is a 400).
    "reminders:preferences": Route(signed_in(404, carl=200, dana=200), audited_denial=True),
    "reminders:push_subscribe": Route(
        signed_in(404, carl=400, dana=400), method="post", audited_denial=True
    ),
    "reminders:push_unsubscribe": Route(
        signed_in(404, carl=400, dana=400), method="post", audited_denial=True
    ),
    # The emailed token is the credential; GET only shows a confirm button.
    "reminders:unsubscribe": Route(everyone(200), kwargs=_carl_unsubscribe_token),
    # The provider's webhook: off (404) until SMS_INBOUND_SECRET is set; then 403 without it.
    "reminders:sms_inbound": Route(everyone(404), method="post"),
    # The client's own calendar link: make a new one / turn it off (POST, then back to the page).
    "reminders:calendar_manage": Route(
        signed_in(404, carl=302, dana=302), method="post", audited_denial=True
    ),
    # The feed itself: calendar apps cannot sign in, so the token is the credential.
    "reminders:calendar_feed": Route(everyone(200), kwargs=_carl_calendar_token),
    # A caregiver's own email choice; a therapist's own daily digest. No client data on either.
    "reminders:caregiver_preferences": Route(signed_in(404, gina=200)),
    "reminders:digest": Route(therapists_only(200)),
    # The web app manifest: public, fetched by browsers without cookies.
    "reminders:manifest": Route(everyone(200)),
    "assessments:share_results": Route(
        care_team_only(302),
        method="post",
        kwargs=CARL,
        data=lambda w: {"shared": "1"},
        audited_denial=True,
    ),
    # Progress: the therapist's own dashboard; a client's pages and exports for the care team;
    # the client's own progress; practice-wide counts for practice admins.
    "progress:dashboard": Route(therapists_only(200)),
    "progress:summary": Route(care_team_only(200), kwargs=CARL, audited_denial=True),
    "progress:client_progress": Route(care_team_only(200), kwargs=CARL, audited_denial=True),
    "progress:my_progress": Route(signed_in(404, carl=200, dana=200, gina=200)),
    "progress:export_csv": Route(care_team_only(200), kwargs=CARL, audited_denial=True),
    "progress:report": Route(care_team_only(200), kwargs=CARL, audited_denial=True),
    "progress:fhir": Route(care_team_only(200), kwargs=CARL, audited_denial=True),
    "progress:practice_figures": Route(signed_in(404, ada=200, olga=200)),
    "progress:practice_csv": Route(signed_in(404, ada=200, olga=200)),
}

# allauth's own pages: reviewed as a set. They show only the signed-in person's account data.
ALLAUTH_ROUTES = {
    "account_login", "account_logout", "account_inactive", "account_signup",
    "account_reauthenticate", "account_request_reauthentication_code",
    "account_confirm_reauthentication_code", "account_email", "account_email_verification_sent",
    "account_change_password", "account_set_password", "account_reset_password",
    "account_confirm_login_code", "account_confirm_email", "account_reset_password_from_key_done",
    "account_reset_password_from_key", "account_reset_password_done", "mfa_index",
    "mfa_authenticate", "mfa_reauthenticate", "mfa_activate_totp", "mfa_deactivate_totp",
    "mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_download_recovery_codes",
    "mfa_list_webauthn", "mfa_add_webauthn", "mfa_reauthenticate_webauthn", "mfa_remove_webauthn",
    "mfa_edit_webauthn",
}  # fmt: skip


def all_route_names() -> list[str]:
    return list(walk(get_resolver().url_patterns))


def test_every_route_is_in_the_expected_table() -> None:
    unlisted = [
        name
        for name in all_route_names()
        if name not in ROUTES and name not in ALLAUTH_ROUTES and not name.startswith("admin:")
    ]
    assert unlisted == [], f"Routes missing from the authorization table: {unlisted}"


def test_table_lists_no_route_that_does_not_exist() -> None:
    names = set(all_route_names())
    assert set(ROUTES) - names == set()
    assert ALLAUTH_ROUTES - names == set()


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_answers_each_persona_as_expected(
    name: str, world: World, client: HttpClient
) -> None:
    route = ROUTES[name]
    failures = []
    for persona in PERSONAS:
        # Each persona meets the route in the same state: objects are made per request.
        kwargs = route.kwargs(world)
        url = reverse(name, kwargs=kwargs)
        client.logout()
        user: User | None = world.persona(persona)
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        denials_before = AccessLog.objects.filter(outcome="denied").count()
        response = getattr(client, route.method)(url, route.data(world))
        expected = route.expect[persona]
        if expected == LOGIN:
            ok = response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            ok = response.status_code == expected
        if not ok:
            failures.append(f"{persona}: expected {expected}, got {response.status_code}")
        denials = AccessLog.objects.filter(outcome="denied").count() - denials_before
        if route.audited_denial and expected == 404 and denials != 1:
            failures.append(f"{persona}: the 404 was not audit-logged")
        if name == "accounts:sign_out_everywhere" and user is not None:
            user.refresh_from_db()
        # Undo what an allowed POST changed, so the next persona sees the same world.
        if (
            name == "clinic:caregiver_unlink"
            and not CaregiverLink.objects.filter(caregiver=world.gina).exists()
        ):
            CaregiverLink.objects.create(caregiver=world.gina, client=world.mia_client)
        if name == "clinic:client_discharge":
            Client.objects.filter(pk=world.carl_client.pk).update(discharged_at=None)
        if name == "clinic:member_role":
            Membership.objects.filter(user=world.alice).update(role="therapist")
        removed = not Membership.objects.filter(user=world.alice).exists()
        if name == "clinic:member_remove" and removed:
            Membership.objects.create(practice=world.practice, user=world.alice, role="therapist")
            for treated in (world.carl_client, world.dana_client, world.mia_client):
                treated.therapists.set([world.alice])
        if name == "clinic:member_invite":
            Invitation.objects.filter(email="new.colleague@example.com").update(
                revoked_at=timezone.now()
            )
        if name == "clinic:client_invite":
            Invitation.objects.filter(client=world.mia_client).update(revoked_at=timezone.now())
    assert failures == [], f"{name}: " + "; ".join(failures)


def test_every_page_answers_head_as_it_answers_get(world: World, client: HttpClient) -> None:
    """Monitors and link checkers use HEAD: a page answers it as GET, without a body."""
    failures = []
    for name, route in sorted(ROUTES.items()):
        if route.method != "get":
            continue
        for persona in ("anonymous", "alice", "carl"):
            url = reverse(name, kwargs=route.kwargs(world))
            client.logout()
            user = world.persona(persona)
            if user is not None:
                client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            expected = client.get(url).status_code
            head = client.head(url)
            body = b"".join(head.streaming_content) if head.streaming else head.content
            if head.status_code != expected or body:
                failures.append(f"{name} as {persona}: GET {expected}, HEAD {head.status_code}")
    assert failures == []


@pytest.mark.parametrize("name", sorted(ALLAUTH_ROUTES))
def test_allauth_pages_never_fail_for_anonymous_visitors(
    name: str, db: None, client: HttpClient
) -> None:
    kwargs: dict[str, str] = {}
    if name == "account_confirm_email":
        kwargs = {"key": "not-a-key"}
    elif name == "account_reset_password_from_key":
        kwargs = {"uidb36": "1", "key": "not-a-key"}
    elif name in ("mfa_remove_webauthn", "mfa_edit_webauthn"):
        kwargs = {"pk": "1"}
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code < 500


def test_the_admin_login_goes_through_the_throttled_sign_in(db: None, client: HttpClient) -> None:
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_django_admin_turns_away_people_who_are_not_staff(world: World, client: HttpClient) -> None:
    client.force_login(world.ada, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
