"""Write a client's record as a FHIR R4 Bundle to standard output, for integrations."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from stepwise.clinic.models import Client
from stepwise.progress.fhir import build_bundle


class Command(BaseCommand):
    help = "Print the FHIR R4 Bundle of one client (by database id) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("client_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        client = Client.objects.filter(pk=options["client_id"]).first()
        if client is None:
            raise CommandError(f"No client with id {options['client_id']}.")
        bundle = build_bundle(client, now=timezone.now())
        self.stdout.write(json.dumps(bundle, ensure_ascii=False, indent=1))
