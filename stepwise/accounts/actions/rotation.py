"""Re-encrypting stored second-factor secrets with the first of ``STEPWISE_FIELD_KEYS``
(`manage.py rotate_field_keys`)."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db import transaction

from stepwise.accounts.field_keys import ENCRYPTED_PREFIX, field_cipher

# Which field of an authenticator's data holds a secret, by its type.
SECRET_FIELDS = {Authenticator.Type.TOTP: "secret", Authenticator.Type.RECOVERY_CODES: "seed"}


def reencrypt_secrets() -> int:
    """Re-encrypt each stored secret with the first key; return how many were rewritten.

    Secrets stored before encryption was switched on are encrypted too.
    """
    cipher = field_cipher()
    rewritten = 0
    with transaction.atomic():
        for authenticator in Authenticator.objects.select_for_update().filter(
            type__in=list(SECRET_FIELDS)
        ):
            name = SECRET_FIELDS[authenticator.type]
            stored = authenticator.data.get(name)
            if not isinstance(stored, str) or not stored:
                continue
            if stored.startswith(ENCRYPTED_PREFIX):
                token = cipher.rotate(stored[len(ENCRYPTED_PREFIX) :].encode())
            else:  # written before encryption was switched on
                token = cipher.encrypt(stored.encode())
            data = {**authenticator.data, name: ENCRYPTED_PREFIX + token.decode()}
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
            rewritten += 1
    return rewritten
