"""The user account: email is the login; roles come from memberships and client links."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", unique=True, max_length=254)
    name = models.CharField("name", max_length=100, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    # The language of this person's pages and of everything sent to them (docs/languages.md);
    # one of settings.LANGUAGES (no choices here: a new language needs no migration).
    language = models.CharField("language", max_length=8, default=settings.LANGUAGE_CODE)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("Django admin access", default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Bumped by "sign out everywhere": every session's auth hash includes it, so all die at once.
    session_generation = models.PositiveIntegerField(default=0)
    # Bumped whenever what this person is changes (a membership or its role, a client record, a
    # caregiver link, a second factor removed): each session keeps its roles and second-factor
    # state with the generation it read them at, and reads them again once this moves on.
    roles_generation = models.PositiveIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]

    def get_session_auth_hash(self) -> str:
        key_salt = "stepwise.accounts.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_generation}", algorithm="sha256"
        ).hexdigest()


def hash_token(token: str) -> str:
    """Tokens are stored only as their SHA-256 digest; the plain token lives in the link."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


class MagicLinkQuerySet(models.QuerySet["MagicLink"]):
    def usable(self) -> MagicLinkQuerySet:
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


class MagicLink(models.Model):
    """A single-use, expiring sign-in link for clients and caregivers."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = MagicLinkQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Sign-in link for user {self.user_id}"

    @classmethod
    def lifetime(cls) -> timedelta:
        return timedelta(minutes=settings.MAGIC_LINK_MINUTES)


class RememberedDevice(models.Model):
    """A client's "keep me signed in on this device": the PIN that unlocks it, hashed.

    The session names the row; the row holds the PIN hash (Django's password hasher), when the
    device stops being remembered, and the wrong PINs typed since the last unlock (counted with
    an atomic update, so parallel guesses cannot share one attempt).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="remembered_devices"
    )
    pin_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    last_unlocked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Remembered device {self.pk} of user {self.user_id}"
