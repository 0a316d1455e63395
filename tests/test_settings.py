"""Settings come from the environment; a bad value stops the start with the variable's name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from stepwise.lib.env import Env, SettingError

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 20 + "Q7x!z" * 8
FIELD_KEY = "J8jXoP-Ciwmv1L_PiavEcmJUqxndybGXP1RbshYknGE="


def run_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        "PATH": os.environ["PATH"],
        "STEPWISE_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "stepwise.settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_parses_booleans_strictly() -> None:
    assert Env({"X": "yes"}).boolean("X", default=False) is True
    assert Env({"X": "0"}).boolean("X", default=True) is False
    with pytest.raises(SettingError, match="X must be true or false"):
        Env({"X": "maybe"}).boolean("X", default=False)


def test_it_names_the_variable_for_a_bad_number() -> None:
    with pytest.raises(SettingError, match="EMAIL_PORT must be a whole number"):
        Env({"EMAIL_PORT": "twenty-five"}).integer("EMAIL_PORT", 25)
    with pytest.raises(SettingError, match="EMAIL_PORT must be at least 1 and at most 65535"):
        Env({"EMAIL_PORT": "70000"}).integer("EMAIL_PORT", 25, minimum=1, maximum=65535)


def test_it_refuses_an_empty_entry_in_a_list() -> None:
    with pytest.raises(SettingError, match="ALLOWED_HOSTS"):
        Env({"ALLOWED_HOSTS": "a.example,,b.example"}).csv_list("ALLOWED_HOSTS")


def test_it_refuses_an_unknown_choice() -> None:
    with pytest.raises(SettingError, match="STEPWISE_MODE must be one of development, production"):
        Env({"STEPWISE_MODE": "prod"}).choice("STEPWISE_MODE", ("development", "production"), "x")


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run_settings(tmp_path, STEPWISE_MODE="production", ALLOWED_HOSTS="stepwise.example")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path: Path) -> None:
    result = run_settings(tmp_path, STEPWISE_MODE="production", SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_a_bad_database_url_fails_with_its_name(tmp_path: Path) -> None:
    result = run_settings(tmp_path, DATABASE_URL="mysql://nobody@localhost/x")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_settings_pass_the_deploy_checks(tmp_path: Path) -> None:
    result = run_settings(
        tmp_path,
        STEPWISE_MODE="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="stepwise.example",
        SITE_URL="https://stepwise.example",
        STEPWISE_FIELD_KEYS=FIELD_KEY,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_to_start_without_field_encryption_keys(tmp_path: Path) -> None:
    result = run_settings(
        tmp_path,
        STEPWISE_MODE="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="stepwise.example",
        SITE_URL="https://stepwise.example",
    )
    assert result.returncode != 0
    assert "STEPWISE_FIELD_KEYS" in result.stderr


def test_a_field_key_that_is_not_a_fernet_key_is_refused(tmp_path: Path) -> None:
    result = run_settings(tmp_path, STEPWISE_FIELD_KEYS="not-a-key")
    assert "STEPWISE_FIELD_KEYS holds a value that is not a Fernet key" in result.stderr


def test_development_keeps_a_random_secret_key_in_the_data_folder(tmp_path: Path) -> None:
    result = run_settings(tmp_path)
    key = (tmp_path / "dev-secret-key").read_text()
    assert len(key) >= 50
    assert "django-insecure" not in key
    assert result.returncode in (0, 1)  # development fails some --deploy checks by design


def test_the_default_sqlite_database_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
        "    c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])\n"
    )
    env = {"PATH": os.environ["PATH"], "STEPWISE_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    journal_mode, busy_timeout = result.stdout.split()[-2:]
    assert journal_mode == "wal"
    assert int(busy_timeout) >= 1000
    assert (tmp_path / "stepwise.sqlite3").exists()


def test_media_go_to_an_s3_bucket_when_the_environment_says_so(tmp_path: Path) -> None:
    environment = {
        "PATH": os.environ["PATH"],
        "STEPWISE_DATA_DIR": str(tmp_path),
        "STEPWISE_MEDIA_STORAGE": "s3",
        "STEPWISE_S3_BUCKET": "county-media",
        "STEPWISE_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "STEPWISE_S3_REGION": "eu-west-2",
        "STEPWISE_S3_ACCESS_KEY_ID": "id",
        "STEPWISE_S3_SECRET_ACCESS_KEY": "secret",
    }
    show = (
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.region_name, s.default_acl)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", show],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1].split() == [
        "S3Storage",
        "county-media",
        "http://127.0.0.1:9000",
        "eu-west-2",
        "None",
    ], result.stderr


def test_an_s3_media_storage_without_a_bucket_stops_the_start(tmp_path: Path) -> None:
    result = run_settings(tmp_path, STEPWISE_MEDIA_STORAGE="s3")
    assert result.returncode != 0
    assert "STEPWISE_S3_BUCKET" in result.stderr


def test_an_s3_endpoint_must_be_https_in_production_and_keys_come_in_pairs() -> None:
    from stepwise.lib.storage import media_storage

    plain = {"STEPWISE_S3_BUCKET": "b", "STEPWISE_S3_ENDPOINT_URL": "http://minio.internal:9000"}
    with pytest.raises(SettingError, match="https:// address in production"):
        media_storage(Env(plain), "s3", production=True)
    with pytest.raises(SettingError, match="or neither"):
        media_storage(
            Env({"STEPWISE_S3_BUCKET": "b", "STEPWISE_S3_ACCESS_KEY_ID": "x"}),
            "s3",
            production=False,
        )
    assert media_storage(Env({}), "local", production=True)["BACKEND"].endswith("FileSystemStorage")


def _database_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    show = (
        "import json; from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(json.dumps([d['CONN_MAX_AGE'], d['OPTIONS'].get('pool'),"
        " d.get('DISABLE_SERVER_SIDE_CURSORS', False), d['OPTIONS'].get('prepare_threshold', 5)]))"
    )
    environment = {
        "PATH": os.environ["PATH"],
        "STEPWISE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://stepwise@db.internal:5432/stepwise",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", show],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_connection_pool_per_process_can_be_turned_on(tmp_path: Path) -> None:
    import json

    result = _database_settings(tmp_path, STEPWISE_DB_POOL_SIZE="8")
    age, pool, no_server_cursors, _ = json.loads(result.stdout.strip().splitlines()[-1])
    assert (age, pool, no_server_cursors) == (
        0,
        {"min_size": 1, "max_size": 8, "timeout": 10},
        False,
    )


def test_behind_pgbouncer_in_transaction_mode_nothing_outlives_a_transaction(
    tmp_path: Path,
) -> None:
    import json

    result = _database_settings(tmp_path, STEPWISE_DB_POOLER="pgbouncer-transaction")
    _, pool, no_server_cursors, prepare = json.loads(result.stdout.strip().splitlines()[-1])
    assert (pool, no_server_cursors, prepare) == (None, True, None)
    both = _database_settings(
        tmp_path, STEPWISE_DB_POOLER="pgbouncer-transaction", STEPWISE_DB_POOL_SIZE="4"
    )
    assert both.returncode != 0
    assert "not both" in both.stderr
