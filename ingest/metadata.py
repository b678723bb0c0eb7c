"""What a document is: title, publisher, URL and dates of an article, or type, number, issuer and date of issue
of a legal document read from its header; removal of page furniture (captions, navigation, credits)."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlparse

import yaml

from retriever.text.normalize import fold
from retriever.types import DocumentMetadata

# Lines that belong to the web page, not to the article.
_FURNITURE = [
    re.compile(r"^Quay lại\b.{0,40}$", re.I),
    re.compile(r"^\(?Ảnh( minh (họa|hoạ))?(:.{0,80})?\)?\.?$", re.I),
    re.compile(r"^.{0,200} - Ảnh \d+\.?$"),  # image caption: "<title> - Ảnh 1."
    re.compile(r"^(Ảnh|Nguồn ảnh|Video)\s*:.{0,80}$", re.I),
    re.compile(r"^(Xem thêm|Đọc thêm|Tin liên quan|Bài liên quan|Chia sẻ|Bình luận|In bài|Tags?)\s*:?.{0,60}$", re.I),
]
_RULE = re.compile(r"^(?:[-–—_=*~•.]\s*){3,}$|^\*$")  # separator lines: "-------", "* * *"
_NAV_ITEM = re.compile(r"^\d{1,2}\.\s+\S.{0,60}$")  # numbered menu item at the top of a saved page
_LINK_LINE = re.compile(r"^(Link gốc|Nguồn|Link bài viết|Bài gốc|URL)\s*:\s*(?P<url>https?://\S+)\s*$", re.I)
_BARE_URL = re.compile(r"https?://[^\s)\]>\"']+")
_CREDIT_LINE = re.compile(r"^Theo\s+(?P<who>.{2,80}?)\.?$")
_DATELINE = re.compile(r"^\((?P<who>[^()]{2,40})\)\s*[-–—]\s+")
_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)+$")

# --- dates ---------------------------------------------------------------------------------------------------
_DATES = [
    re.compile(r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.I),
    re.compile(r"(?:ngày\s+)?\b(?P<d>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<y>\d{4})\b", re.I),
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
]
# What may stand beside the date on a line that only dates the article ("Thứ Năm, 23/09/2021 14:30 GMT+7").
_DATE_LINE_WORDS = re.compile(
    r"thứ\s+(hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật|cập\s+nhật|ngày\s+đăng|đăng\s+ngày|đăng\s+lúc|đăng|lúc|"
    r"published|updated|\(?gmt\s*\+\s*\d{1,2}\)?|\d{1,2}\s*[:h]\s*\d{2}(\s*:\s*\d{2})?(\s*[ap]m)?",
    re.I,
)

# --- legal documents ---------------------------------------------------------------------------------------
# Types of Vietnamese legal and Party documents, longest first so that "Nghị quyết liên tịch" wins.
DOC_TYPES = sorted([
    "Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh", "Lệnh", "Nghị quyết", "Nghị quyết liên tịch", "Nghị định",
    "Quyết định", "Thông tư", "Thông tư liên tịch", "Chỉ thị", "Kế hoạch", "Thông báo", "Hướng dẫn",
    "Báo cáo", "Tờ trình", "Công điện", "Công văn", "Chương trình", "Đề án", "Quy chế", "Quy định",
    "Kết luận", "Điều lệ", "Văn bản hợp nhất",
], key=len, reverse=True)
_TYPE_BY_FOLD = {fold(t): t for t in DOC_TYPES}
_TYPE_LINE = re.compile(r"^(?P<type>" + "|".join(re.escape(fold(t)) for t in DOC_TYPES) + r")(?:\s+(?P<rest>.+))?$")
# "13/2023/NĐ-CP", "749/QĐ-TTg", "36-NQ/TW", "57/2020/QH14": digits, then code parts joined by / or -.
_NUMBER = r"\d{1,5}[a-zA-Z]?(?:[/-][0-9A-Za-zĐđ.]+)+"
# A header's own number may be typed with a space before the slash ("Số: 125 /KH-UBND"): the space is dropped.
_HEADER_NUMBER = r"\d{1,5}[a-zA-Z]?(?: ?/ ?[0-9A-Za-zĐđ.]+|-[0-9A-Za-zĐđ.]+)(?:[/-][0-9A-Za-zĐđ.]+)*"
_NUMBER_LINE = re.compile(  # matched against the folded line: positions equal the original's
    r"(?:^|(?<=[\s|]))(?:(?P<kind>luat|phap lenh|lenh)\s+)?so\s*(?::|\.|(?=\d))\s*(?P<num>" + _HEADER_NUMBER + ")"
)
# "Nghị quyết số 12/NQ-HĐND ngày 10 tháng 7 năm 2024 về ...", "QUYẾT ĐỊNH SỐ 45/QĐ-UBND": type and number on one
# line, as headers laid out without a type heading write them (matched against the folded line).
_TYPE_NUMBER_LINE = re.compile(
    r"^(?P<type>" + "|".join(re.escape(fold(t)) for t in DOC_TYPES) + r")\s+so\s*[:.]?\s*(?P<num>"
    + _HEADER_NUMBER + r")(?P<rest>.*)$"
)
# The first words of an issuing body's name, in capitals above such a line.
_ISSUER_START = re.compile(
    r"^(uy ban|ubnd|hoi dong|hdnd|chinh phu|quoc hoi|thu tuong|bo |so |ban |tinh uy|thanh uy|huyen uy|dang uy|"
    r"dang bo|van phong|toa an|vien kiem sat|kiem toan|ngan hang|cuc |tong cuc|tinh |thanh pho |huyen |xa |phuong )"
)
_TYPE_NUMBER_LINES = 8  # such a line opens the document: among its first lines
_MOTTOS = [  # folded; each one marks a state or Party document header
    re.compile(r"cong\s+hoa\s+xa\s+hoi\s+chu\s+nghia\s+viet\s+nam"),
    re.compile(r"doc\s+lap\s*[-–—]?\s*tu\s+do\s*[-–—]?\s*hanh\s+phuc"),
    re.compile(r"dang\s+cong\s+san\s+viet\s+nam"),
]
_PLACE_DATE = re.compile(r"[^,|]{0,40},\s*ngay\b.{0,40}?\d{4}")  # folded "Hà Nội, ngày 5 tháng 3 năm 2023"
_HEADER_END = re.compile(
    r"^(căn cứ|theo đề nghị|xét đề nghị|thực hiện|kính gửi|điều\s+\d|chương\s+[ivxlc\d]+\b|phần thứ|nơi nhận)", re.I
)
# Who enacts, on the line between a decision's subject and its "Căn cứ ..." preamble.
_AUTHORITY = re.compile(
    r"^(thu tuong|bo truong|chu tich|uy ban|hoi dong|chinh phu|quoc hoi|thong doc|tong kiem toan|chanh an|"
    r"vien truong|ban chap hanh|bo chinh tri|ban bi thu|giam doc|tong giam doc)\b"
)
_MENTION = re.compile(
    r"\b(?P<type>" + "|".join(re.escape(t) for t in DOC_TYPES) + r")\s+(?:số\s*:?\s*)?(?P<num>" + _NUMBER + ")",
    re.I,
)
_NUMBERED = re.compile(r"^([IVXLC]+|\d{1,2}|[a-zđ])[.)]\s")  # "I. TÌNH HÌNH", "1. Mục tiêu", "a) ..."
_ADOPTED = re.compile(r"\bthông qua (?=ngày)", re.I)
_HEADER_LINES = 25  # a header block is never longer

FRONT_MATTER_KEYS = ("title", "publisher", "url", "date", "doc_type", "doc_number", "issuer", "issued_date")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


@dataclass
class ArticleMeta(DocumentMetadata):
    """What a file says about itself. The document metadata (DocumentMetadata: dates, and for legal documents the
    type "Nghị định", number "13/2023/NĐ-CP" and issuer as the header writes it, "UBND TỈNH THANH HÓA") plus:"""

    title: str
    body: str  # cleaned text, title first, paragraphs separated by blank lines
    publisher: str | None = None
    url: str | None = None
    mentions: list[str] = field(default_factory=list)  # legal documents cited: "Nghị quyết 58/NQ-TW"


@dataclass
class _LegalHeader:
    doc_type: str | None
    doc_number: str | None
    issuer: str | None
    issued_date: str | None
    subject: str  # one line per subject line of the header
    body_start: int  # index of the first line after the header and subject


def parse_date(text: str) -> str | None:
    """The first valid date written in text ("ngày 5 tháng 3 năm 2023", "23/9/2021", "2023-03-05") as ISO."""
    return _find_date(text)[0]


def _find_date(text: str) -> tuple[str | None, tuple[int, int]]:
    found: list[tuple[int, int, str]] = []
    for pattern in _DATES:
        for m in pattern.finditer(text):
            try:
                day = dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            except ValueError:
                continue
            found.append((m.start(), m.end(), day.isoformat()))
            break
    if not found:
        return None, (0, 0)
    start, end, iso = min(found)
    return iso, (start, end)


def _date_line(line: str) -> str | None:
    """The date of a line that does nothing but date the article, or None."""
    if len(line) > 80:
        return None
    iso, (start, end) = _find_date(line)
    if iso is None:
        return None
    rest = _DATE_LINE_WORDS.sub(" ", line[:start] + " " + line[end:])
    words = re.findall(r"[^\W\d_]+", rest)
    # "Hà Nội, ngày 5 tháng 3 năm 2023": a place name, capitalised, before a comma.
    is_place = "," in line[:start] and 0 < len(words) <= 4 and all(w[0].isupper() for w in words)
    return iso if not words or is_place else None


# --- front matter ------------------------------------------------------------------------------------------

def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML front matter ("---" lines around "key: value" lines at the very top) and the text after it.

    Only the keys in FRONT_MATTER_KEYS are kept; dates become ISO strings. Anything that is not a YAML mapping
    is not front matter, and the text is returned whole.
    """
    m = _FRONT_MATTER.match(text[:65536])
    if m is None:
        return {}, text
    try:
        data = yaml.safe_load(m.group("yaml"))
    except yaml.YAMLError:
        return {}, text
    if not isinstance(data, dict):
        return {}, text
    fields: dict[str, str] = {}
    for key, value in data.items():
        key = str(key).strip().lower()
        if key not in FRONT_MATTER_KEYS or value is None or isinstance(value, (dict, list)):
            continue
        if key in ("date", "issued_date"):
            iso = value.isoformat()[:10] if isinstance(value, (dt.date, dt.datetime)) else parse_date(str(value))
            if iso:
                fields[key] = iso
        elif str(value).strip():
            fields[key] = str(value).strip()
    return fields, text[m.end():]


