"""URL secrets (sign-in links, invitations, reset and confirmation keys, calendar feeds,
unsubscribe links) never reach a request log line (issue 16, item 8)."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import SlugConverter

from stepwise.lib.redact import REDACTED, redact_paths
from tests.fakes.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
SECRET = "S3cretT0kenValue-9f8e7d"
SECRET_NAMES = {"token", "key"}


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found.extend(_patterns(entry, route))
        else:
            found.append((route, entry))
    return found


def _secret_routes() -> list[tuple[str, str]]:
    """Every URL that carries a token or key, as a path with SECRET in it."""
    paths = []
    for route, entry in _patterns(get_resolver()):
        names = set(entry.pattern.regex.groupindex) & SECRET_NAMES
        converters = getattr(entry.pattern, "converters", {})
        # An instrument's <slug:key> names a questionnaire, not a secret.
        names = {n for n in names if not isinstance(converters.get(n), SlugConverter)}
        if not names:
            continue
        path = "/" + route.replace("^", "").replace("$", "")
        path = re.sub(r"\(\?P<uidb36>[^)]*\)|<[^>]*uidb36>", "1z", path)
        path = re.sub(r"\(\?P<(token|key)>[^)]*\)|<(\w+:)?(token|key)>", SECRET, path)
        paths.append((route, path))
    return paths


def test_every_route_with_a_token_or_key_is_redacted() -> None:
    routes = _secret_routes()
    assert len(routes) >= 6  # invite, sign-in link, confirm email, reset key, calendar, unsubscribe
    for route, path in routes:
        line = f'"GET {path}?next=/me/ HTTP/1.1" 200 1234'
        redacted = redact_paths(line)
        assert SECRET not in redacted, route
        assert REDACTED in redacted, route


def test_paths_without_secrets_are_left_alone() -> None:
    line = '"GET /accounts/password/reset/key/done/ HTTP/1.1" 200 10 /clients/12/ /r/calendar/'
    assert redact_paths(line) == line


@pytest.mark.parametrize("prefix", ["/invite/", "/r/calendar/", "/accounts/link/"])
def test_the_documented_nginx_map_covers_the_same_paths(prefix: str) -> None:
    doc = (ROOT / "docs" / "deployment.md").read_text()
    block = doc.split("map $uri $stepwise_log_uri", 1)[1].split("}", 1)[0]
    assert f"~^{prefix}" in block
    for route, _ in _secret_routes():
        first = "/" + route.split("<", 1)[0].split("(?P", 1)[0].replace("^", "")
        assert f"~^{first}" in block, first


def _wait_for(port: int, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(
                "runserver stopped: " + (server.stderr.read() if server.stderr else "")
            )
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("runserver did not start")


def _server_command(server: str, port: int) -> list[str]:
    if server == "gunicorn":
        return [
            *(sys.executable, "-m", "gunicorn", "-c", "python:stepwise.gunicorn_conf"),
            *("stepwise.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"),
        ]
    return [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]


@pytest.mark.parametrize("server_name", ["runserver", "gunicorn"])
def test_the_servers_log_requests_without_their_secrets(tmp_path: Path, server_name: str) -> None:
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "STEPWISE_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "stepwise.settings",
        "PYTHONUNBUFFERED": "1",
    }
    server = subprocess.Popen(
        _server_command(server_name, port),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    paths = [path for _, path in _secret_routes()]
    try:
        _wait_for(port, server)
        for path in paths:
            # A 404 or 500 (no tables in this empty database) is logged all the same.
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30)
        time.sleep(1)  # a server writes a request's line after sending its response
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    logged = out + err
    request_lines = [line for line in logged.splitlines() if '"GET /' in line]
    assert SECRET not in logged
    assert len([line for line in request_lines if REDACTED in line]) == len(paths)
