"""The demo practice a newcomer clicks through. The logins here are the README's, nowhere else."""

from __future__ import annotations

import time as time_module
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.db import transaction

from stepwise.accounts.models import User
from stepwise.clinic import actions
from stepwise.clinic.models import CaregiverLink, Client, Membership, Practice, Role

DEMO_PASSWORD = "stepwise-demo-2026"  # noqa: S105 - published demo login, documented in README
# The demo therapists' authenticator secret, published in the README (demo data only).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105


def current_demo_code() -> str:
    """What an authenticator app holding the demo secret shows right now."""
    counter = int(time_module.time()) // 30
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str


DEMO_LOGINS = [
    DemoLogin("therapist, practice admin", "alex.morgan@demo.stepwise.test"),
    DemoLogin("therapist", "sam.okafor@demo.stepwise.test"),
    DemoLogin("client", "jordan@demo.stepwise.test"),
    DemoLogin("parent of Mia (a minor client)", "chris@demo.stepwise.test"),
]


def _user(email: str, name: str, time_zone: str) -> User:
    user = User.objects.create_user(
        email=email, password=DEMO_PASSWORD, name=name, time_zone=time_zone
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def database_is_empty() -> bool:
    return not User.objects.exists() and not Practice.objects.exists()


@transaction.atomic
def load_demo() -> Practice:
    alex = _user("alex.morgan@demo.stepwise.test", "Alex Morgan", "Europe/London")
    sam = _user("sam.okafor@demo.stepwise.test", "Sam Okafor", "Europe/London")
    practice = actions.create_solo_practice(alex, "Riverside Family Therapy")
    Membership.objects.create(practice=practice, user=sam, role=Role.THERAPIST)

    jordan = actions.add_client(
        alex, display_name="Jordan", time_zone="Europe/London", email="jordan@demo.stepwise.test"
    )
    Client.objects.filter(pk=jordan.pk).update(
        user=_user("jordan@demo.stepwise.test", "Jordan", "Europe/London")
    )
    jordan.refresh_from_db()
    for therapist in (alex, sam):  # staff need a second factor; the demo's is published
        TOTP.activate(therapist, DEMO_TOTP_SECRET)
    actions.add_client(alex, display_name="Priya", time_zone="Asia/Kolkata", mobile="+919800000001")
    mia = actions.add_client(alex, display_name="Mia", time_zone="Europe/London", is_minor=True)
    mia.therapists.add(sam)
    chris = _user("chris@demo.stepwise.test", "Chris", "Europe/London")
    CaregiverLink.objects.create(caregiver=chris, client=mia, relationship="father")
    actions.add_client(sam, display_name="Taylor", time_zone="America/New_York")
    _demo_homework(alex, jordan, mia)
    return practice


def _demo_homework(alex: User, jordan: Client, mia: Client) -> None:
    """Homework so a newcomer sees the loop: assignments, one item done, feedback on it."""
    from datetime import time

    from stepwise.homework.actions import assigning
    from stepwise.homework.models import Assignee, ItemKind, Occurrence, today_for
    from stepwise.homework.schedule import Frequency, Schedule
    from stepwise.library.models import ExerciseDefinition

    def shipped(slug: str) -> ExerciseDefinition | None:
        return ExerciseDefinition.objects.filter(slug=slug, practice__isnull=True).first()

    def give(client: Client, slug: str, schedule: Schedule, **extra: object) -> None:
        exercise = shipped(slug)
        if exercise is None:  # the library is loaded by a migration; nothing to show without it
            return
        assigning.assign(
            client=client,
            by=alex,
            item=assigning.ItemChoice(
                kind=ItemKind.EXERCISE,
                exercise=exercise,
                title=exercise.title,
                estimated_minutes=exercise.estimated_minutes,
            ),
            schedule=schedule,
            reminder_time=time(18, 0),
            **extra,  # type: ignore[arg-type]
        )

    today = today_for(jordan)
    give(jordan, "daily-mood-check-in", Schedule(Frequency.DAILY, today))
    give(jordan, "paced-breathing", Schedule(Frequency.TIMES_PER_WEEK, today, times_per_week=3))
    assigning.assign(
        client=jordan,
        by=alex,
        item=assigning.ItemChoice(kind=ItemKind.ASSESSMENT, instrument_key="phq9", title="PHQ-9"),
        schedule=Schedule(Frequency.EVERY_N_WEEKS, today, interval_weeks=2),
        reminder_time=time(18, 0),
    )
    give(
        mia, "reward-chart", Schedule(Frequency.DAILY, today_for(mia)), assignee=Assignee.CAREGIVER
    )
    give(
        mia,
        "feelings-thermometer",
        Schedule(Frequency.WEEKDAYS, today_for(mia), weekdays=frozenset({0, 3})),
    )

    mood = shipped("daily-mood-check-in")
    occurrence = Occurrence.objects.filter(assignment__client=jordan, opens=today).first()
    if mood is not None and occurrence is not None and mood.current_version is not None:
        answers = {
            "mood": 6,
            "energy": 5,
            "sleep": 7,
            "feelings": [],
            "went_well": "Went for a walk",
        }
        try:
            done = assigning.complete_exercise(
                assignment=occurrence.assignment,
                occurrence=occurrence,
                data=answers,
                by=jordan.user,  # type: ignore[arg-type]
            )
        except Exception:
            return
        assigning.leave_feedback(done, by=alex, text="Nice to see the walk helping. Keep it going!")
