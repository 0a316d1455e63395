"""Audio and video uploads: type checked from the bytes, size limited, served only to the
practice's own people (another practice's user gets 404), attachable to media steps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stepwise.library import actions
from stepwise.library.media import sniff
from stepwise.library.models import MediaFile
from tests.conftest import World
from tests.factories import first_occurrence
from tests.library.conftest import sink_document
from tests.library.helpers import M4A, MP3, MP4, OGG, WAV, WEBM, assign_daily


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _upload(client, name: str, data: bytes, title: str = "Lesson video"):
    return client.post(
        reverse("library:media"),
        {"title": title, "file": SimpleUploadedFile(name, data, "application/octet-stream")},
    )


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (MP3, "audio/mpeg"),
        (M4A, "audio/mp4"),
        (OGG, "audio/ogg"),
        (WAV, "audio/wav"),
        (MP4, "video/mp4"),
        (WEBM, "video/webm"),
    ],
)
def test_it_recognises_each_allowed_format_by_its_bytes(data: bytes, content_type: str) -> None:
    assert sniff(data[:64]) == content_type


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"%PDF-1.7 ...",
        b"MZ\x90\x00 an executable",
        b"\x89PNG\r\n\x1a\n",
        b"",
    ],
)
def test_it_recognises_nothing_else(data: bytes) -> None:
    assert sniff(data) is None


def test_a_therapist_uploads_a_video_named_anything(world: World, alice_client, media_root) -> None:
    response = _upload(alice_client, "lesson.bin", MP4)

    assert response.status_code == 302
    media = MediaFile.objects.get()
    assert (media.content_type, media.kind, media.practice) == (
        "video/mp4",
        "video",
        world.practice,
    )
    assert media.file.name == f"library/{world.practice.pk}/{media.pk}.mp4"
    assert (Path(media_root) / media.file.name).read_bytes() == MP4


def test_a_file_whose_content_is_not_audio_or_video_is_refused(world: World, alice_client) -> None:
    response = _upload(alice_client, "relax.mp3", b"<html><script>alert(1)</script></html>")

    assert response.status_code == 400
    assert "not an audio or video format" in response.content.decode()
    assert not MediaFile.objects.exists()


def test_a_file_over_the_limit_is_refused(world: World, alice_client, settings) -> None:
    settings.STEPWISE_MAX_UPLOAD_MB = 1

    response = _upload(alice_client, "long.mp3", MP3 + b"\x00" * (1024 * 1024))

    assert response.status_code in (400, 413)
    assert "too large: at most 1 MB" in response.content.decode()
    assert not MediaFile.objects.exists()


def test_the_size_limit_is_checked_by_the_action_too(world: World, settings) -> None:
    settings.STEPWISE_MAX_UPLOAD_MB = 1
    upload = SimpleUploadedFile("x.mp3", MP3 + b"\x00" * (1024 * 1024))

    with pytest.raises(actions.ActionError, match="too large"):
        actions.upload_media(world.alice, title="x", upload=upload)


@pytest.fixture
def video(world: World) -> MediaFile:
    return actions.upload_media(
        world.alice, title="Praise", upload=SimpleUploadedFile("praise.mp4", MP4)
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("alice", 200),
        ("bob", 200),  # a colleague in the practice
        ("ada", 200),
        ("carl", 200),  # a client of the practice
        ("gina", 200),  # a parent of a client of the practice
        ("olga", 404),  # another practice
    ],
)
def test_only_people_of_the_practice_can_fetch_a_file(
    persona: str, status: int, world: World, login_as, video: MediaFile
) -> None:
    client = login_as(getattr(world, persona))

    response = client.get(reverse("library:media_file", args=[video.pk]))

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "video/mp4"
        assert b"".join(response.streaming_content) == MP4


def test_another_practices_client_gets_404(world: World, login_as, video: MediaFile) -> None:
    oscar = world.oscar_client
    from tests.conftest import make_user

    oscar_user = make_user("oscar@example.org", "Oscar")
    type(oscar).objects.filter(pk=oscar.pk).update(user=oscar_user)

    response = login_as(oscar_user).get(reverse("library:media_file", args=[video.pk]))

    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(world: World, login_as, video: MediaFile) -> None:
    response = login_as(None).get(reverse("library:media_file", args=[video.pk]))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_player_can_ask_for_part_of_a_file(world: World, alice_client, video: MediaFile) -> None:
    url = reverse("library:media_file", args=[video.pk])

    part = alice_client.get(url, HTTP_RANGE="bytes=4-11")
    tail = alice_client.get(url, HTTP_RANGE="bytes=-4")
    beyond = alice_client.get(url, HTTP_RANGE=f"bytes={len(MP4) + 10}-")

    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 4-11/{len(MP4)}"
    assert b"".join(part.streaming_content) == MP4[4:12]
    assert b"".join(tail.streaming_content) == MP4[-4:]
    assert beyond.status_code == 416


def test_an_uploaded_video_plays_in_a_media_step(
    world: World, alice_client, login_as, video: MediaFile
) -> None:
    document = sink_document()
    document["steps"][13]["source"] = {
        "kind": "upload",
        "file": str(video.pk),
        "content_type": "video/mp4",
    }
    definition = actions.import_definition(world.alice, json.dumps(document))
    assignment = assign_daily(definition, world.carl_client, world.alice)

    page = login_as(world.carl).get(reverse("homework:do", args=[first_occurrence(assignment).pk]))

    html = page.content.decode()
    assert f'src="{reverse("library:media_file", args=[video.pk])}"' in html
    assert "How much did you watch?" in html


def test_a_definition_cannot_name_another_practices_file(world: World, video: MediaFile) -> None:
    document = sink_document()
    document["steps"][13]["source"] = {
        "kind": "upload",
        "file": str(video.pk),
        "content_type": "video/mp4",
    }

    with pytest.raises(actions.ActionError) as refused:
        actions.import_definition(world.olga, json.dumps(document))

    assert "is not in this practice's media" in refused.value.problems[0]


def test_the_builder_attaches_an_uploaded_file_to_a_media_step(
    world: World, alice_client, video: MediaFile
) -> None:
    from tests.factories import exercise_version as shipped_version
    from tests.library.helpers import ensure_shipped_library

    ensure_shipped_library()
    copy = actions.copy_exercise(shipped_version("video-labelled-praise"), world.alice)
    document = dict(copy.draft)
    index = next(i for i, s in enumerate(document["steps"]) if s["type"] == "media")
    from stepwise.library.builder import editors

    form: dict[str, str | list[str]] = {
        "title": document["title"],
        "category": document["category"],
        "audience": document["audience"],
        "estimated_minutes": str(document["estimated_minutes"]),
        "summary": document["summary"],
        "why_this_helps": document["why_this_helps"],
        "therapist_notes": document["therapist_notes"],
        "references": "\n".join(document["references"]),
        "metrics": "watched | Watched | " + document["steps"][index]["id"] + " | value",
        "step_count": str(len(document["steps"])),
        "op": "publish",
    }
    for editor in editors(document):
        form[f"s{editor.index}-type"] = editor.type
        form.update({f"s{editor.index}-{k}": v for k, v in editor.values.items() if v})
    form[f"s{index}-source"] = f"upload:{video.pk}"

    response = alice_client.post(reverse("library:builder", args=[copy.pk]), form)

    assert response.status_code == 302, response.content.decode()[-3000:]
    copy.refresh_from_db()
    source = copy.current_version.document["steps"][index]["source"]
    assert source == {"kind": "upload", "file": str(video.pk), "content_type": "video/mp4"}


def test_an_upload_declared_too_large_is_refused_before_it_is_read(
    world: World, alice_client, settings
) -> None:
    settings.STEPWISE_MAX_UPLOAD_MB = 1

    response = _upload(alice_client, "long.mp4", MP4 + b"\x00" * (2 * 1024 * 1024))

    assert response.status_code == 413
    assert "too large: at most 1 MB" in response.content.decode()
    assert not MediaFile.objects.exists()
