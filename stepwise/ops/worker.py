"""The background worker's loop (`manage.py send_reminders`, one or more per machine).

Each turn: a heartbeat (for /healthz), the upkeep jobs whose fleet-wide turn this worker takes
(`stepwise/ops/upkeep.py`), then every reminder due (`stepwise/reminders/worker.py`); when
nothing was due it waits `interval` seconds. A stop request (SIGTERM) finishes the send in
progress and claims nothing new.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.db import close_old_connections
from django.utils import timezone

from stepwise.ops.upkeep import run_upkeep
from stepwise.reminders.actions.delivery import beat
from stepwise.reminders.models import WorkerHeartbeat
from stepwise.reminders.worker import Sender, Tally

log = logging.getLogger(__name__)


class Worker:
    def __init__(
        self,
        *,
        batch_size: int = 50,
        lease: timedelta = timedelta(minutes=5),
        interval: float = 5.0,
        worker_id: str | None = None,
    ) -> None:
        self.sender = Sender(batch_size=batch_size, lease=lease, worker_id=worker_id)
        self.interval = interval
        self._wake = threading.Event()

    @property
    def worker_id(self) -> str:
        return self.sender.worker_id

    @property
    def running(self) -> bool:
        return self.sender.running

    def stop(self, *args: object) -> None:
        """Finish the current send, claim nothing new (safe to call from a signal handler)."""
        self.sender.stop()
        self._wake.set()

    def maintain(self, force: bool = False) -> list[str]:
        """The upkeep jobs whose turn this worker takes (all of them when forced)."""
        return run_upkeep(self.worker_id, force=force)

    def _beat(self) -> None:
        beat(self.worker_id, self.sender.started_at)

    def run_once(self) -> Tally:
        """`send_reminders --once` (cron, tests): every upkeep job regardless of turns, then
        everything due."""
        self._beat()
        self.maintain(force=True)
        return self.sender.sweep()

    def run_forever(self) -> None:
        WorkerHeartbeat.objects.filter(beat_at__lt=timezone.now() - timedelta(days=7)).delete()
        while self.running:
            close_old_connections()
            try:
                self._beat()
                self.maintain()
                tally = self.sender.sweep()
            except Exception:  # the database went away for a moment: say so, wait, go on
                log.exception("Reminder sweep failed; trying again shortly")
                tally = Tally()
            if tally.claimed:
                log.info("Reminders: %s", tally)
            if self.running and not tally.claimed:
                self._wake.wait(self.interval)
        log.info("Reminder worker %s stopped", self.worker_id)