# --- legal header ------------------------------------------------------------------------------------------

def _spans_removed(line: str, folded: str, patterns: list[re.Pattern]) -> tuple[str, str]:
    """line and its folded twin with every match of patterns (found in folded) blanked out."""
    for pattern in patterns:
        for m in reversed(list(pattern.finditer(folded))):
            a, b = m.span()
            line, folded = line[:a] + " " * (b - a) + line[b:], folded[:a] + " " * (b - a) + folded[b:]
    return line, folded


def _issuer_part(line: str) -> str | None:
    """What is left of a header line once the motto, number, place/date and rules are taken out, if it is an
    issuing body written in capitals ("CHÍNH PHỦ", "ỦY BAN NHÂN DÂN", "TỈNH THANH HÓA")."""
    folded = fold(line)
    if len(folded) != len(line):  # folding changed the length: spans would not line up
        return None
    number = re.compile(r"(?:(?:luat|phap lenh|lenh)\s+)?\bso\s*[:.]?\s*" + _NUMBER)
    line, _ = _spans_removed(line, folded, [*_MOTTOS, _PLACE_DATE, number])
    part = re.sub(r"[-–—_=*~•.]{2,}|(?<!\S)\*(?!\S)", " ", line)
    part = re.sub(r"\s+", " ", part).strip(" |:")
    letters = re.findall(r"[^\W\d_]", part)
    if not letters or part != part.upper() or len(part.split()) > 10:
        return None
    return part


