"""manage.py task_worker: django-tasks-db's `db_worker`, beating a heartbeat for /healthz.

Run it instead of `db_worker` (same options) on as many machines as you like: each claims tasks
with the database's row locks, and /healthz reports the task workers as one fleet.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from stepwise.reminders.actions.delivery import beat
from stepwise.reminders.models import WorkerKind
from stepwise.reminders.worker import default_worker_id

BEAT_SECONDS = 15.0
log = logging.getLogger(__name__)


class Heartbeat:
    """A thread that records, every few seconds, that this task worker process is alive."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="task-heartbeat", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                beat(self.worker_id, self.started_at, WorkerKind.TASKS)
            except Exception:  # the database went away for a moment: the next beat tries again
                log.warning("Task worker heartbeat failed; trying again shortly", exc_info=True)
            finally:
                connection.close()  # this thread's own connection; no idle one held open
            self._stop.wait(BEAT_SECONDS)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class Command(DbWorkerCommand):
    help = "Run django-tasks database tasks (as db_worker) and report a heartbeat to /healthz."

    def handle(self, *args: Any, **options: Any) -> None:
        heartbeat = Heartbeat(f"tasks:{default_worker_id()}"[:80])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
