"""Keep me signed in on this device: up to 30 days for clients and carers, behind a PIN.

A client (or a parent) may choose at sign-in, with a password or an emailed link, to stay signed
in on their own phone for up to 30 days. They set a 4-6 digit PIN. After 15 minutes without
activity the session locks and asks for the PIN (never the password); five wrong PINs sign the
device out. Staff never get this: their sessions keep the 30-minute idle and 12-hour absolute
limits (`session_timeout.py`), whatever the sign-in form said.

The PIN is stored only as a hash made by Django's password hasher, in a `RememberedDevice` row;
the session holds the row's id, when the device stops being remembered, and whether it is locked.
"""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_out
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from stepwise.accounts.clocks import SEEN, STARTED
from stepwise.accounts.models import RememberedDevice, User
from stepwise.accounts.rules import is_staff_account

KEEP_DAYS = 30
PIN_IDLE_MINUTES = 15
MAX_PIN_FAILURES = 5
# "Keep me signed in" is offered this long after signing in, not to whoever finds an open session.
CHOOSE_WITHIN_MINUTES = 15

DEVICE = "_stepwise_device"
KEEP_UNTIL = "_stepwise_keep_until"
LOCKED = "_stepwise_locked"
SESSION_KEYS = (DEVICE, KEEP_UNTIL, LOCKED)

PIN_PATTERN = re.compile(r"[0-9]{4,6}")


def pin_idle_seconds() -> int:
    return PIN_IDLE_MINUTES * 60


def may_keep_signed_in(user: User | AnonymousUser) -> bool:
    """Clients and carers may; therapists, practice admins and Django staff may not."""
    return user.is_authenticated and not is_staff_account(user)


def is_remembered(session: Any) -> bool:
    return DEVICE in session


def is_locked(session: Any) -> bool:
    return bool(session.get(LOCKED))


def weak_pin(pin: str) -> bool:
    """One digit repeated, or a straight run up or down (1234, 9876)."""
    if len(set(pin)) == 1:
        return True
    steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
    return steps in ({1}, {-1})


def remember(request: HttpRequest, pin: str) -> RememberedDevice:
    """Keep this session for up to 30 days from its sign-in, unlocked by ``pin``."""
    user = request.user
    if not isinstance(user, User) or not may_keep_signed_in(user):
        raise PermissionDenied("Only clients and carers may stay signed in on a device.")
    if not PIN_PATTERN.fullmatch(pin):
        raise ValueError("A PIN is 4 to 6 digits.")
    session = request.session
    started = float(session.get(STARTED, time.time()))
    until = datetime.fromtimestamp(started, tz=UTC) + timedelta(days=KEEP_DAYS)
    if is_remembered(session):  # a new PIN for this device keeps its end date
        until = min(until, datetime.fromtimestamp(float(session[KEEP_UNTIL]), tz=UTC))
        RememberedDevice.objects.filter(pk=session[DEVICE], user=user).delete()
    RememberedDevice.objects.filter(user=user, expires_at__lte=timezone.now()).delete()
    device = RememberedDevice.objects.create(
        user=user, pin_hash=make_password(pin), expires_at=until
    )
    session[DEVICE] = device.pk
    session[KEEP_UNTIL] = until.timestamp()
    session.pop(LOCKED, None)
    session.set_expiry(until)
    return device


def lock(session: Any) -> None:
    session[LOCKED] = True


def forget(request: HttpRequest) -> None:
    """This session goes back to the ordinary limits; its device row is removed."""
    device_id = request.session.get(DEVICE)
    if device_id is not None:
        RememberedDevice.objects.filter(pk=device_id).delete()
    for key in SESSION_KEYS:
        request.session.pop(key, None)
    request.session.set_expiry(None)


@dataclass(frozen=True)
class Unlock:
    ok: bool
    signed_out: bool = False
    attempts_left: int = 0


def unlock(request: HttpRequest, pin: str) -> Unlock:
    """Check the PIN. Right: the session opens again. Wrong five times: signed out here."""
    session = request.session
    device_id, user_id = session.get(DEVICE), request.user.pk
    device = None
    if device_id is not None and user_id is not None:
        device = RememberedDevice.objects.filter(
            pk=device_id, user_id=user_id, expires_at__gt=timezone.now()
        ).first()
    if device is None:
        logout(request)
        return Unlock(ok=False, signed_out=True)
    # Count the attempt before checking the PIN, in one conditional UPDATE: parallel guesses
    # each take one of the five attempts, and none is checked once they are used up.
    counted = RememberedDevice.objects.filter(
        pk=device.pk, failed_attempts__lt=MAX_PIN_FAILURES
    ).update(failed_attempts=F("failed_attempts") + 1)
    if counted != 1:
        logout(request)  # forgets the device too (see below)
        return Unlock(ok=False, signed_out=True)
    if check_password(pin, device.pin_hash):
        RememberedDevice.objects.filter(pk=device.pk).update(
            failed_attempts=0, last_unlocked_at=timezone.now()
        )
        session.pop(LOCKED, None)
        session[SEEN] = time.time()
        return Unlock(ok=True)
    failures = (
        RememberedDevice.objects.filter(pk=device.pk)
        .values_list("failed_attempts", flat=True)
        .first()
    )
    if failures is None or failures >= MAX_PIN_FAILURES:
        logout(request)
        return Unlock(ok=False, signed_out=True)
    return Unlock(ok=False, attempts_left=MAX_PIN_FAILURES - failures)


@receiver(user_logged_out)
def forget_on_sign_out(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """Signing out on a remembered device forgets it (and its PIN)."""
    if request is not None and hasattr(request, "session"):
        device_id = request.session.get(DEVICE)
        if device_id is not None:
            RememberedDevice.objects.filter(pk=device_id).delete()
