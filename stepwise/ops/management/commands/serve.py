"""Run the web server, the task worker and the reminder worker together; Ctrl-C stops all.

A worker that dies is started again (with a growing pause, logged); only the web server's end
or Ctrl-C stops everything (`stepwise.lib.supervisor`).
"""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand

from stepwise.lib.supervisor import Child, Supervisor
from stepwise.ops.management.commands.loaddemo import demo_logins_text


class Command(BaseCommand):
    help = (
        "Start the development web server, the django-tasks database worker and the reminder "
        "worker together."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        supervisor = Supervisor(
            [
                Child(
                    "web",
                    [python, "manage.py", "runserver", options["addr"], "--noreload"],
                    essential=True,
                ),
                Child("task worker", [python, "manage.py", "task_worker", "--no-reload"]),
                Child("reminder worker", [python, "manage.py", "send_reminders", "--loop"]),
            ],
            say=lambda message: self.stderr.write(message),
        )
        supervisor.start()
        self.stdout.write(
            f"\nStepwise is running at http://{options['addr']}/ (web server and workers)."
        )
        self.stdout.write(demo_logins_text())
        self.stdout.write("A worker that stops is started again. Press Ctrl-C to stop them all.\n")

        def stop(signum: int, frame: FrameType | None) -> None:
            supervisor.stop()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = supervisor.run()
        self.stdout.write("Stopped the web server and the worker.")
        if exit_code:
            sys.exit(exit_code)
