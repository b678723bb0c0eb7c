"""Document text must reach the page as literal text: no HTML, links, images or Streamlit extensions."""
from __future__ import annotations

import re

from safe_markdown import highlighted_passage, linked_answer, md_escape, md_link, safe_url

HOSTILE = "<script>alert(1)</script> ![x](http://evil/x.png) [bấm](javascript:alert(1)) :red[đỏ] $x^2$ **đậm** 1. `mã`"


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def test_md_escape_leaves_no_markdown_syntax():
    escaped = md_escape(HOSTILE)
    assert unescape(escaped) == HOSTILE  # nothing lost: the reader sees exactly the document text
    # Every special character is preceded by a backslash.
    assert not re.search(r"(?<!\\)[<>\[\]()*`$:!]", escaped.replace("\\\\", ""))
    assert md_escape("Thanh Hóa xếp thứ 15") == "Thanh Hóa xếp thứ 15"


def test_only_http_links_survive():
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,x") is None
    assert safe_url(None) is None
    assert safe_url("https://baothanhhoa.vn/a b(1).html") == "https://baothanhhoa.vn/a%20b%281%29.html"
    assert md_link("Tiêu đề [1]", "https://x.vn/a") == "[Tiêu đề \\[1\\]](https://x.vn/a)"
    assert md_link("Tiêu đề", "javascript:alert(1)") == "**Tiêu đề**"


def test_highlighted_passage_marks_the_quote_line_by_line():
    text = "Mở đầu. Câu được trích.\n\nCâu tiếp (2021). Phần còn lại."
    start, end = text.index("Câu được"), text.index(" Phần")
    md = highlighted_passage(text, start, end)
    assert md.splitlines() == [
        "> Mở đầu\\. :orange-background[Câu được trích\\.]",
        "> ",
        "> :orange-background[Câu tiếp \\(2021\\)\\.] Phần còn lại\\.",
    ]


def test_bad_offsets_mean_no_highlight():
    for start, end in [(None, None), (5, 2), (0, 999), ("0", "3")]:
        assert highlighted_passage("Một câu.", start, end) == "> Một câu\\."


def test_linked_answer_links_only_cited_markers():
    md = linked_answer("Thứ 15 [1], thứ 12 [2] và [3]. <b>x</b>", {1: "cite-1-1", 2: "cite-1-2"})
    assert md == (
        "Thứ 15 [\\[1\\]](#cite-1-1), thứ 12 [\\[2\\]](#cite-1-2) và \\[3\\]\\. \\<b\\>x\\</b\\>"
    )
    # An anchor that is not a plain id is never put into the link.
    assert linked_answer("A [1]", {1: "x) [y](javascript:alert(1)"}) == "A \\[1\\]"
