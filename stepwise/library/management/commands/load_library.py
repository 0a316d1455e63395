"""`manage.py load_library`: load or update the shipped exercises; safe to run any time."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from stepwise.library.actions import load_shipped_library


class Command(BaseCommand):
    help = "Load the shipped exercise library: new files and changed files become new versions."

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_shipped_library()
        for slug in report.created:
            self.stdout.write(f"new      {slug}")
        for slug in report.updated:
            self.stdout.write(f"updated  {slug}")
        for slug in report.translated:
            self.stdout.write(f"translated {slug}")
        for problem in report.translation_problems:
            self.stderr.write(f"translation not loaded (shown in English): {problem}")
        self.stdout.write(self.style.SUCCESS(report.summary()))
