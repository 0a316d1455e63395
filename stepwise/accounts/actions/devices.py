"""Keep me signed in on this device: the writes (remember, forget, unlock with the PIN).

The rules (who may, whether a session is remembered or locked, a weak PIN) and the session
keys are in `stepwise/accounts/device.py`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.signals import user_logged_out
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from stepwise.accounts.clocks import SEEN, STARTED
from stepwise.accounts.device import (
    DEVICE,
    KEEP_DAYS,
    KEEP_UNTIL,
    LOCKED,
    MAX_PIN_FAILURES,
    PIN_PATTERN,
    SESSION_KEYS,
    is_remembered,
    may_keep_signed_in,
)
from stepwise.accounts.models import RememberedDevice, User


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
