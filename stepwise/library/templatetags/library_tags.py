"""Template helpers of the library: durations, markdown, a value by a variable key."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from stepwise.library.answers import format_seconds
from stepwise.library.markdown import render_markdown

register = template.Library()


@register.filter
def duration(seconds: Any) -> str:
    """300 -> "5:00"."""
    try:
        return format_seconds(int(seconds))
    except (TypeError, ValueError):
        return ""


@register.filter
def minutes(seconds: Any) -> str:
    """300 -> "5", 90 -> "1.5": a timer's limit as the minutes its form field takes."""
    from stepwise.library.responses import minutes_text

    try:
        return minutes_text(int(seconds))
    except (TypeError, ValueError):
        return ""


@register.filter
def markdown(text: str | None) -> str:
    """Safe markdown (see `stepwise.library.markdown`): headings start at h3."""
    return render_markdown(text, heading_offset=1)


@register.filter
def get(mapping: Any, key: str) -> Any:
    """`{{ values|get:"prompt" }}`: a dict value by a key held in a variable."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def text_lang(definition: Any, path: str) -> str:
    """` lang="en"` when the text at `path` of a definition shown in the reader's language has
    no translation (so it is read out in English), else "": `<h1{{ document|text_lang:"title" }}>`.
    """
    lang_of = getattr(definition, "lang_of", None)
    if lang_of is None:
        return ""
    lang = lang_of(str(path))
    return format_html(' lang="{}"', lang) if lang else ""


@register.filter
def reader_text(text: Any) -> str:
    """An exercise title or summary copied in English (an assignment's, a plan item's) in the
    reader's language where the exercise has a translation: `{{ assignment.title|reader_text }}`.
    Plain text, for a page title or an attribute; `reader_html` marks the English it leaves."""
    from stepwise.library.titles import reader_text as shown

    return shown(str(text or ""))


@register.filter
def reader_html(text: Any) -> str:
    """As `reader_text`, in a `<span lang="en">` when it stays in English for this reader."""
    from stepwise.library.titles import Shown
    from stepwise.library.titles import reader_text as shown

    found = text if isinstance(text, Shown) else shown(str(text or ""))
    if found.lang:
        return format_html('<span lang="{}">{}</span>', found.lang, str(found))
    return format_html("{}", str(found))


@register.filter
def lang_attr(text: Any) -> str:
    """` lang="en"` for a text shown in another language than the reader's (`Shown.lang`)."""
    lang = getattr(text, "lang", "")
    return format_html(' lang="{}"', lang) if lang else ""
