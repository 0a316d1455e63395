"""manage.py erase_client CLIENT_ID --confirm: erase a client's record on a verified request."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from stepwise.clinic.models import Client
from stepwise.ops.erasure import ErasureError, erase_client


class Command(BaseCommand):
    help = (
        "Erase one client's record at once, after a verified erasure request: their homework, "
        "answers, questionnaires, reminders, invitations, carer links and their sign-in (and a "
        "carer's sign-in linked to no one else). The access log keeps who saw the record and "
        "gains one entry, client.erased. This cannot be undone except from a backup."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("client_id", type=int, help="The client's id (from the client page).")
        parser.add_argument(
            "--confirm", action="store_true", help="Really erase (without it, nothing changes)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        client_id = options["client_id"]
        client = Client.objects.select_related("practice").filter(pk=client_id).first()
        if client is None:
            raise CommandError(f"There is no client with id {client_id}.")
        if not options["confirm"]:
            raise CommandError(
                f"This would erase client {client_id} of practice {client.practice_id} and "
                "everything recorded about them. Run again with --confirm to erase."
            )
        try:
            erased = erase_client(client_id, reason="erased", source="manage.py erase_client")
        except ErasureError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Client {client_id} is erased ({erased.total} rows, {erased.accounts} "
                "sign-in account(s))."
            )
        )
