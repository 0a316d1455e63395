"""The security-related settings added with issue 8 are parsed strictly at start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = (
    "from stepwise import settings as s; "
    "print(s.STEPWISE_RETENTION_YEARS, s.ALLAUTH_TRUSTED_PROXY_COUNT, s.SMS_API_URL)"
)


def start(tmp_path: Path, production: bool = False, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": os.environ["PATH"], "STEPWISE_DATA_DIR": str(tmp_path), **env}
    if production:
        environment.update(
            STEPWISE_MODE="production",
            SECRET_KEY="s" + Fernet.generate_key().decode() + "t" * 20,
            ALLOWED_HOSTS="stepwise.example",
            SITE_URL="https://stepwise.example",
            STEPWISE_FIELD_KEYS=Fernet.generate_key().decode(),
        )
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_defaults(tmp_path: Path) -> None:
    done = start(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["7", "0", "https://api.twilio.com"]
    production = start(tmp_path, production=True)
    assert production.returncode == 0, production.stderr
    assert production.stdout.split()[:2] == ["7", "1"]  # behind one TLS proxy


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STEPWISE_RETENTION_YEARS": "seven"}, "STEPWISE_RETENTION_YEARS must be a whole number"),
        ({"STEPWISE_RETENTION_YEARS": "0"}, "STEPWISE_RETENTION_YEARS must be at least 1"),
        ({"STEPWISE_RETENTION_YEARS": "7.5"}, "STEPWISE_RETENTION_YEARS must be a whole number"),
        ({"STEPWISE_TRUSTED_PROXIES": "-1"}, "STEPWISE_TRUSTED_PROXIES must be at least 0"),
        ({"SMS_API_URL": "file:///etc/passwd"}, "SMS_API_URL must start with https://"),
    ],
)
def test_a_bad_value_stops_the_start(tmp_path: Path, env: dict[str, str], message: str) -> None:
    done = start(tmp_path, **env)  # type: ignore[arg-type]  # str values, never `production`
    assert done.returncode != 0
    assert message in done.stderr


def test_production_sends_sms_over_https_only(tmp_path: Path) -> None:
    done = start(
        tmp_path,
        production=True,
        SMS_BACKEND="http",
        SMS_API_URL="http://sms.example",
        SMS_ACCOUNT_SID="AC1",
        SMS_AUTH_TOKEN="t",
        SMS_FROM="+15550100",
    )
    assert done.returncode != 0
    assert "SMS_API_URL must be an https:// address in production" in done.stderr


def test_a_longer_retention_is_accepted(tmp_path: Path) -> None:
    done = start(tmp_path, STEPWISE_RETENTION_YEARS="10")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "10"
