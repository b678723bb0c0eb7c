"""Turn untrusted document text into Markdown that Streamlit shows literally.

Corpus text (titles, passages, answers quoting them) must never be interpreted: no HTML, no links or
images smuggled in, no Streamlit extensions (:red[...], $math$, :material/icon:). Everything here is
pure string work, so it is unit-tested without Streamlit.
"""
from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

# Every ASCII punctuation mark Markdown or Streamlit's extensions could read as syntax.
# CommonMark shows a backslash-escaped punctuation mark as the bare character.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|$:~=^\"'&])")


def md_escape(text: str) -> str:
    """Make arbitrary text display literally inside st.markdown (without unsafe_allow_html)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def safe_url(url: str | None) -> str | None:
    """An http(s) link percent-encoded so it cannot end the Markdown link early; None for anything else."""
    url = (url or "").strip()
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    return quote(url, safe=":/?#@!$&'*+,;=%~")


def md_link(label: str, url: str | None) -> str:
    """A Markdown link with an escaped label, or the bold label alone when there is no usable URL."""
    link = safe_url(url)
    return f"[{md_escape(label)}]({link})" if link else f"**{md_escape(label)}**"


def highlighted_passage(text: str, start: object = None, end: object = None) -> str:
    """The passage as a Markdown blockquote, with text[start:end] (the quoted sentence) highlighted.

    Offsets that are missing or out of range just mean no highlight.
    """
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        # Streamlit's highlight directive cannot span lines, so highlight the quote line by line.
        marked = "\n".join(
            f":orange-background[{md_escape(line)}]" if line.strip() else line
            for line in text[start:end].split("\n")
        )
        body = md_escape(text[:start]) + marked + md_escape(text[end:])
    else:
        body = md_escape(text)
    return "\n".join(f"> {line}" for line in body.split("\n"))


# A citation marker `[n]` as it reads after md_escape.
_ESCAPED_MARKER = re.compile(r"\\\[(\d+)\\\]")
_ANCHOR_ID = re.compile(r"[a-z][a-z0-9-]*")


def linked_answer(answer: str, anchors: dict[int, str]) -> str:
    """The answer escaped like any document text, each `[n]` that has a citation made an in-page link to it.

    `anchors` maps a marker to the element id of its citation card; ids are ours, never document text.
    """

    def link(match: re.Match[str]) -> str:
        anchor = anchors.get(int(match.group(1)))
        if anchor is None or not _ANCHOR_ID.fullmatch(anchor):
            return match.group(0)
        return f"[{match.group(0)}](#{anchor})"

    return _ESCAPED_MARKER.sub(link, md_escape(answer))
