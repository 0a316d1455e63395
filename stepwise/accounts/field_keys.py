"""The keys that encrypt second-factor secrets at rest (``STEPWISE_FIELD_KEYS``, Fernet).

The first key encrypts, every key decrypts, so keys rotate by putting a new one first and
re-encrypting (`manage.py rotate_field_keys`). Apart from `mfa.py` so that the rotation action
can use them without importing the sign-in middleware (which itself calls accounts' actions).
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

ENCRYPTED_PREFIX = "fernet:"


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def field_cipher() -> MultiFernet:
    return _fernet(tuple(settings.STEPWISE_FIELD_KEYS))
