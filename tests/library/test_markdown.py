"""The safe markdown subset (markdown-it-py, CommonMark): a few constructs, escaped text, links
only where they are safe, and nothing any text can do to make it raise or emit other markup."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client as HttpClient
from hypothesis import example, given, settings
from hypothesis import strategies as st

import stepwise
from stepwise.library import actions
from stepwise.library.markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    is_allowed_link,
    plain_text,
    render_markdown,
)
from tests.conftest import World


def test_it_renders_paragraphs_headings_and_lists() -> None:
    html = render_markdown(
        "Intro line\ncontinues.\n\n## Steps\n\n- one\n- **two**\n\n1. first\n2. *second*"
    )

    assert html == (
        "<p>Intro line continues.</p>\n<h3>Steps</h3>\n"
        "<ul>\n<li>one</li>\n<li><strong>two</strong></li>\n</ul>\n"
        "<ol>\n<li>first</li>\n<li><em>second</em></li>\n</ol>"
    )


def test_it_escapes_html_and_refuses_unsafe_links() -> None:
    html = render_markdown('<b onclick="x">hi</b> [a](javascript:alert(1)) [b](/static/x.png)')

    assert "<b" not in html
    assert "&lt;b onclick=&quot;x&quot;&gt;" in html
    assert "javascript:alert(1)" in html
    assert 'href="javascript' not in html
    assert '<a href="/static/x.png" rel="noopener noreferrer">b</a>' in html


@pytest.mark.parametrize(
    "url",
    [
        "//evil.example/x",
        " //evil.example/x",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,hi",
        "vbscript:x",
        "file:///etc/passwd",
        "ftp://example.org/",
    ],
)
def test_links_to_another_host_by_a_trick_or_other_schemes_are_left_as_text(url: str) -> None:
    html = render_markdown(f"[go]({url})")
    assert "<a" not in html
    assert not is_allowed_link(url)


def test_a_backslash_never_turns_a_site_path_into_another_host() -> None:
    html = render_markdown("[go](/\\evil.example/x)")
    assert 'href="/\\' not in html
    assert 'href="//' not in html
    assert not is_allowed_link("/\\evil.example/x")


@pytest.mark.parametrize(
    "url",
    ["https://www.nhs.uk/", "http://example.org/a", "mailto:help@example.org", "tel:+441234567"],
)
def test_links_to_the_web_email_and_phone_are_kept(url: str) -> None:
    assert render_markdown(f"[go]({url})") == (
        f'<p><a href="{url}" rel="noopener noreferrer">go</a></p>'
    )


def test_it_keeps_code_literal() -> None:
    assert render_markdown("use `**not bold**`") == "<p>use <code>**not bold**</code></p>"


def test_control_characters_are_dropped_instead_of_breaking_the_page() -> None:
    assert render_markdown("\x000\x00") == "<p>0</p>"
    assert render_markdown("a\x01b\x7fc\x9bd") == "<p>abcd</p>"
    assert plain_text("\x00Relax\x00") == "Relax"


def test_plain_text_drops_markup_for_speech() -> None:
    assert plain_text("## Relax\n\n- Breathe **slowly**") == "Relax Breathe slowly"


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _assert_only_allowed_markup(html: str) -> None:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, (tag, html)
        for name, value in attrs:
            assert name in ALLOWED_ATTRIBUTES.get(tag, frozenset()), (tag, name, html)
            if name == "href":
                assert value is not None
                assert is_allowed_link(value), html


# Pieces of markdown and of attacks, joined at random: reaches corners plain text rarely does.
PIECES = [
    *"#*_`[]()<>!&\"'/\\:-+.=1 \n\t\x00\x01\x7fajs",
    "javascript:",
    "//",
    "http://",
    "<script>",
    "<a href=",
    "onerror=",
    "![x](",
    "&#0;",
    "\n\n",
    "1. ",
    "- ",
    "## ",
]
MARKDOWNISH = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@example("\x000\x00", 1)  # the text that made the hand-written renderer raise IndexError
@given(st.one_of(st.text(max_size=500), MARKDOWNISH), st.integers(min_value=0, max_value=6))
def test_any_text_renders_without_raising_and_only_with_allowed_markup(
    text: str, offset: int
) -> None:
    html = render_markdown(text, heading_offset=offset)
    _assert_only_allowed_markup(html)
    plain_text(text)


def _shipped_texts() -> list[str]:
    texts: list[str] = []

    def walk(value: object, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key in {
            "body",
            "transcript",
            "why_this_helps",
            "therapist_notes",
        }:
            texts.append(value)

    for path in sorted((Path(stepwise.__file__).parent / "library" / "content").glob("*.json")):
        walk(json.loads(path.read_text()))
    return texts


def test_every_shipped_exercise_keeps_its_markup() -> None:
    texts = _shipped_texts()
    assert len(texts) >= 40
    rendered = [render_markdown(text, heading_offset=2) for text in texts]
    for html in rendered:
        _assert_only_allowed_markup(html)
        assert "**" not in html  # every bold closed and rendered
    joined = "".join(rendered)
    for tag in ("<h4>", "<ul>", "<ol>", "<li>", "<strong>", "<em>", "<code>"):
        assert tag in joined


def test_an_exercise_with_control_characters_in_its_text_still_opens(
    world: World, alice_client: HttpClient
) -> None:
    path = Path(stepwise.__file__).parent / "library" / "content" / "body-scan.json"
    document = json.loads(path.read_text())
    document["slug"] = "body-scan-with-nul"
    document["steps"][1]["body"] = "\x000\x00 Settle in.\x01"
    definition = actions.import_definition(world.alice, json.dumps(document))
    assert definition.current_version is not None
    stored = json.dumps(definition.current_version.document)
    assert "\\u0000" not in stored
    assert "\\u0001" not in stored
    assert alice_client.get(f"/library/{definition.pk}/").status_code == 200
    response = alice_client.get(f"/library/versions/{definition.current_version.pk}/try/")
    assert response.status_code == 200
    assert "0 Settle in." in response.content.decode()
