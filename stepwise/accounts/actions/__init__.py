"""Writes to accounts: invited users, magic links, signing out everywhere, settings.

Further writes live beside this module: `devices` (keep me signed in on this device, the PIN)
and `rotation` (re-encrypting second-factor secrets with a new key).
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from stepwise.accounts.models import MagicLink, RememberedDevice, User, hash_token, new_token
from stepwise.accounts.rules import may_sign_in_by_link
from stepwise.accounts.signals import language_changed, time_zone_changed
from stepwise.lib.language import reader_language


def create_invited_user(
    *,
    email: str,
    name: str,
    time_zone: str,
    password: str | None,
    email_verified: bool,
    language: str = "",
) -> User:
    """A new account from an invitation; `language` is the invitation's (the account starts in
    the language its invitation was written in)."""
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            name=name,
            time_zone=time_zone,
            language=reader_language(language),
        )
        EmailAddress.objects.create(
            user=user, email=user.email, primary=True, verified=email_verified
        )
    return user


def issue_magic_link(user: User) -> str | None:
    """A new sign-in link's token, or None for someone who may not sign in by link."""
    if not may_sign_in_by_link(user):
        return None
    token = new_token()
    MagicLink.objects.create(
        user=user, token_hash=hash_token(token), expires_at=timezone.now() + MagicLink.lifetime()
    )
    return token


def peek_magic_link(token: str) -> MagicLink | None:
    """The usable link of this token, if its user may still sign in by link."""
    link = (
        MagicLink.objects.usable()
        .select_related("user")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None or not may_sign_in_by_link(link.user):
        return None  # e.g. issued to a client who has become staff since
    return link


def consume_magic_link(token: str) -> User | None:
    """The user for a usable link, marking it used; None if unknown, used or expired."""
    with transaction.atomic():
        link = peek_magic_link(token)
        if link is None:
            return None
        claimed = MagicLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if claimed != 1:
            return None
        # Following the link proves the person reads this mailbox.
        EmailAddress.objects.filter(user=link.user, email__iexact=link.user.email).update(
            verified=True
        )
    return link.user


def sign_out_everywhere(user: User) -> None:
    """Invalidate every session of this user at once (their auth hash changes)."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    RememberedDevice.objects.filter(user=user).delete()  # and forget every kept device
    user.refresh_from_db(fields=["session_generation"])


def roles_changed(*user_ids: int) -> None:
    """What these people are has changed (a membership or its role, a client record, a caregiver
    link, a second factor removed): every session of theirs reads its roles again on its next
    request. Call it inside the transaction that makes the change, so no request can keep what
    it read before the change under the new generation."""
    User.objects.filter(pk__in=user_ids).update(roles_generation=F("roles_generation") + 1)


def update_account_settings(
    user: User, *, name: str, time_zone: str, language: str | None = None
) -> None:
    with transaction.atomic():
        # Compared with the stored row: a settings form may have changed `user` already.
        stored_zone, stored_language = User.objects.values_list("time_zone", "language").get(
            pk=user.pk
        )
        zone_moved = stored_zone != time_zone
        language = stored_language if language is None else reader_language(language)
        language_moved = stored_language != language
        user.name = name
        user.time_zone = time_zone
        user.language = language
        user.save(update_fields=["name", "time_zone", "language"])
        if zone_moved:
            time_zone_changed.send(User, user=user)
        if language_moved:
            language_changed.send(User, user=user)


def name_new_account(user: User, *, name: str, time_zone: str) -> None:
    """The name and time zone given on the sign-up form, stored on the account just made
    (nothing yet depends on its zone, so nothing is told of the change)."""
    user.name = name
    user.time_zone = time_zone
    user.save(update_fields=["name", "time_zone"])


def set_language(user: User, language: str) -> None:
    """A person's own language (their Settings, or their therapist for a client or carer)."""
    with transaction.atomic():
        language = reader_language(language)
        if user.language == language:
            return
        user.language = language
        user.save(update_fields=["language"])
        language_changed.send(User, user=user)


def set_active(user: User, active: bool) -> None:
    """Disabling an account ends its sessions: Django refuses inactive users on every request."""
    User.objects.filter(pk=user.pk).update(
        is_active=active, session_generation=F("session_generation") + 1
    )
    if not active:
        RememberedDevice.objects.filter(user=user).delete()
