"""manage.py backup: one archive of the database and media, optionally encrypted."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from stepwise.ops.backup import BackupError, make_backup


class Command(BaseCommand):
    help = "Write a consistent backup (database + media) to one archive file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output", help="Archive path (default: data/backups/stepwise-<time>.tar.gz)"
        )
        parser.add_argument(
            "--passphrase-env",
            metavar="VARIABLE",
            help="Encrypt with the passphrase held in this environment variable.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        passphrase = _passphrase(options["passphrase_env"])
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        suffix = ".tar.gz.enc" if passphrase else ".tar.gz"
        default = Path(settings.DATA_DIR) / "backups" / f"stepwise-{stamp}{suffix}"
        output = Path(options["output"]) if options["output"] else default
        try:
            summary = make_backup(output, passphrase)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        lock = " (encrypted)" if summary.encrypted else ""
        self.stdout.write(
            f"Backup written to {summary.path}{lock}: {summary.tables} tables, {summary.rows} rows."
        )


def _passphrase(variable: str | None) -> str | None:
    if not variable:
        return None
    value = os.environ.get(variable)
    if not value:
        raise CommandError(f"The environment variable {variable} is empty or not set.")
    return value
