"""Keep a web server and its workers running together (what `manage.py serve` runs).

The web server is essential: when it stops, everything stops, with its exit status. A worker
that dies (a crash, an out-of-memory kill, `kill -9`) is started again after a pause that
doubles with each quick failure (1 s, 2 s, 4 s, ... at most a minute), so a worker that cannot
start does not spin; one that ran for a while before dying starts again after a second. Every
stop and restart is logged. `stop()` (Ctrl-C, SIGTERM) asks every process to stop, waits a
little and then kills what is left.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

FIRST_DELAY = 1.0  # seconds before the first restart of a worker that died
MAX_DELAY = 60.0
STABLE_AFTER = 60.0  # a worker up this long has recovered: its next restart is quick again


def restart_delay(quick_failures: int) -> float:
    """Seconds to wait before starting a worker again after its `quick_failures`-th quick death
    in a row (1-based): 1, 2, 4, ... capped at `MAX_DELAY`."""
    return min(FIRST_DELAY * 2 ** max(0, quick_failures - 1), MAX_DELAY)


@dataclass
class Child:
    name: str
    command: Sequence[str]
    essential: bool = False  # its death stops everything
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    quick_failures: int = 0
    restart_at: float | None = None  # when a dead worker is due to start again
    restarts: int = 0


@dataclass
class Supervisor:
    children: list[Child]
    say: Callable[[str], None] = field(default=lambda message: None)
    poll_seconds: float = 0.3
    stop_grace: float = 10.0
    clock: Callable[[], float] = time.monotonic
    stopping: bool = False

    def start(self) -> None:
        for child in self.children:
            self._spawn(child)

    def _spawn(self, child: Child) -> None:
        child.process = subprocess.Popen(child.command)  # noqa: S603 - our own manage.py commands
        child.started_at = self.clock()
        child.restart_at = None

    def _note(self, message: str, level: int = logging.WARNING) -> None:
        log.log(level, message)
        self.say(message)

    def stop(self) -> None:
        """Ask the loop to stop everything (safe to call from a signal handler)."""
        self.stopping = True

    def check(self) -> int | None:
        """One look at every process: restart dead workers whose pause is over. Returns the
        exit status to stop with when the essential process died, else None."""
        now = self.clock()
        for child in self.children:
            process = child.process
            if child.restart_at is not None:
                if now >= child.restart_at and not self.stopping:
                    self._spawn(child)
                    child.restarts += 1
                    assert child.process is not None
                    self._note(
                        f"Started the {child.name} process again (pid {child.process.pid}).",
                        logging.INFO,
                    )
                continue
            if process is None or process.poll() is None:
                continue
            code = process.returncode
            if child.essential:
                self._note(f"The {child.name} process stopped (exit {code}); stopping the rest.")
                return code or 1
            if now - child.started_at >= STABLE_AFTER:
                child.quick_failures = 0
            child.quick_failures += 1
            delay = restart_delay(child.quick_failures)
            child.restart_at = now + delay
            self._note(
                f"The {child.name} process stopped (exit {code}); starting it again in {delay:g} s."
            )
        return None

    def run(self) -> int:
        """Supervise until the essential process dies or `stop()` is called; then stop all."""
        exit_code = 0
        while not self.stopping:
            code = self.check()
            if code is not None:
                exit_code = code
                break
            time.sleep(self.poll_seconds)
        self.stop_all()
        return exit_code

    def stop_all(self) -> None:
        self.stopping = True
        running = [c.process for c in self.children if c.process and c.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_grace
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
