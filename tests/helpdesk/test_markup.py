"""Forum bodies: Markdown rendered to HTML that keeps the allowed markup and nothing that runs."""

import pytest

from helpdesk.markup import render_markdown


@pytest.mark.parametrize(("source", "forbidden"), [
    ("<script>alert('xss')</script>Halo", ["<script", "alert("]),
    ('<img src="x" onerror="alert(1)">', ["<img", "onerror", "alert("]),
    ("[klik](javascript:alert(1))", ["javascript:", "alert("]),
    ('<a href="javascript:alert(1)" onclick="alert(2)">klik</a>', ["javascript:", "onclick", "alert("]),
    ('<p style="background:url(x)" onmouseover="alert(1)">teks</p>', ["style=", "onmouseover"]),
    ("<iframe src=\"https://example.org\"></iframe><svg onload=alert(1)>", ["<iframe", "<svg", "onload"]),
])
def test_scripts_event_handlers_and_javascript_urls_are_stripped(source, forbidden):
    html = str(render_markdown(source))
    for piece in forbidden:
        assert piece not in html


def test_the_allowed_markup_survives():
    html = str(render_markdown('**tebal** _miring_ `kode` [BPS](https://bps.go.id "situs")\n\n'
                               "| a | b |\n|---|---|\n| 1 | 2 |\n\n> kutipan\n\n- satu\n\n### judul"))
    for piece in ("<strong>tebal</strong>", "<em>miring</em>", "<code>kode</code>",
                  '<a href="https://bps.go.id" title="situs">BPS</a>', "<table>", "<td>1</td>",
                  "<blockquote>", "<li>satu</li>", "<h3>judul</h3>"):
        assert piece in html


def test_a_tag_outside_the_list_is_dropped_but_its_text_kept():
    assert str(render_markdown("teks <span class=\"x\">dalam</span> a < b")) == "<p>teks dalam a &lt; b</p>"