def _type_line(line: str) -> tuple[str, str] | None:
    """(type, rest) when line is a document-type heading in capitals: "NGHỊ ĐỊNH", "LUẬT ĐẤT ĐAI"."""
    line = line.strip().rstrip(":").strip()
    if line != line.upper() or not re.search(r"[^\W\d_]", line):
        return None
    folded = fold(line)
    m = _TYPE_LINE.match(folded)
    if m is None or len(folded) != len(line):
        return None
    rest = line[m.start("rest"):].strip() if m.group("rest") else ""
    return _TYPE_BY_FOLD[m.group("type")], rest


def _subject(lines: list[str], start: int) -> tuple[str, int]:
    """The subject lines after the type heading ("BẢO VỆ DỮ LIỆU CÁ NHÂN", "Về việc phê duyệt ..."); they stop
    at the preamble or at the enacting authority ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH ...")."""
    parts: list[str] = []
    i = start
    while i < len(lines) and len(parts) < 3:
        line = lines[i]
        folded = fold(line)
        if _HEADER_END.match(line) or _AUTHORITY.match(folded) or _NUMBERED.match(line) or len(line) > 300:
            break
        parts.append(line)
        i += 1
    return "\n".join(parts), i


def _number_in(line: str) -> tuple[str, str | None] | None:
    """(number, "luat"/"lenh"/... or None) of a "Số: 13/2023/NĐ-CP" header line, or None.

    "Số" must open the line or table cell, or follow only capitals ("CHÍNH PHỦ ---- Số: ..."): in a sentence
    ("theo Quyết định số 749/QĐ-TTg") it is a citation, not this document's number.
    """
    folded = fold(line)
    if len(folded) != len(line) or len(line.split()) > 40:
        return None
    for m in _NUMBER_LINE.finditer(folded):
        number = line[m.start("num"):m.end("num")].rstrip(".-/").replace(" ", "")
        prefix = line[:m.start()].rsplit("|", 1)[-1]
        if re.search(r"[A-Za-zĐđ]", number) and prefix == prefix.upper():
            return number, m.group("kind")
    return None


