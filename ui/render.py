"""How one answer looks: the short answer first, then the quoted text with each [n] linked to a citation card, the
cards, and the not-found notice with the closest documents.

Document text is untrusted and always goes through safe_markdown (Markdown, never HTML). The one piece of
HTML is each card's anchor, an empty element whose id is built from two integers; st.html sanitizes it too.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath

import streamlit as st
from client import Citation, Hit, ShortAnswer
from safe_markdown import highlighted_passage, linked_answer, md_escape, md_link

UNTITLED = "(không có tiêu đề)"
# Constant CSS for the citation anchors: the empty anchor must not push its card's title down, a card reached
# through a [n] link must not hide under Streamlit's top bar, and it is outlined so the reader sees which one.
CITATION_CSS = """<style>
[data-testid="stElementContainer"]:has(.cite-anchor) { margin-bottom: -1rem; }
.cite-anchor { scroll-margin-top: 4.5rem; }
[data-testid="stVerticalBlock"]:has(> [data-testid="stElementContainer"] .cite-anchor:target) {
  outline: 2px solid var(--primary-color, #0b5394); outline-offset: 2px;
}
</style>"""
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def anchor_id(turn: int, marker: int) -> str:
    """The element id of a citation card: `turn` is the message's place in the conversation, so ids are unique."""
    return f"cite-{int(turn)}-{int(marker)}"


def vietnamese_date(value: object) -> str:
    """"2021-09-23" (or an ISO date-time) as 23/09/2021; anything else as given."""
    text = str(value).strip()
    match = _ISO_DATE.match(text)
    return f"{match.group(3)}/{match.group(2)}/{match.group(1)}" if match else text


def citation_details(c: Hit) -> str:
    """The card's caption line: publisher, date, section and file, each escaped."""
    details = []
    if c.get("publisher"):
        details.append(f"Nguồn: {c['publisher']}")
    if c.get("issued_date"):
        details.append(f"Ngày ban hành: {vietnamese_date(c['issued_date'])}")
    elif c.get("published_date"):
        details.append(f"Ngày đăng: {vietnamese_date(c['published_date'])}")
    if c.get("section"):
        details.append(f"Mục: {c['section']}")
    if c.get("source"):
        details.append(f"Tệp: {PurePath(str(c['source'])).name}")
    return " · ".join(md_escape(str(d)) for d in details)


def render_citation_card(c: Citation, turn: int) -> None:
    marker = int(c.get("marker", 0))
    with st.container(border=True):
        st.html(f'<div id="{anchor_id(turn, marker)}" class="cite-anchor"></div>')
        st.markdown(f"**\\[{marker}\\]** " + md_link(str(c.get("title") or UNTITLED), c.get("url")))
        details = citation_details(c)
        if details:
            st.caption(details)
        st.markdown(highlighted_passage(str(c.get("text") or ""), c.get("quote_start"), c.get("quote_end")))


def page_style() -> None:
    st.html(CITATION_CSS)


def short_answer_line(short: ShortAnswer, anchors: dict[int, str]) -> str:
    """The short answer as a heading, its [n] linked to the citation card it comes from."""
    marker = short.get("marker")
    link = f" [\\[{int(marker)}\\]](#{anchors[marker]})" if isinstance(marker, int) and marker in anchors else ""
    return f"#### {md_escape(str(short.get('text') or ''))}{link}"


def render_answer(
    msg: dict, turn: int, on_ask: Callable[[str], None], question_for: Callable[[str], str | None]
) -> None:
    """An answer: its short answer in large type, then the quoted clauses and the citation cards; or a
    not-found notice with the closest documents, each with a question it answers (`question_for(doc_id)`)."""
    citations: list[Citation] = msg.get("citations") or []
    if not msg.get("found", True):
        # No evidence in the corpus is a normal outcome, not a failure.
        st.info(md_escape(msg["content"]), icon="ℹ️")
        render_suggestions(msg.get("suggestions") or [], turn, on_ask, question_for)
        return
    anchors = {int(c["marker"]): anchor_id(turn, c["marker"]) for c in citations if isinstance(c.get("marker"), int)}
    short = msg.get("short_answer")
    if isinstance(short, dict) and short.get("text"):
        st.markdown(short_answer_line(short, anchors))  # type: ignore[arg-type]
        st.caption("Trích dẫn nguyên văn:")
    st.markdown(linked_answer(msg["content"], anchors))
    if citations:
        st.caption(f"Nguồn trích dẫn ({len(citations)})")
        for c in citations:
            render_citation_card(c, turn)


def render_suggestions(
    suggestions: list[Hit], turn: int, on_ask: Callable[[str], None], question_for: Callable[[str], str | None]
) -> None:
    """The closest documents, one line each; where the API has a question the document answers, a button that
    asks it instead."""
    seen: set[str] = set()
    docs = []
    for hit in suggestions:
        key = str(hit.get("doc_id") or hit.get("title"))
        if key not in seen:
            seen.add(key)
            docs.append(hit)
    if not docs:
        return
    st.markdown("Có thể bạn quan tâm các tài liệu sau:")
    for i, hit in enumerate(docs):
        title = str(hit.get("title") or UNTITLED)
        text, button = st.columns([3, 1], vertical_alignment="center")
        line = md_link(title, hit.get("url"))
        if hit.get("publisher"):
            line += f" — {md_escape(str(hit['publisher']))}"
        text.markdown(line)
        question = question_for(str(hit.get("doc_id") or ""))
        if question:
            button.button(
                "Hỏi về tài liệu này",
                key=f"suggest_{turn}_{i}",
                on_click=on_ask,
                args=(question,),
                help=question,
                width="stretch",
            )
