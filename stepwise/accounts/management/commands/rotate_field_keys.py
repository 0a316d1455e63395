"""manage.py rotate_field_keys: re-encrypt every stored second-factor secret with the first key.

Rotation: put a new Fernet key first in STEPWISE_FIELD_KEYS (keep the old ones after it), restart,
run this command, then remove the old keys and restart again. Secrets stored before encryption
was switched on are encrypted too.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from stepwise.accounts.mfa import ENCRYPTED_PREFIX, field_cipher

# Which field of an authenticator's data holds a secret, by its type.
SECRET_FIELDS = {Authenticator.Type.TOTP: "secret", Authenticator.Type.RECOVERY_CODES: "seed"}


def rotate_all() -> int:
    """Re-encrypt each stored secret with the first key; return how many were rewritten."""
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


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored two-step sign-in secret with the first key in "
        "STEPWISE_FIELD_KEYS, so older keys can then be removed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from cryptography.fernet import InvalidToken

        try:
            count = rotate_all()
        except InvalidToken:
            raise CommandError(
                "A stored secret cannot be decrypted with any key in STEPWISE_FIELD_KEYS: put "
                "back the key it was encrypted with (after the new one) and run this again."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {count} stored secret(s)."))
