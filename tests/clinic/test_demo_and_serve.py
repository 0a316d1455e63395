"""The demo data command and the run command that starts web server and worker together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from stepwise.accounts.models import User
from stepwise.clinic.demo import DEMO_LOGINS, DEMO_PASSWORD
from stepwise.clinic.models import CaregiverLink, Client, Membership, Practice
from tests.processes import copy_migrated

ROOT = Path(__file__).resolve().parents[2]


def test_loaddemo_makes_one_practice_two_therapists_eight_clients_and_two_parents(
    db: None,
) -> None:
    out = StringIO()
    call_command("loaddemo", stdout=out)
    assert Practice.objects.count() == 1
    assert Membership.objects.count() == 2
    assert Client.objects.count() == 8
    assert Client.objects.filter(is_minor=True, caregiver_links__isnull=False).count() == 2
    assert CaregiverLink.objects.count() == 2
    for login in DEMO_LOGINS:
        assert login.email in out.getvalue()
        assert User.objects.get(email=login.email).check_password(DEMO_PASSWORD)


def test_loaddemo_leaves_a_database_with_data_alone(db: None) -> None:
    call_command("loaddemo", stdout=StringIO())
    Client.objects.filter(display_name="Jordan").update(display_name="Jordan (edited)")
    out = StringIO()
    call_command("loaddemo", stdout=out)
    assert "already has data" in out.getvalue()
    assert Client.objects.filter(display_name="Jordan (edited)").exists()
    assert Practice.objects.count() == 1


def test_the_readme_lists_the_demo_logins() -> None:
    readme = (ROOT / "README.md").read_text()
    assert DEMO_PASSWORD in readme
    for login in DEMO_LOGINS:
        assert login.email in readme


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_serve(tmp_path: Path, migrated: Path) -> tuple[subprocess.Popen[str], int]:
    env = {**os.environ, "STEPWISE_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    env.pop("DATABASE_URL")
    copy_migrated(migrated, tmp_path)  # as `manage.py migrate` leaves it, made once
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--addr", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        _wait_for_health(process, port)
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    return process, port


def _wait_for_health(process: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                assert response.status == 200
                return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.3)


def _children(process: subprocess.Popen[str]) -> dict[str, int]:
    """The supervisor's live children by the management command they run."""
    found = {}
    pids = subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
    ).stdout.split()
    for pid in pids:
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue  # gone between the listing and the look
        if "zombie" not in status and len(argv) > 2:
            found[argv[2].decode()] = int(pid)
    return found


def _gone(pid: int) -> bool:
    path = Path(f"/proc/{pid}/status")
    return not path.exists() or "zombie" in path.read_text()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_serve_runs_web_and_worker_and_ctrl_c_stops_both(
    tmp_path: Path, migrated_data_dir: Path
) -> None:
    process, _ = _start_serve(tmp_path, migrated_data_dir)
    try:
        children = _children(process)
        assert set(children) == {"runserver", "task_worker", "send_reminders"}
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 0, output
    assert "Stopped the web server and the worker." in output
    assert "starting it again" not in output  # nothing restarted while stopping
    for pid in children.values():
        assert _gone(pid)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_serve_restarts_a_killed_worker_and_stops_everything_when_the_web_server_dies(
    tmp_path: Path, migrated_data_dir: Path
) -> None:
    process, port = _start_serve(tmp_path, migrated_data_dir)
    try:
        for worker in ("send_reminders", "task_worker"):
            killed = _children(process)[worker]
            os.kill(killed, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while _children(process).get(worker, killed) == killed:
                assert time.monotonic() < deadline, f"{worker} was not started again"
                assert process.poll() is None, "serve stopped when a worker was killed"
                time.sleep(0.2)
            _wait_for_health(process, port)  # the site stayed up all along
        survivors = _children(process)
        assert set(survivors) == {"runserver", "task_worker", "send_reminders"}
        os.kill(survivors["runserver"], signal.SIGKILL)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode != 0, output
    assert "The reminder worker process stopped (exit -9); starting it again in 1 s." in output
    assert "The task worker process stopped (exit -9); starting it again in 1 s." in output
    assert "Started the reminder worker process again" in output
    assert "The web process stopped (exit -9); stopping the rest." in output
    for pid in survivors.values():
        assert _gone(pid)


def test_a_worker_that_keeps_dying_waits_longer_each_time() -> None:
    from stepwise.lib.supervisor import MAX_DELAY, restart_delay

    assert [restart_delay(n) for n in range(1, 6)] == [1, 2, 4, 8, 16]
    assert restart_delay(30) == MAX_DELAY


def test_demo_therapists_can_pass_two_step_sign_in_with_the_published_secret(db: None) -> None:
    from django.test import Client as HttpClient

    from stepwise.clinic.demo import current_demo_code

    call_command("loaddemo", stdout=StringIO())
    browser = HttpClient()
    browser.post("/accounts/login/", {"login": DEMO_LOGINS[0].email, "password": DEMO_PASSWORD})
    response = browser.post("/accounts/2fa/authenticate/", {"code": current_demo_code()})
    assert response.status_code == 302
    assert browser.get("/clients/").status_code == 200


def test_the_demo_shows_the_homework_loop(db: None) -> None:
    from django.test import Client as HttpClient

    from stepwise.homework.models import Assignment, Feedback

    call_command("loaddemo", stdout=StringIO())
    assert Assignment.objects.filter(client__display_name="Jordan").count() == 4
    assert Feedback.objects.filter(completion__client__display_name="Jordan").exists()
    browser = HttpClient()
    browser.post(
        "/accounts/login/", {"login": "jordan@demo.stepwise.test", "password": DEMO_PASSWORD}
    )
    home = browser.get("/me/").content.decode()
    assert "Nice to see the walk helping" in home
