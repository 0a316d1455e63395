"""`manage.py load_instruments`: copy new or changed shipped instrument files into the database.

Idempotent: an unchanged file adds nothing; a changed one becomes the next version, and earlier
versions stay for the responses that answered them. `migrate` runs the same step.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from stepwise.assessments.actions.shipped import sync_shipped_instruments


class Command(BaseCommand):
    help = "Load new or changed shipped instrument definitions as new versions (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        added = sync_shipped_instruments()
        if added:
            self.stdout.write(f"Added {len(added)} instrument version(s): {', '.join(added)}")
        else:
            self.stdout.write("Instruments are up to date.")
