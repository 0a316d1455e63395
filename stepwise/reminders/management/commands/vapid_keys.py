"""Print a new VAPID key pair as environment lines for web push."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from stepwise.reminders.vapid import generate_vapid_keys


class Command(BaseCommand):
    help = "Make a VAPID key pair for web push; put the lines in the server's environment."

    def handle(self, *args: Any, **options: Any) -> None:
        keys = generate_vapid_keys()
        self.stdout.write(f"VAPID_PRIVATE_KEY={keys.private}")
        self.stdout.write(f"VAPID_PUBLIC_KEY={keys.public}")
        self.stdout.write("VAPID_SUBJECT=mailto:you@your-practice.example")