def _type_number_line(line: str, above: list[str]) -> tuple[str, str, str | None, str] | None:
    """(type, number, date, subject) of a line that names the document itself, "Nghị quyết số 12/NQ-HĐND ngày
    10 tháng 7 năm 2024 về ...", when an issuing body in capitals (or the national motto) stands above it; a
    news article that opens with such a sentence has neither."""
    folded = fold(line)
    m = _TYPE_NUMBER_LINE.match(folded)
    # "Luật số: 57/2020/QH14" is a number line above the "LUẬT" heading (see _NUMBER_LINE), not such a line.
    if m is None or m.group("type") in ("luat", "phap lenh", "lenh") or len(folded) != len(line) or len(line.split()) > 60:
        return None
    if not any(_ISSUER_START.match(fold(a)) and _issuer_part(a) or any(p.search(fold(a)) for p in _MOTTOS)
               for a in above):
        return None
    number = line[m.start("num"):m.end("num")].rstrip(".-/").replace(" ", "")
    rest = line[m.start("rest"):].strip(" ,;:-–")
    iso, (start, end) = _find_date(rest)
    if iso and start <= 6:  # "ngày 10 tháng 7 năm 2024 ...": the date opens the rest
        rest = rest[end:].strip(" ,;:-–")
    elif not iso:
        iso = None
    return _TYPE_BY_FOLD[m.group("type")], number, iso, rest


