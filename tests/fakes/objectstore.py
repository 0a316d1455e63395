"""A real S3-protocol server on loopback for tests (moto's server mode): the app speaks S3 to it
through django-storages and boto3, exactly as it would to AWS, MinIO or Ceph."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from stepwise.lib.env import Env
from stepwise.lib.storage import media_storage

ACCESS_KEY = "stepwise-test-key"
SECRET_KEY = "stepwise-test-secret"  # moto accepts any; the app must send them all the same
REGION = "eu-west-2"


@dataclass
class ObjectStore:
    endpoint: str

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def new_bucket(self) -> str:
        name = f"stepwise-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        return name

    def keys(self, bucket: str) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, bucket: str, key: str) -> bytes:
        body: bytes = self.client().get_object(Bucket=bucket, Key=key)["Body"].read()
        return body

    def environment(self, bucket: str, prefix: str = "media") -> dict[str, str]:
        """What an operator sets on every node to keep media in `bucket`."""
        return {
            "STEPWISE_MEDIA_STORAGE": "s3",
            "STEPWISE_S3_BUCKET": bucket,
            "STEPWISE_S3_ENDPOINT_URL": self.endpoint,
            "STEPWISE_S3_REGION": REGION,
            "STEPWISE_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "STEPWISE_S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "STEPWISE_S3_PREFIX": prefix,
        }


@pytest.fixture(scope="session")
def object_store() -> Iterator[ObjectStore]:
    from moto.server import ThreadedMotoServer  # imported only by the tests that need it

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield ObjectStore(endpoint=f"http://{host}:{port}")
    finally:
        server.stop()


@dataclass
class BucketMedia:
    store: ObjectStore
    bucket: str
    prefix: str

    def keys(self) -> list[str]:
        return self.store.keys(self.bucket)


@pytest.fixture
def s3_media(object_store: ObjectStore, settings: Any) -> BucketMedia:
    """Media kept in a fresh bucket for this test, configured as settings.py configures it."""
    bucket = object_store.new_bucket()
    environment = object_store.environment(bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": media_storage(Env(environment), "s3", production=False),
    }
    return BucketMedia(object_store, bucket, environment["STEPWISE_S3_PREFIX"])
