"""Recognise audio and video files by their first bytes, never by their names.

Pure functions: `sniff(head)` answers the content type of an allowed format, or None.
"""

from __future__ import annotations

from typing import Final

SNIFF_BYTES: Final = 64

# MP4 "brands" (the ftyp box) that mean an audio-only file.
_AUDIO_MP4_BRANDS = frozenset({b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "})
_MP3_FRAME_SECOND_BYTES = frozenset({0xFB, 0xFA, 0xF3, 0xF2, 0xE3, 0xE2})


def sniff(head: bytes) -> str | None:
    """The content type of an allowed audio/video format, from the first bytes of the file."""
    if head.startswith(b"ID3") or (
        len(head) >= 2 and head[0] == 0xFF and head[1] in _MP3_FRAME_SECOND_BYTES
    ):
        return "audio/mpeg"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "audio/mp4" if head[8:12] in _AUDIO_MP4_BRANDS else "video/mp4"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if len(head) >= 12 and head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:SNIFF_BYTES]:
        return "video/webm"
    return None


def kind_of(content_type: str) -> str:
    return content_type.split("/", 1)[0]
