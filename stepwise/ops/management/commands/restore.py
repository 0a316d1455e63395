"""manage.py restore: bring a backup back into an empty database and verify every table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from stepwise.ops.backup import BackupError, restore_backup
from stepwise.ops.management.commands.backup import _passphrase


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database, then check it row by row."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", help="The archive written by manage.py backup.")
        parser.add_argument("--passphrase-env", metavar="VARIABLE")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archive"])
        if not path.exists():
            raise CommandError(f"No backup at {path}.")
        try:
            result = restore_backup(path, _passphrase(options["passphrase_env"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored and verified {result['tables']} tables, {result['rows']} rows: all match."
        )
