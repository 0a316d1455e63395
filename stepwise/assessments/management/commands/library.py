"""`manage.py library [--json]`: every published definition, exercises and assessments."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stepwise.assessments.listing import published_definitions


class Command(BaseCommand):
    help = "List every published exercise and assessment definition."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print a JSON list")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = published_definitions()
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        for row in rows:
            self.stdout.write(
                f"{row['kind']:<10} {row['slug']:<32} v{row['version']:<3} "
                f"{row['category']:<18} {','.join(row['audience']):<22} {row['title']}"
            )
        self.stdout.write(f"{len(rows)} definitions.")
