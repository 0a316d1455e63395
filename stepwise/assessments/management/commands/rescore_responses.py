"""`manage.py rescore_responses`: score stored responses again, without changing any of them.

Each response keeps the score it was given at submission. When scoring again (with the newest
version of its instrument, or with `--same-version` the version it answered) gives a different
result, a `ScoreRevision` row is appended; that newest revision is what results pages show.
Running it twice adds nothing the second time.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stepwise.assessments.actions import AssessmentError, rescore_response
from stepwise.assessments.models import AssessmentResponse


class Command(BaseCommand):
    help = "Recompute stored assessment scores; differences are stored as new score revisions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--instrument", help="only this instrument id, e.g. phq9")
        parser.add_argument(
            "--same-version",
            action="store_true",
            help="score with the version each response answered (after a scorer fix), not the "
            "newest version of its instrument",
        )
        parser.add_argument(
            "--reason", default="rescore_responses", help="why, kept with each new revision"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        responses = AssessmentResponse.objects.select_related("instrument").order_by("id")
        if options["instrument"]:
            responses = responses.filter(instrument__key=options["instrument"])
        checked = revised = failed = 0
        for response in responses.iterator(chunk_size=500):
            checked += 1
            try:
                revision = rescore_response(
                    response,
                    use_newest_version=not options["same_version"],
                    reason=options["reason"][:200],
                )
            except AssessmentError as exc:
                failed += 1
                self.stderr.write(f"response {response.pk}: {exc.message}")
                continue
            if revision is not None:
                revised += 1
        self.stdout.write(
            f"Checked {checked} response(s): {revised} rescored, "
            f"{checked - revised - failed} unchanged, {failed} could not be rescored."
        )
