"""The demo practice a newcomer clicks through. The logins here are the README's, nowhere else."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from stepwise.accounts.models import User
from stepwise.clinic import actions
from stepwise.clinic.models import CaregiverLink, Client, Membership, Practice, Role

DEMO_PASSWORD = "stepwise-demo-2026"  # noqa: S105 - published demo login, documented in README


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
    actions.add_client(alex, display_name="Priya", time_zone="Asia/Kolkata", mobile="+919800000001")
    mia = actions.add_client(alex, display_name="Mia", time_zone="Europe/London", is_minor=True)
    mia.therapists.add(sam)
    chris = _user("chris@demo.stepwise.test", "Chris", "Europe/London")
    CaregiverLink.objects.create(caregiver=chris, client=mia, relationship="father")
    actions.add_client(sam, display_name="Taylor", time_zone="America/New_York")
    return practice
