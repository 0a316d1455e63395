"""Backup and restore round trip (SECURITY.md item 22), run as an operator would: as commands."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.fakes.objectstore import ObjectStore
from tests.processes import copy_migrated

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "correct horse battery staple for backups"


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=check,
    )


def _postgres_url(name: str) -> str:
    base = settings.DATABASES["default"]
    user, host = base["USER"] or "postgres", base["HOST"] or "localhost"
    return f"postgres://{user}@{host}:{base['PORT'] or 5432}/{name}"


def _on_postgres() -> bool:
    return bool(settings.DATABASES["default"]["ENGINE"].endswith("postgresql"))


def _postgres_admin() -> Any:
    import psycopg

    base = settings.DATABASES["default"]
    return psycopg.connect(
        host=base["HOST"] or "localhost",
        port=base["PORT"] or 5432,
        user=base["USER"] or "postgres",
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture(scope="session")
def migrated_postgres() -> Iterator[str | None]:
    """On PostgreSQL, a database `manage.py migrate` made once, the template of each source."""
    if not _on_postgres():
        yield None
        return
    name = f"stepwise_bk_{uuid.uuid4().hex[:8]}_migrated"
    with _postgres_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            manage({**env, "DATABASE_URL": _postgres_url(name)}, "migrate", "--noinput", "-v0")
            yield name
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def two_databases(
    tmp_path: Path, migrated_data_dir: Path, migrated_postgres: str | None
) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """A migrated source and an empty target database of the engine the suite runs on (the
    source as `manage.py migrate` leaves it, copied from one made once)."""
    base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    source = {**base_env, "STEPWISE_DATA_DIR": str(tmp_path / "source")}
    target = {**base_env, "STEPWISE_DATA_DIR": str(tmp_path / "target")}
    if migrated_postgres is None:
        copy_migrated(migrated_data_dir, tmp_path / "source")
        yield source, target
        return
    names = [f"stepwise_bk_{uuid.uuid4().hex[:8]}_{side}" for side in ("a", "b")]
    with _postgres_admin() as admin:
        admin.execute(f'CREATE DATABASE "{names[0]}" TEMPLATE "{migrated_postgres}"')
        admin.execute(f'CREATE DATABASE "{names[1]}"')
        source["DATABASE_URL"] = _postgres_url(names[0])
        target["DATABASE_URL"] = _postgres_url(names[1])
        try:
            yield source, target
        finally:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_an_empty_database_with_every_row_checked(
    two_databases: tuple[dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    source, target = two_databases
    manage(source, "loaddemo")
    media = Path(source["STEPWISE_DATA_DIR"]) / "media" / "recordings"
    media.mkdir(parents=True)
    (media / "calm.ogg").write_bytes(b"OggS-not-really-audio")
    archive = tmp_path / "backup.tar.gz.enc"
    result = manage(
        {**source, "BACKUP_PASSPHRASE": PASSPHRASE},
        "backup",
        "--output",
        str(archive),
        "--passphrase-env",
        "BACKUP_PASSPHRASE",
    )
    assert "(encrypted)" in result.stdout
    assert b"alex.morgan" not in archive.read_bytes()  # encrypted at rest

    restored = manage(
        {**target, "BACKUP_PASSPHRASE": PASSPHRASE},
        "restore",
        str(archive),
        "--passphrase-env",
        "BACKUP_PASSPHRASE",
    )
    assert "all match" in restored.stdout
    copied = Path(target["STEPWISE_DATA_DIR"]) / "media" / "recordings" / "calm.ogg"
    assert copied.read_bytes() == b"OggS-not-really-audio"
    count = (
        "from stepwise.clinic.models import Client; from stepwise.accounts.models import User;"
        "print(Client.objects.count(), User.objects.count())"
    )
    # The demo: eight clients; two therapists, six clients and two parents with accounts.
    assert manage(target, "shell", "-c", count).stdout.split()[-2:] == ["8", "10"]
    # A second restore is refused: the database is no longer empty.
    again = manage(
        {**target, "BACKUP_PASSPHRASE": PASSPHRASE},
        "restore",
        str(archive),
        "--passphrase-env",
        "BACKUP_PASSPHRASE",
        check=False,
    )
    assert again.returncode != 0
    assert "not empty" in again.stderr


def test_a_wrong_passphrase_is_refused_clearly(
    two_databases: tuple[dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    source, target = two_databases
    archive = tmp_path / "b.enc"
    manage({**source, "P": PASSPHRASE}, "backup", "--output", str(archive), "--passphrase-env", "P")
    result = manage(
        {**target, "P": "wrong"}, "restore", str(archive), "--passphrase-env", "P", check=False
    )
    assert result.returncode != 0
    assert "passphrase is wrong" in result.stderr


def test_media_in_an_s3_bucket_are_backed_up_and_restored_into_the_bucket_configured(
    two_databases: tuple[dict[str, str], dict[str, str]],
    tmp_path: Path,
    object_store: ObjectStore,
) -> None:
    source_bucket, target_bucket = object_store.new_bucket(), object_store.new_bucket()
    source, target = two_databases
    source = {**source, **object_store.environment(source_bucket)}
    target = {**target, **object_store.environment(target_bucket)}
    key = "media/library/1/0b7c1c1e-5d1f-4d8e-9a51-3f0c7e2c4a11.ogg"
    object_store.client().put_object(Bucket=source_bucket, Key=key, Body=b"OggS-bucket-audio")
    archive = tmp_path / "backup.tar.gz"

    manage(source, "backup", "--output", str(archive))
    restored = manage(target, "restore", str(archive))

    assert "all match" in restored.stdout
    assert object_store.keys(target_bucket) == [key]
    assert object_store.read(target_bucket, key) == b"OggS-bucket-audio"
    assert not (Path(target["STEPWISE_DATA_DIR"]) / "media").exists()
