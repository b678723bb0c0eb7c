"""Title, publisher and URL of a raw article, and removal of page furniture (captions, navigation, credits)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlparse

# Lines that belong to the web page, not to the article.
_FURNITURE = [
    re.compile(r"^Quay lại\b.{0,40}$", re.I),
    re.compile(r"^\(?Ảnh( minh (họa|hoạ))?(:.{0,80})?\)?\.?$", re.I),
    re.compile(r"^.{0,200} - Ảnh \d+\.?$"),  # image caption: "<title> - Ảnh 1."
    re.compile(r"^(Ảnh|Nguồn ảnh|Video)\s*:.{0,80}$", re.I),
    re.compile(r"^(Xem thêm|Đọc thêm|Tin liên quan|Bài liên quan|Chia sẻ|Bình luận|In bài|Tags?)\s*:?.{0,60}$", re.I),
]
_NAV_ITEM = re.compile(r"^\d{1,2}\.\s+\S.{0,60}$")  # numbered menu item at the top of a saved page
_LINK_LINE = re.compile(r"^(Link gốc|Nguồn|Link bài viết|Bài gốc|URL)\s*:\s*(?P<url>https?://\S+)\s*$", re.I)
_BARE_URL = re.compile(r"https?://[^\s)\]>\"']+")
_CREDIT_LINE = re.compile(r"^Theo\s+(?P<who>.{2,80}?)\.?$")
_DATELINE = re.compile(r"^\((?P<who>[^()]{2,40})\)\s*[-–—]\s+")
_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)+$")


@dataclass
class ArticleMeta:
    title: str
    body: str  # cleaned text, title first, paragraphs separated by blank lines
    publisher: str | None = None
    url: str | None = None


def _is_furniture(line: str) -> bool:
    return any(p.match(line) for p in _FURNITURE)


def _drop_top_navigation(lines: list[str]) -> list[str]:
    """Skip a menu before the headline: short lines followed by numbered items ("1. Diễn đàn", "2. Đời sống")."""
    i = 0
    while i < len(lines):
        line = lines[i]
        next_is_nav = i + 1 < len(lines) and _NAV_ITEM.match(lines[i + 1])
        if _NAV_ITEM.match(line) and len(line.split()) <= 6 or (len(line.split()) <= 3 and next_is_nav):
            i += 1
            continue
        break
    return lines[i:]


def _publisher_from_url(url: str) -> str | None:
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.") or None


def extract_article(text: str) -> ArticleMeta:
    """Split normalized raw text into title, body, publisher and URL."""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    url = publisher = None
    credit = None
    kept: list[str] = []
    for i, line in enumerate(paragraphs):
        if _is_furniture(line):
            continue
        m = _LINK_LINE.match(line)
        if m:
            url = url or m.group("url").rstrip(".,;")
            continue
        m = _CREDIT_LINE.match(line)
        # A credit ("Theo baothanhhoa.vn") closes an article; earlier "Theo ..." lines are content.
        if m and len(line.split()) <= 10 and i >= len(paragraphs) - 3:
            credit = m.group("who").strip()
            continue
        kept.append(line)
    kept = _drop_top_navigation(kept)
    if not kept:
        return ArticleMeta(title="", body="", publisher=credit, url=url)

    if url is None:
        m = _BARE_URL.search(text)
        url = m.group(0).rstrip(".,;") if m else None
    # Publisher: "Theo baothanhhoa.vn", then a dateline "(Dân Sinh) - ...", then the source URL's host.
    if credit and _DOMAIN.match(credit):
        publisher = credit.lower()
    if publisher is None:
        for line in kept[:4]:
            m = _DATELINE.match(line)
            if m:
                publisher = m.group("who").strip()
                break
    if publisher is None and url:
        publisher = _publisher_from_url(url)
    if publisher is None:
        publisher = credit

    title = kept[0].strip()
    return ArticleMeta(title=title, body="\n\n".join(kept), publisher=publisher, url=url)