def _legal_header(lines: list[str]) -> _LegalHeader | None:
    """The header of a state or Party document, or None when lines do not start with one.

    A header has at least two of: the national (or Party) motto, a "Số: ..." number line, a type heading in
    capitals. A news article that cites "Nghị quyết số 58/NQ-TW" in a sentence has none of them.
    """
    motto = False
    number = kind = None
    type_at = None
    doc_type = rest = None
    last_header_line = -1  # without a type heading, the header ends after its last motto/number/date line
    for i, line in enumerate(lines[:_HEADER_LINES]):
        if _HEADER_END.match(line):
            break
        named = _type_number_line(line, lines[:i]) if i < _TYPE_NUMBER_LINES and number is None else None
        if named:
            doc_type, number, issued_here, rest = named
            more, body_start = _subject(lines, i + 1)
            zone = lines[:i]
            issuer = " ".join(p for p in map(_issuer_part, zone) if p) or None
            issued = issued_here or next((d for d in map(parse_date, zone) if d), None)
            return _LegalHeader(doc_type, number, issuer, issued, "\n".join(s for s in (rest, more) if s), body_start)
        found = _type_line(line)
        if found:
            (doc_type, rest), type_at = found, i
            break
        folded = fold(line)
        if any(p.search(folded) for p in _MOTTOS):
            motto, last_header_line = True, i
        found_number = _number_in(line) if number is None else None
        if found_number:
            (number, kind), last_header_line = found_number, i
        if _issuer_part(line) or folded.startswith("v/v") or len(line.split()) <= 12 and parse_date(line):
            last_header_line = i
    if motto + (number is not None) + (type_at is not None) < 2:
        return None

    end = type_at if type_at is not None else last_header_line + 1
    zone = lines[:end]
    issuer_parts = [p for p in (_issuer_part(line) for line in zone) if p]
    issued = next((d for d in (parse_date(line) for line in zone) if d), None)
    if issued is None:  # a law is dated where it ends: "... kỳ họp thứ 9 thông qua ngày 17 tháng 6 năm 2020."
        adopted = next((m for m in map(_ADOPTED.search, reversed(lines)) if m), None)
        issued = parse_date(adopted.string[adopted.end():]) if adopted else None
    if doc_type is None:
        if kind:
            doc_type = _TYPE_BY_FOLD[kind]
        elif number:
            doc_type = _type_from_number(number, zone)
    if type_at is not None:
        more, body_start = _subject(lines, type_at + 1)
        subject = "\n".join(s for s in (rest, more) if s)
    else:  # no heading: a "V/v ..." (về việc) line in the header is the subject
        body_start = end
        vv = next((line for line in zone if fold(line).startswith("v/v")), None)
        subject = re.sub(r"^V/v\s*:?\s*", "", vv, flags=re.I) if vv else ""
    return _LegalHeader(doc_type, number, " ".join(issuer_parts) or None, issued, subject, body_start)


# Codes in a document number that give its type when the header has no type heading.
_NUMBER_CODES = {"NĐ": "Nghị định", "NQ": "Nghị quyết", "QĐ": "Quyết định", "TT": "Thông tư", "CT": "Chỉ thị",
                 "KH": "Kế hoạch", "TB": "Thông báo", "HD": "Hướng dẫn", "BC": "Báo cáo", "TTr": "Tờ trình",
                 "CĐ": "Công điện", "KL": "Kết luận", "TTLT": "Thông tư liên tịch", "NQLT": "Nghị quyết liên tịch"}


def _type_from_number(number: str, zone: list[str]) -> str | None:
    for code in re.split(r"[/-]", number):
        if code in _NUMBER_CODES:
            return _NUMBER_CODES[code]
    # An official letter has no type code in its number, but a "V/v" (về việc) subject line.
    return "Công văn" if any(fold(line).startswith("v/v") for line in zone) else None


