"""A small, safe markdown subset for exercise text and therapist notes.

Everything is HTML-escaped first; only then are paragraphs, headings, bulleted and numbered
lists, bold, italic, inline code and links (https, http or site-relative) turned into markup.
Nothing a definition says can add a tag or an attribute of its own.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(
    r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])|(?<!\w)_(?=\S)([^_]+?)(?<=\S)_(?!\w)"
)
_CODE = re.compile(r"`([^`]+)`")
# Runs on escaped text, so a URL cannot contain a quote or an angle bracket.
_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|/)[^\s()]*)\)")


def _inline(text: str) -> str:
    html = str(escape(text))
    codes: list[str] = []

    def keep_code(match: re.Match[str]) -> str:
        codes.append(f"<code>{match.group(1)}</code>")
        return f"\x00{len(codes) - 1}\x00"

    html = _CODE.sub(keep_code, html)
    html = _LINK.sub(r'<a href="\2" rel="noopener noreferrer">\1</a>', html)
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    html = _ITALIC.sub(lambda m: f"<em>{m.group(1) or m.group(2)}</em>", html)
    return re.sub("\x00(\\d+)\x00", lambda m: codes[int(m.group(1))], html)


def render_markdown(text: str | None, *, heading_offset: int = 1) -> SafeString:
    """HTML for `text`; `## Evidence` becomes an h3 with the default offset of 1."""
    if not text:
        return SafeString("")
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = ""

    def flush_paragraph() -> None:
        if paragraph:
            blocks.append("<p>" + " ".join(_inline(line.strip()) for line in paragraph) + "</p>")
            paragraph.clear()

    def flush_list() -> None:
        nonlocal list_tag
        if items:
            body = "".join(f"<li>{item}</li>" for item in items)
            blocks.append(f"<{list_tag}>{body}</{list_tag}>")
            items.clear()
        list_tag = ""

    for line in text.replace("\r\n", "\n").split("\n"):
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        numbered = None if bullet else _NUMBERED.match(line)
        if not line.strip():
            flush_paragraph()
            flush_list()
        elif heading:
            flush_paragraph()
            flush_list()
            level = min(6, len(heading.group(1)) + heading_offset)
            blocks.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif bullet or numbered:
            flush_paragraph()
            tag = "ul" if bullet else "ol"
            if list_tag and list_tag != tag:
                flush_list()
            list_tag = tag
            items.append(_inline((bullet or numbered).group(1)))  # type: ignore[union-attr]
        elif items:
            items[-1] += " " + _inline(line.strip())  # a wrapped list item
        else:
            paragraph.append(line)
    flush_paragraph()
    flush_list()
    # Every piece of text went through escape() in _inline(); only our own tags are added.
    return mark_safe("\n".join(blocks))  # noqa: S308  # nosec B308 B703


def plain_text(text: str | None) -> str:
    """The words of `text` without markdown punctuation, e.g. for speech synthesis."""
    if not text:
        return ""
    words = _LINK.sub(r"\1", text)
    words = re.sub(r"[*_`#]+", "", words)
    return re.sub(r"\s+", " ", words).strip()
