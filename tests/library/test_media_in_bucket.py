"""Media in an S3 bucket (STEPWISE_MEDIA_STORAGE=s3): uploads land in the bucket after the same
content check, and are served only through the app's access check, ranges included. The bucket
is a real S3-protocol server on loopback (tests/fakes/objectstore.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stepwise.audit.models import AccessLog, Outcome
from stepwise.library import actions
from stepwise.library.models import MediaFile
from tests.conftest import World
from tests.fakes.objectstore import BucketMedia
from tests.library.helpers import MP4


@pytest.fixture(autouse=True)
def local_media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _upload(client, name: str, data: bytes):
    return client.post(
        reverse("library:media"),
        {"title": "Lesson", "file": SimpleUploadedFile(name, data, "application/octet-stream")},
    )


def test_an_upload_is_stored_in_the_bucket_not_on_the_web_node(
    world: World, alice_client, s3_media: BucketMedia, local_media: Path
) -> None:
    response = _upload(alice_client, "lesson.bin", MP4)

    assert response.status_code == 302
    media = MediaFile.objects.get()
    key = f"media/library/{world.practice.pk}/{media.pk}.mp4"
    assert s3_media.keys() == [key]
    assert s3_media.store.read(s3_media.bucket, key) == MP4
    assert not local_media.exists()


def test_an_upload_is_still_checked_by_its_content(
    world: World, alice_client, s3_media: BucketMedia
) -> None:
    response = _upload(alice_client, "relax.mp3", b"<html><script>alert(1)</script></html>")

    assert response.status_code == 400
    assert "not an audio or video format" in response.content.decode()
    assert s3_media.keys() == []
    assert not MediaFile.objects.exists()


@pytest.fixture
def video(world: World, s3_media: BucketMedia) -> MediaFile:
    return actions.upload_media(
        world.alice, title="Praise", upload=SimpleUploadedFile("praise.mp4", MP4)
    )


@pytest.mark.parametrize(("persona", "status"), [("carl", 200), ("gina", 200), ("olga", 404)])
def test_a_bucket_file_is_served_only_to_people_of_the_practice(
    persona: str, status: int, world: World, login_as, video: MediaFile
) -> None:
    response = login_as(getattr(world, persona)).get(reverse("library:media_file", args=[video.pk]))

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "video/mp4"
        assert response["Content-Length"] == str(len(MP4))
        assert b"".join(response.streaming_content) == MP4
    else:
        denied = AccessLog.objects.filter(action="media.file", outcome=Outcome.DENIED)
        assert denied.filter(actor_id=world.olga.pk).count() == 1


def test_a_player_seeks_in_a_bucket_file_by_range(
    world: World, alice_client, video: MediaFile
) -> None:
    url = reverse("library:media_file", args=[video.pk])

    part = alice_client.get(url, HTTP_RANGE="bytes=4-11")
    tail = alice_client.get(url, HTTP_RANGE="bytes=-4")

    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 4-11/{len(MP4)}"
    assert b"".join(part.streaming_content) == MP4[4:12]
    assert b"".join(tail.streaming_content) == MP4[-4:]


def test_no_public_link_to_a_bucket_object_is_ever_made(video: MediaFile) -> None:
    # Should anything ask the storage for a URL, it is signed and short-lived, never public.
    url = video.file.url
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=300" in url
