"""Load the demo practice, only into an empty database (so running it twice keeps your data)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from stepwise.clinic.demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    database_is_empty,
    load_demo,
)


class Command(BaseCommand):
    help = (
        "Load the demo practice (two therapists, eight clients, two parents, twelve weeks of "
        "history) into an empty database."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--quiet-if-loaded", action="store_true", help="No message when skipped."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not database_is_empty():
            if not options["quiet_if_loaded"]:
                self.stdout.write("The database already has data; demo data not loaded.")
            return
        load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(demo_logins_text())


def demo_logins_text() -> str:
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    lines += [f"  {login.email:<36} {login.role}" for login in DEMO_LOGINS]
    lines.append(
        "Therapists then give a two-step code: add the secret "
        f"{DEMO_TOTP_SECRET} to an authenticator app, or run: make demo-code"
    )
    return "\n".join(lines)