def _legal_title(header: _LegalHeader) -> str:
    """"Nghị định 13/2023/NĐ-CP bảo vệ dữ liệu cá nhân": type, number and subject, as the document is cited."""
    parts = []
    for part in header.subject.split("\n") if header.subject else []:
        parts.append(part.lower() if part == part.upper() else part[0].lower() + part[1:])
    return " ".join(p for p in (header.doc_type, header.doc_number, *parts) if p)


def _mentions(text: str, own_number: str | None) -> list[str]:
    found: list[str] = []
    for m in _MENTION.finditer(text):
        number = m.group("num").rstrip(".-/")
        if not re.search(r"[A-Za-zĐđ]", number) or number == own_number:
            continue
        name = f"{m.group('type')[0].upper()}{m.group('type')[1:].lower()} {number}"
        if name not in found:
            found.append(name)
    return found


# --- articles ----------------------------------------------------------------------------------------------

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


def _same_line(a: str, b: str) -> bool:
    return fold(a.lstrip("# ")).split() == fold(b.lstrip("# ")).split()


def extract_article(text: str, hints: Mapping[str, str] | None = None) -> ArticleMeta:
    """Split normalized raw text into title, body and metadata.

    Precedence, field by field: YAML front matter, then what the text itself shows (a legal header, a credit
    line, a date line), then the reader's hints (an HTML page's headline, canonical URL, date, site name).
    """
    hints = hints or {}
    front, text = split_front_matter(text)
    paragraphs = [p.strip() for p in text.split("\n") if p.strip() and not _RULE.match(p.strip())]
    legal = _legal_header(paragraphs)
    if legal is not None:
        paragraphs = paragraphs[legal.body_start:]

    url = publisher = credit = published = None
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
        # A line that only dates the article ("Thứ Năm, 23/09/2021 14:30") sits at its top or bottom.
        date = _date_line(line) if legal is None and (i < 6 or i >= len(paragraphs) - 4) else None
        if date:
            published = published or date
            continue
        kept.append(line)
    if legal is None:
        kept = _drop_top_navigation(kept)

    if url is None:
        m = _BARE_URL.search(text)
        url = m.group(0).rstrip(".,;") if m else None
    # Publisher: "Theo baothanhhoa.vn", then a dateline "(Dân Sinh) - ...", then the page's own site name,
    # then the source URL's host, then whatever the credit said.
    if credit and _DOMAIN.match(credit):
        publisher = credit.lower()
    if publisher is None:
        for line in kept[:4]:
            m = _DATELINE.match(line)
            if m:
                publisher = m.group("who").strip()
                break
    publisher = publisher or hints.get("publisher")
    url = url or hints.get("url")
    if publisher is None and url:
        publisher = _publisher_from_url(url)
    publisher = publisher or credit

    # Title: the front matter's, a legal document's own name, an HTML page's headline, else the first line.
    title = front.get("title") or (_legal_title(legal) if legal else None) or hints.get("title")
    if not kept:  # nothing but furniture: no document
        title = ""
    elif title:
        if _same_line(kept[0], title):
            kept = kept[1:]
        kept = [title, *kept]
    else:
        title = kept[0]

    meta = ArticleMeta(
        title=title.strip(),
        body="\n\n".join(kept),
        publisher=front.get("publisher") or publisher,
        url=front.get("url") or url,
        published_date=front.get("date") or published or parse_date(hints.get("date", "")),
        doc_type=front.get("doc_type") or (legal.doc_type if legal else None),
        doc_number=front.get("doc_number") or (legal.doc_number if legal else None),
        issuer=front.get("issuer") or (legal.issuer if legal else None),
        issued_date=front.get("issued_date") or (legal.issued_date if legal else None),
    )
    meta.mentions = _mentions(text, meta.doc_number)
    return meta
