"""The safe markdown subset: escape first, then a few constructs."""

from __future__ import annotations

from stepwise.library.markdown import plain_text, render_markdown


def test_it_renders_paragraphs_headings_and_lists() -> None:
    html = render_markdown(
        "Intro line\ncontinues.\n\n## Steps\n\n- one\n- **two**\n\n1. first\n2. *second*"
    )

    assert html == (
        "<p>Intro line continues.</p>\n<h3>Steps</h3>\n"
        "<ul><li>one</li><li><strong>two</strong></li></ul>\n"
        "<ol><li>first</li><li><em>second</em></li></ol>"
    )


def test_it_escapes_html_and_refuses_unsafe_links() -> None:
    html = render_markdown('<b onclick="x">hi</b> [a](javascript:alert(1)) [b](/static/x.png)')

    assert "<b" not in html
    assert "&lt;b onclick=&quot;x&quot;&gt;" in html
    assert "javascript:alert(1)" in html
    assert 'href="javascript' not in html
    assert '<a href="/static/x.png" rel="noopener noreferrer">b</a>' in html


def test_it_keeps_code_literal() -> None:
    assert render_markdown("use `**not bold**`") == "<p>use <code>**not bold**</code></p>"


def test_plain_text_drops_markup_for_speech() -> None:
    assert plain_text("## Relax\n\n- Breathe **slowly**") == "Relax - Breathe slowly"
