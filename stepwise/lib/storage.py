"""Read stored files piece by piece, whatever the storage: the data folder or an S3 bucket.

A video is read in chunks, and a player's byte range is asked of the store itself (an S3
`Range` GET), so neither a seek in a long video nor a large file is ever read whole into memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.files import File
from django.core.files.storage import Storage

from stepwise.lib.env import Env, SettingError

CHUNK_BYTES = 256 * 1024


def media_storage(env: Env, kind: str, *, production: bool) -> dict[str, Any]:
    """The `STORAGES["default"]` entry for uploaded media: the data folder, or an S3 bucket.

    A bucket's objects stay private: the app streams them after its own access check, so no
    object is ever public and no link to one is handed out.
    """
    if kind != "s3":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    bucket = env.string("STEPWISE_S3_BUCKET")
    if not bucket:
        raise SettingError(
            "STEPWISE_MEDIA_STORAGE=s3 needs STEPWISE_S3_BUCKET (the bucket's name)."
        )
    endpoint = env.string("STEPWISE_S3_ENDPOINT_URL")
    if endpoint and not endpoint.startswith(("https://", "http://")):
        raise SettingError(
            "STEPWISE_S3_ENDPOINT_URL must start with https:// (or http:// in development)."
        )
    if production and endpoint.startswith("http://"):
        raise SettingError("STEPWISE_S3_ENDPOINT_URL must be an https:// address in production.")
    key_id = env.string("STEPWISE_S3_ACCESS_KEY_ID")
    key_secret = env.string("STEPWISE_S3_SECRET_ACCESS_KEY")
    if bool(key_id) != bool(key_secret):
        raise SettingError(
            "Set both STEPWISE_S3_ACCESS_KEY_ID and STEPWISE_S3_SECRET_ACCESS_KEY, or neither "
            "(neither: boto3 finds credentials itself, e.g. from an instance role)."
        )
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint or None,
            "region_name": env.string("STEPWISE_S3_REGION") or None,
            "access_key": key_id or None,
            "secret_key": key_secret or None,
            "location": env.string("STEPWISE_S3_PREFIX").strip("/"),
            # A self-hosted endpoint (MinIO, Ceph, an internal address) rarely has a host name
            # per bucket; on AWS itself boto3 chooses.
            "addressing_style": env.choice(
                "STEPWISE_S3_ADDRESSING_STYLE",
                ("auto", "path", "virtual"),
                "path" if endpoint else "auto",
            ),
            "default_acl": None,  # the bucket's own policy, which keeps objects private
            "querystring_auth": True,  # never an unsigned link, should anything ask for a URL
            "querystring_expire": 300,
            "file_overwrite": True,  # names are the file's UUID; a restore puts them back
            "object_parameters": {"CacheControl": "private, no-store"},
        },
    }


def _s3_client(storage: Storage) -> Any | None:
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover - django-storages is a dependency
        return None
    if isinstance(storage, S3Storage):
        return storage.connection.meta.client
    return None


def _file_chunks(handle: File[Any], length: int) -> Iterator[bytes]:
    try:
        while length > 0:
            data = handle.read(min(CHUNK_BYTES, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()


def _body_chunks(body: Any) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(CHUNK_BYTES)
    finally:
        body.close()


def read_range(storage: Storage, name: str, start: int, end: int) -> Iterator[bytes]:
    """Bytes `start`..`end` (inclusive) of the stored file `name`, in chunks.

    The file is opened now, so a missing file raises here rather than in the middle of a
    response; the bytes are read as the iterator is consumed.
    """
    client = _s3_client(storage)
    if client is not None:
        from storages.utils import clean_name

        # S3Storage's own name rules (its prefix and the key's escaping) make the object key.
        key = storage._normalize_name(clean_name(name))  # type: ignore[attr-defined]
        answer = client.get_object(
            Bucket=storage.bucket_name,  # type: ignore[attr-defined]
            Key=key,
            Range=f"bytes={start}-{end}",
        )
        return _body_chunks(answer["Body"])
    handle = storage.open(name, "rb")
    handle.seek(start)
    return _file_chunks(handle, end - start + 1)
