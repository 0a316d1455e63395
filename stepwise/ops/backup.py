"""Consistent backups of the database and media in one archive, optionally encrypted.

Media come from the media storage, whichever it is: the data folder, or every object of the
S3 bucket (under the configured prefix) when `STEPWISE_MEDIA_STORAGE=s3`; a restore puts them
back into the storage configured where it runs.

SQLite is copied with its online backup API (a consistent snapshot while the app runs);
PostgreSQL with `pg_dump --format=custom`. A manifest records the row count and a checksum of
every table, so a restore can prove it brought back exactly what was saved.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.apps import apps
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import connection
from django.utils import timezone

FORMAT = 1
ENCRYPTED_MAGIC = b"STEPWISE-BACKUP-ENCRYPTED-1\n"
SALT_BYTES = 16


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why."""


def table_fingerprints() -> dict[str, dict[str, Any]]:
    """Row count and SHA-256 of every model table, rows in primary-key order."""
    result: dict[str, dict[str, Any]] = {}
    for model in apps.get_models():
        meta = model._meta
        if not meta.managed or meta.proxy:
            continue
        fields = [f.attname for f in meta.concrete_fields]
        digest = hashlib.sha256()
        rows = 0
        queryset = model._default_manager.order_by("pk").values_list(*fields)
        for row in queryset.iterator(chunk_size=2000):
            digest.update(json.dumps(row, default=str, sort_keys=True).encode())
            rows += 1
        result[meta.db_table] = {"rows": rows, "sha256": digest.hexdigest()}
    return result


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--host", str(db.get("HOST") or "localhost"), "--port", str(db.get("PORT") or 5432)]
    args += ["--username", str(db.get("USER") or "postgres"), "--dbname", str(db["NAME"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _key(passphrase: str, salt: bytes) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1)
    return base64.urlsafe_b64encode(kdf.derive(passphrase.encode()))


def encrypt(data: bytes, passphrase: str) -> bytes:
    salt = os.urandom(SALT_BYTES)
    return ENCRYPTED_MAGIC + salt + Fernet(_key(passphrase, salt)).encrypt(data)


def decrypt(blob: bytes, passphrase: str | None) -> bytes:
    if not blob.startswith(ENCRYPTED_MAGIC):
        return blob
    if not passphrase:
        raise BackupError("This backup is encrypted: give its passphrase.")
    rest = blob[len(ENCRYPTED_MAGIC) :]
    salt, token = rest[:SALT_BYTES], rest[SALT_BYTES:]
    try:
        return Fernet(_key(passphrase, salt)).decrypt(token)
    except InvalidToken:
        raise BackupError("The passphrase is wrong, or the backup file is damaged.") from None


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    tables: int
    rows: int
    encrypted: bool


def make_backup(output: Path, passphrase: str | None = None) -> BackupSummary:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        engine = connection.vendor
        if engine == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(work / "database.sqlite3")
            with target:
                connection.connection.backup(target)
            target.close()
        elif engine == "postgresql":
            args, env = _pg_env()
            dump = work / "database.dump"
            subprocess.run(  # noqa: S603
                ["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *args],  # noqa: S607
                env=env,
                check=True,
                capture_output=True,
            )
        else:
            raise BackupError(f"Backups of {engine} databases are not supported.")
        fingerprints = table_fingerprints()
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": engine,
            "tables": fingerprints,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for item in sorted(work.iterdir()):
                archive.add(item, arcname=item.name)
            _archive_media(archive, storages["default"])
        data = buffer.getvalue()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(encrypt(data, passphrase) if passphrase else data)
    output.chmod(0o600)
    rows = sum(t["rows"] for t in fingerprints.values())
    return BackupSummary(output, len(fingerprints), rows, bool(passphrase))


def _stored_names(storage: Storage, folder: str = "") -> list[str]:
    """Every file in a storage, by name, folders walked."""
    folders, files = storage.listdir(folder)
    names = [f"{folder}{name}" for name in files]
    for sub in folders:
        names += _stored_names(storage, f"{folder}{sub}/")
    return sorted(names)


def _archive_media(archive: tarfile.TarFile, storage: Storage) -> None:
    if isinstance(storage, FileSystemStorage):
        media = Path(storage.location)
        if media.exists():
            archive.add(media, arcname="media")
        return
    for name in _stored_names(storage):  # an object store: each object, read as a stream
        info = tarfile.TarInfo(f"media/{name}")
        info.size = storage.size(name)
        info.mtime = int(timezone.now().timestamp())
        info.mode = 0o600
        with storage.open(name, "rb") as handle:
            archive.addfile(info, handle)


def _restore_media(folder: Path, storage: Storage) -> None:
    if isinstance(storage, FileSystemStorage):
        shutil.copytree(folder, storage.location, dirs_exist_ok=True)
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        with path.open("rb") as handle:
            saved = storage.save(name, File(handle, name=name))
        if saved != name:  # the storage renamed it: the database would not find it
            raise BackupError(f"The media storage stored {name} as {saved}.")


def _database_is_empty() -> bool:
    tables = set(connection.introspection.table_names())
    if not tables:
        return True
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            if table in tables and table != "django_migrations":
                # The table name comes from Django's model registry, quoted by the backend.
                quoted = connection.ops.quote_name(table)
                cursor.execute(f"SELECT 1 FROM {quoted} LIMIT 1")  # noqa: S608  # nosec B608
                if cursor.fetchone():
                    return False
    return True


def restore_backup(path: Path, passphrase: str | None = None) -> dict[str, Any]:
    """Restore into an empty database, then verify every table against the manifest."""
    data = decrypt(path.read_bytes(), passphrase)
    if not _database_is_empty():
        raise BackupError("The database is not empty. Restore only into an empty database.")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            archive.extractall(work, filter="data")
        manifest = json.loads((work / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError("This backup was made by an incompatible version of Stepwise.")
        if manifest["engine"] != connection.vendor:
            raise BackupError(
                f"This is a {manifest['engine']} backup; the database here is {connection.vendor}."
            )
        if connection.vendor == "sqlite":
            source = sqlite3.connect(work / "database.sqlite3")
            connection.close()
            connection.ensure_connection()
            with source:
                source.backup(connection.connection)
            source.close()
            connection.close()
        else:
            args, env = _pg_env()
            with connection.cursor() as cursor:  # drop the empty schema migrate may have made
                cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
            connection.close()
            subprocess.run(  # noqa: S603
                ["pg_restore", "--no-owner", "--exit-on-error", *args, str(work / "database.dump")],  # noqa: S607
                env=env,
                check=True,
                capture_output=True,
            )
        media = work / "media"
        if media.exists():
            _restore_media(media, storages["default"])
    return verify(manifest["tables"])


def verify(expected: dict[str, dict[str, Any]]) -> dict[str, Any]:
    actual = table_fingerprints()
    problems = []
    for table, want in sorted(expected.items()):
        found = actual.get(table, {"rows": None, "sha256": ""})
        if found != want:
            problems.append(
                f"{table}: expected {want['rows']} rows ({want['sha256'][:12]}), "
                f"found {found['rows']} ({found['sha256'][:12]})"
            )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            status = cursor.fetchone()[0]
            if status != "ok":
                problems.append(f"SQLite integrity check: {status}")
            cursor.execute("PRAGMA foreign_key_check")
            if cursor.fetchone():
                problems.append("SQLite foreign key check found broken references")
    if problems:
        raise BackupError("The restored data does not match the backup:\n" + "\n".join(problems))
    return {"tables": len(expected), "rows": sum(t["rows"] for t in expected.values())}
