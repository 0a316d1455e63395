"""manage.py purge_expired: erase client records discharged longer ago than the retention period."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from stepwise.ops.erasure import expired_client_ids, purge_expired, retention_cutoff


class Command(BaseCommand):
    help = (
        "Erase every client record discharged more than STEPWISE_RETENTION_YEARS ago (default 7), "
        "with all its homework, answers, questionnaires, reminders and the client's sign-in. "
        "Each erasure leaves one entry (client.purged) in the access log. Run it daily."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the records that would go."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        years = settings.STEPWISE_RETENTION_YEARS
        cutoff = retention_cutoff()
        if options["dry_run"]:
            count = len(expired_client_ids())
            self.stdout.write(
                f"{count} client record(s) were discharged before {cutoff:%Y-%m-%d} "
                f"({years} years ago) and would be erased."
            )
            return
        erased = purge_expired()
        rows = sum(item.total for item in erased)
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased {len(erased)} client record(s) discharged before {cutoff:%Y-%m-%d} "
                f"({rows} rows)."
            )
        )
