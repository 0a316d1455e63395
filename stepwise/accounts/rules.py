"""Who is staff, and who may sign in by an emailed link: one answer for every caller.

A sign-in link skips the password and the second factor, so it is only for people who have
neither to lose: clients and carers. Anyone who can reach client data or the Django admin
(Django staff or superusers, practice members) or who has enrolled an authenticator is refused,
both when a link is asked for and when one is used, so a link issued before someone became
staff dies with the change.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser

from stepwise.accounts.models import User


def is_staff_account(user: User | AnonymousUser) -> bool:
    """Therapists, practice admins, and Django staff or superusers."""
    if not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or hasattr(user, "membership"))


def may_sign_in_by_link(user: User) -> bool:
    if not user.is_active or is_staff_account(user):
        return False
    # Someone who set up a second factor has chosen to be asked for it.
    return not Authenticator.objects.filter(user=user).exists()
