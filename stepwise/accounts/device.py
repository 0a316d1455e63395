"""Keep me signed in on this device: up to 30 days for clients and carers, behind a PIN.

A client (or a parent) may choose at sign-in, with a password or an emailed link, to stay signed
in on their own phone for up to 30 days. They set a 4-6 digit PIN. After 15 minutes without
activity the session locks and asks for the PIN (never the password); five wrong PINs sign the
device out. Staff never get this: their sessions keep the 30-minute idle and 12-hour absolute
limits (`session_timeout.py`), whatever the sign-in form said.

The PIN is stored only as a hash made by Django's password hasher, in a `RememberedDevice` row;
the session holds the row's id, when the device stops being remembered, and whether it is locked.
This module holds the rules and the session keys; the writes (remember, forget, unlock, and
forgetting the device on sign-out) are `stepwise/accounts/actions/devices.py`.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from django.contrib.auth.models import AnonymousUser

from stepwise.accounts.models import User
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


def lock(session: Any) -> None:
    session[LOCKED] = True
