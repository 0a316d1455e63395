"""Rotating STEPWISE_FIELD_KEYS: a new key first, `rotate_field_keys`, then the old key can go."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from stepwise.accounts.field_keys import ENCRYPTED_PREFIX, _fernet
from stepwise.accounts.mfa import MFAAdapter
from tests.conftest import World


@pytest.fixture
def keys(settings: Any) -> Any:
    yield settings
    _fernet.cache_clear()


def test_rotation_re_encrypts_every_secret_so_the_old_key_can_go(world: World, keys: Any) -> None:
    old, new = keys.STEPWISE_FIELD_KEYS[0], Fernet.generate_key().decode()
    RecoveryCodes.activate(world.alice)
    totp = Authenticator.objects.get(user=world.alice, type=Authenticator.Type.TOTP)
    secret = MFAAdapter().decrypt(totp.data["secret"])
    before = {a.pk: dict(a.data) for a in Authenticator.objects.all()}

    keys.STEPWISE_FIELD_KEYS = [new, old]
    _fernet.cache_clear()
    call_command("rotate_field_keys")
    keys.STEPWISE_FIELD_KEYS = [new]
    _fernet.cache_clear()

    totp.refresh_from_db()
    assert MFAAdapter().decrypt(totp.data["secret"]) == secret
    for authenticator in Authenticator.objects.all():
        field = "secret" if authenticator.type == Authenticator.Type.TOTP else "seed"
        stored = authenticator.data[field]
        assert stored.startswith(ENCRYPTED_PREFIX)
        assert stored != before[authenticator.pk][field]
        MFAAdapter().decrypt(stored)  # readable with the new key alone


def test_rotation_stops_when_a_key_is_missing(world: World, keys: Any) -> None:
    keys.STEPWISE_FIELD_KEYS = [Fernet.generate_key().decode()]
    _fernet.cache_clear()
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_field_keys")
