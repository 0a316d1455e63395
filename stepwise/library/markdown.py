"""A safe markdown subset for exercise text and therapist notes, parsed by markdown-it-py
(CommonMark) rather than by hand.

Only paragraphs, headings, bulleted and numbered lists, bold, italic, inline code, backslash
escapes and links are switched on; raw HTML, images, tables, block quotes, code blocks and
entities stay off, so their punctuation shows as typed. Links go only to http(s), mailto, tel or
a path on this site (never protocol-relative `//host`), and always carry `rel="noopener
noreferrer"`. Control characters are dropped first.
"""

from __future__ import annotations

import re
from functools import cache

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

from stepwise.lib.text import strip_control_characters

# What the renderer may emit: the tests feed it arbitrary text and hold it to this list.
ALLOWED_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code", "a"}
)
ALLOWED_ATTRIBUTES = {"a": frozenset({"href", "rel"}), "ol": frozenset({"start"})}

_SCHEMES = ("http:", "https:", "mailto:", "tel:")


def is_allowed_link(url: str) -> bool:
    """http(s), mailto and tel links, or a path on this site; not `//host` nor `/\\host`
    (browsers read both as another host), nor javascript:, data: or any other scheme."""
    lowered = url.strip().lower()
    if "\\" in lowered:
        return False
    if lowered.startswith("/"):
        return not lowered.startswith("//")
    return lowered.startswith(_SCHEMES)


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
    md.enable(["heading", "list", "backticks", "emphasis", "link", "escape", "newline"])
    md.validateLink = is_allowed_link  # type: ignore[method-assign]
    return md


def _tokens(text: str) -> list[Token]:
    return _parser().parse(strip_control_characters(text).replace("\r\n", "\n"))


def render_markdown(text: str | None, *, heading_offset: int = 1) -> SafeString:
    """HTML for `text`; `## Evidence` becomes an h3 with the default offset of 1."""
    if not text:
        return SafeString("")
    tokens = _tokens(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + heading_offset)}"
        dropped_links = 0
        for child in token.children or ():
            if child.type == "link_open":
                if is_allowed_link(str(child.attrGet("href") or "")):
                    child.attrSet("rel", "noopener noreferrer")
                else:  # an empty destination `[]()`: keep the words, drop the link
                    child.type, child.content, dropped_links = "text", "", dropped_links + 1
            elif child.type == "link_close" and dropped_links:
                child.type, child.content, dropped_links = "text", "", dropped_links - 1
            elif child.type in ("softbreak", "hardbreak"):  # a wrapped line reads as one line
                child.type, child.content = "text", " "
    md = _parser()
    html = md.renderer.render(tokens, md.options, {})
    # markdown-it escapes all text and attribute values, and raw HTML is off.
    return mark_safe(html.strip())  # noqa: S308  # nosec B308 B703


def plain_text(text: str | None) -> str:
    """The words of `text` without markdown punctuation, e.g. for speech synthesis."""
    if not text:
        return ""
    words: list[str] = []
    for token in _tokens(text):
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
        if token.type in ("paragraph_close", "heading_close"):
            words.append(" ")
    return re.sub(r"\s+", " ", "".join(words)).strip()
