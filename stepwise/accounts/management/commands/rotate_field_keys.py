"""manage.py rotate_field_keys: re-encrypt every stored second-factor secret with the first key.

Rotation: put a new Fernet key first in STEPWISE_FIELD_KEYS (keep the old ones after it), restart,
run this command, then remove the old keys and restart again. Secrets stored before encryption
was switched on are encrypted too.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from stepwise.accounts.actions.rotation import reencrypt_secrets


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored two-step sign-in secret with the first key in "
        "STEPWISE_FIELD_KEYS, so older keys can then be removed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from cryptography.fernet import InvalidToken

        try:
            count = reencrypt_secrets()
        except InvalidToken:
            raise CommandError(
                "A stored secret cannot be decrypted with any key in STEPWISE_FIELD_KEYS: put "
                "back the key it was encrypted with (after the new one) and run this again."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {count} stored secret(s)."))
