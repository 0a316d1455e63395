"""Run the web server, the task worker and the reminder worker together; Ctrl-C stops all."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand

from stepwise.clinic.management.commands.loaddemo import demo_logins_text


class Command(BaseCommand):
    help = (
        "Start the development web server, the django-tasks database worker and the reminder "
        "worker together."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        commands = {
            "web": [python, "manage.py", "runserver", options["addr"], "--noreload"],
            "worker": [python, "manage.py", "task_worker", "--no-reload"],
            "reminders": [python, "manage.py", "send_reminders", "--loop"],
        }
        processes = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}  # noqa: S603
        self.stdout.write(
            f"\nStepwise is running at http://{options['addr']}/ (web server and workers)."
        )
        self.stdout.write(demo_logins_text())
        self.stdout.write("Press Ctrl-C to stop them all.\n")

        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    self.stderr.write(f"The {name} process stopped (exit {process.returncode}).")
                    exit_code = process.returncode or 1
                    stopping = True
            time.sleep(0.3)
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        self.stdout.write("Stopped the web server and the worker.")
        if exit_code:
            sys.exit(exit_code)
