"""Print the demo therapists' current two-step sign-in code (development only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stepwise.ops.demo import current_demo_code


class Command(BaseCommand):
    help = "Show the current authenticator code of the demo therapists (never in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo codes are for development only.")
        self.stdout.write(current_demo_code())
