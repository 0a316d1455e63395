"""Send due reminders: `--loop` as a long-running worker, `--once` for cron and tests."""

from __future__ import annotations

import signal
from datetime import timedelta
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from stepwise.ops.worker import Worker


class Command(BaseCommand):
    help = "Send due reminders (email, SMS, push). Several workers may run at once."

    def add_arguments(self, parser: Any) -> None:
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--loop", action="store_true", help="Keep running; stop on SIGTERM.")
        mode.add_argument("--once", action="store_true", help="Send what is due now, then exit.")
        parser.add_argument("--batch", type=int, default=50, help="Rows claimed at a time.")
        parser.add_argument(
            "--lease",
            type=int,
            default=300,
            help="Seconds a claim is held; after that another worker may retry the rows.",
        )
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between sweeps when idle."
        )
        parser.add_argument("--worker-id", default="", help="A name for the heartbeat row.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1 or options["lease"] < 1 or options["interval"] <= 0:
            raise CommandError("--batch, --lease and --interval must be positive.")
        worker = Worker(
            batch_size=options["batch"],
            lease=timedelta(seconds=options["lease"]),
            interval=options["interval"],
            worker_id=options["worker_id"] or None,
        )

        def on_signal(signum: int, frame: FrameType | None) -> None:
            """SIGTERM / Ctrl-C: finish the send in progress, claim nothing new, exit 0. A second
            one stops at once (exit 1); the lease brings any unsent claimed rows back."""
            if not worker.running:
                raise SystemExit(1)
            worker.stop()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        if options["once"]:
            tally = worker.run_once()
            if options["verbosity"] > 0:
                self.stdout.write(f"Reminders: {tally}")
            return
        self.stdout.write(f"Reminder worker {worker.worker_id} started.")
        worker.run_forever()
        self.stdout.write("Reminder worker stopped.")
