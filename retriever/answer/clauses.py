"""Clauses of a sentence: where a long sentence can be cut so that the answer leads with the clause that answers.

A sentence is cut at ";", ":" and ", " (never inside a number, brackets or quotes) into pieces. The answer is a
window of consecutive pieces: the piece that holds the answer, widened to the left while it still needs its
subject ("…, tổ chức đăng ký sử dụng hóa đơn điện tử đạt 97%" needs "14.037 doanh nghiệp") and, for a list, to the
right over the items of the enumeration. Enumerations also give the n-th item of a list ("giải pháp thứ sáu").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from retriever.text.sentences import tagged_spans

# A sentence at most this long is quoted whole: cutting it saves little and loses context.
SHORT_SENTENCE = 140


@dataclass(frozen=True)
class Piece:
    start: int  # offsets in the passage text
    end: int
    separator: str  # the punctuation before it: "" for the first piece, ",", ";" or ":"


def clause_pieces(text: str, start: int, end: int) -> tuple[list[Piece], list[bool], list[bool]]:
    """The clauses of the sentence text[start:end] (split_pieces); for each whether it opens with its predicate
    or a connective ("đạt 97%", "giúp cho …", "và phụ huynh") and so reads only with the one before, and whether
    it has a verb.

    A piece after a comma that has no verb is not a clause but the rest of a list of nouns or an apposition
    ("63 tỉnh, thành phố cả nước", "doanh nghiệp, tổ chức"): it stays with the piece before it. Parts of speech
    are underthesea's, tagged once over the whole sentence.
    """
    pieces = split_pieces(text, start, end)
    if len(pieces) <= 1:
        return pieces, [False] * len(pieces), [True] * len(pieces)
    # A figure is never a verb, whatever the tagger says of "1.250".
    tags = [
        (start + a, start + b, "M" if any(c.isdigit() for c in text[start + a : start + b]) else tag)
        for a, b, tag in tagged_spans(text[start:end])
    ]

    def words(p: Piece) -> list[tuple[int, int, str]]:
        return [t for t in tags if p.start <= t[0] < p.end]

    merged: list[Piece] = []
    leading: Piece | None = None  # a phrase that opens the clause after it ("ngày 23-9-2021, UBND tỉnh …")
    for i, p in enumerate(pieces):
        opens_segment = leading is None and p.separator in ("", ";", ":")
        if leading is not None:
            p = Piece(leading.start, p.end, leading.separator)
            leading = None
        verbless = not any(tag == "V" for _, _, tag in words(p))
        followed = i + 1 < len(pieces) and pieces[i + 1].separator == ","
        # A verbless phrase that opens a clause or a segment is what the clause after it speaks of: a time or a
        # place ("ngày 23-9-2021, UBND tỉnh …"), or its subject ("1.250 doanh nghiệp, hợp tác xã đăng ký …").
        if verbless and followed and (opens_segment or _opens_clause(text, p, words(p))):
            leading = p
        elif merged and p.separator == "," and (
            verbless
            or _fixed_pair(text, merged[-1], p, words)
            or _list_tail(p, words, i == len(pieces) - 1)
            or _usual_pair(text, merged[-1], p)
        ):
            merged[-1] = Piece(merged[-1].start, p.end, merged[-1].separator)
        else:
            merged.append(p)
    if leading is not None:
        merged.append(leading)
    needs = []
    for p in merged:
        first = words(p)[:1]
        opener = text[first[0][0] : first[0][1]].lower() if first else ""
        needs.append(bool(first) and (opener in _CONTINUATIONS or first[0][2] in _PREDICATE_TAGS))
    return merged, needs, [any(tag == "V" for _, _, tag in words(p)) for p in merged]


def _fixed_pair(passage: str, before: Piece, after: Piece, words) -> bool:
    """Whether the comma between two pieces joins a pair of nouns the passage names together more than once
    ("văn bằng, chứng chỉ" three times in one article): a fixed phrase, however the words after it go on."""
    left, right = words(before)[-1:], words(after)[:1]
    if not left or not right or left[0][2] != "N" or right[0][2] != "N":
        return False
    first, second = (passage[a:b] for a, b, _ in (left[0], right[0]))
    return len(re.findall(re.escape(first) + r",\s+" + re.escape(second), passage, re.I)) > 1


# Pairs of nouns that laws and decisions write together, comma and all, as one phrase: "quyền, lợi ích hợp pháp",
# "bản án, quyết định của Tòa án". The comma between them joins; it never ends a clause.
_USUAL_PAIRS = (
    ("quyền", "lợi ích"), ("quyền", "nghĩa vụ"), ("lợi ích", "quyền"), ("cơ quan", "tổ chức"), ("tổ chức", "cá nhân"),
    ("cá nhân", "tổ chức"), ("cơ quan", "đơn vị"), ("bản án", "quyết định"), ("an toàn", "vệ sinh"),
    ("hồ sơ", "tài liệu"), ("thông tin", "tài liệu"), ("văn bằng", "chứng chỉ"), ("người", "pháp nhân"),
    ("cá nhân", "pháp nhân"), ("cán bộ", "công chức"), ("công chức", "viên chức"), ("tiền", "tài sản"),
    ("tài sản", "tiền"), ("danh dự", "nhân phẩm"), ("nhân phẩm", "danh dự"), ("tính mạng", "sức khỏe"),
    ("sức khỏe", "danh dự"), ("thiết bị", "phần mềm"), ("công cụ", "thiết bị"), ("chức năng", "nhiệm vụ"),
    ("nhiệm vụ", "quyền hạn"), ("chức vụ", "quyền hạn"), ("đánh giá", "xếp loại"),
)
_USUAL_PAIR = re.compile(
    "|".join(rf"(?<!\w){re.escape(a)},\s+{re.escape(b)}(?!\w)" for a, b in _USUAL_PAIRS), re.IGNORECASE
)


def _usual_pair(text: str, before: Piece, after: Piece) -> bool:
    """Whether the comma between two pieces is the comma of a pair of nouns written together ("quyền, lợi ích")."""
    near = _USUAL_PAIR.finditer(text, max(0, before.end - 20), after.start + 30)
    return any(m.start() < before.end < m.end() for m in near)


def _list_tail(piece: Piece, words, last: bool) -> bool:
    """The last items of a list of nouns, however the tagger reads them: "…, văn bằng 2 và liên thông." ends the
    sentence, opens with a noun and joins its few words with "và"."""
    ws = [w for w in words(piece) if w[2] != "CH"]
    return last and 2 <= len(ws) <= 6 and ws[0][2] == "N" and any(w[2] == "C" for w in ws[1:])


_OPENERS = re.compile(r"(?:ngày|năm|tháng|quý|từ|về|theo|trong|tại|đến|sau|trước|đối với|với|khi|nếu)\b", re.I)


def _opens_clause(text: str, piece: Piece, words: list[tuple[int, int, str]]) -> bool:
    """A verbless phrase of time, place or topic that the clause after it is about."""
    return bool(words) and (words[0][2] == "E" or _OPENERS.match(text, piece.start) is not None)


def split_pieces(text: str, start: int, end: int) -> list[Piece]:
    """The pieces of text[start:end] between ";", ":" and ", " outside brackets and quotes; a comma or colon
    between digits ("98,7", "10:30") is part of a number."""
    pieces: list[Piece] = []
    depth, quote = 0, False
    piece_start, separator = start, ""
    i = start
    while i < end:
        c = text[i]
        if c == '"':
            quote = not quote
        elif c in "([{“«":
            depth += 1
        elif c in ")]}”»":
            depth = max(0, depth - 1)
        elif c in ";:," and depth == 0 and not quote:
            between_digits = 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
            if (
                not between_digits
                and (c != "," or i + 1 >= end or text[i + 1].isspace())
                and not (c == "," and _inside_reference(text, i))
            ):
                _add(pieces, text, piece_start, i, separator)
                piece_start, separator = i + 1, c
        i += 1
    _add(pieces, text, piece_start, end, separator)
    return pieces


# "Khoản 1, Điều 22 của Quy chế này", "Quyết định số 813/QĐ-ĐHCNTT, ngày 16 tháng 11 năm 2017": one reference to
# a provision or a document, whose comma cuts nothing. Laws and regulations cite these in nearly every sentence.
PROVISION_WORDS = r"(?:điểm|khoản|điều|mục|chương|phần|phụ lục)"
_REFERENCE_BEFORE = re.compile(rf"(?:\b{PROVISION_WORDS}\s+[\w.]+|\bsố\s+\d+[\w/.\-]*(?:\s*-\s*[\w.\-]+)*)$", re.I)
_REFERENCE_AFTER = re.compile(rf",\s+(?:{PROVISION_WORDS}\s+\w|ngày\s+\d)", re.I)


def _inside_reference(text: str, comma: int) -> bool:
    before = _REFERENCE_BEFORE.search(text, max(0, comma - 60), comma)
    if before is None or not _REFERENCE_AFTER.match(text, comma):
        return False
    # "số 813/QĐ-…, ngày 16 …" is a document's date; "tại Điều 5, ngày …" is no reference to one.
    return not text[comma + 1 :].lstrip().lower().startswith("ngày") or before.group(0).lower().startswith("số")


def _add(pieces: list[Piece], text: str, start: int, end: int, separator: str) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        pieces.append(Piece(start, end, separator))


# Prepositions, conjunctions and adverbs open a piece that continues the one before. Verbs and adjectives are left
# to the word list below: the tagger takes nouns such as "tỷ lệ" for verbs often enough to cut a subject off.
_PREDICATE_TAGS = {"R", "E", "C", "Cc"}
# Words that open a piece continuing the one before it rather than a clause with its own subject.
_CONTINUATIONS = {"đạt", "chiếm", "là", "gồm", "bao gồm", "với", "giúp", "nhằm", "để", "tăng", "giảm", "đứng",
                  "gấp", "trong đó", "trong", "và", "hoặc", "nhưng", "còn", "từ", "đến", "theo", "cho", "của"}


def list_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The items of the last enumeration in text[start:end]: what follows its last ":" (or "gồm"), split at
    ";" when there is one, else at ","; [] when there is no enumeration of two items or more."""
    segment = text[start:end]
    head = None
    for m in re.finditer(r":|\b(?:bao gồm|gồm có|gồm|như)\b", segment):
        head = m
    if head is None:
        return []
    body_start = start + head.end()
    pieces = split_pieces(text, body_start, end)
    if any(p.separator == ";" for p in pieces):
        # "A, B; C": the items are split at ";" only; commas stay inside an item.
        items, current = [], None
        for p in pieces:
            if current is None or p.separator == ";":
                if current:
                    items.append(current)
                current = [p.start, p.end]
            else:
                current[1] = p.end
        items.append(current)
        spans = [(a, b) for a, b in items]
    else:
        # "A, B và C": the item joined by "và" is the last one; what follows it is no longer the list.
        spans = []
        for p in pieces:
            m = re.search(r"\s(?:và|hoặc)\s", text[p.start : p.end])
            if m and spans:
                spans += [(p.start, p.start + m.start()), (p.start + m.end(), p.end)]
                break
            spans.append((p.start, p.end))
    if spans:
        # "3 trụ cột là chính quyền số, …": the count announcing the items is not one of them.
        a, b = spans[0]
        m = re.match(r"[^,;:]{0,40}?\s(?:là|gồm)\s", text[a:b])
        if m:
            spans[0] = (a + m.end(), b)
    spans = [(a, strip_stop(text, a, b)) for a, b in spans]
    return spans if len(spans) >= 2 else []


def strip_stop(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in ". …":
        end -= 1
    return end


# An item of an enumeration written with commas is a few words, in syllables: "xóa bỏ", "chấm dứt việc sử dụng dữ liệu".
ITEM_WORDS = 8
_LAST_ITEM = re.compile(r"\s(?:và|hoặc)\s", re.IGNORECASE)
# A piece that opens with a purpose, a result or a contrast goes on with the clause; it is no item of a list
# (", giúp người dân giảm thời gian đi lại và chi phí").
_NOT_ITEM = re.compile(
    r"(?:giúp|nhằm|để|góp phần|tạo|khiến|làm cho|nên|vì|do|nhưng|mà|song|tuy|trong đó|trừ|ngoại trừ|kể cả|chủ yếu"
    r"|đồng thời|riêng|thì)(?!\w)",
    re.IGNORECASE,
)


def enumeration_end(text: str, pieces: list[Piece], first: int) -> int:
    """The index of the last piece of the enumeration pieces[first] opens ("thu hồi, xóa bỏ, chấm dứt việc sử
    dụng dữ liệu, bồi thường thiệt hại và áp dụng …"): the pieces after it, each after a comma and of at most
    ITEM_WORDS words and none opening with a purpose, a result or an exception, up to the one that joins the last
    item with "và" or "hoặc" or, for three items or more, the sentence's last piece; `first` when there is none or
    pieces[first] joins its last item itself."""
    words = list(re.finditer(r"\w+", text[pieces[first].start : pieces[first].end]))
    last_words = pieces[first].start + (words[-ITEM_WORDS].start() if len(words) > ITEM_WORDS else 0)
    if _LAST_ITEM.search(text, max(0, last_words - 1), pieces[first].end):
        return first  # "… do dùng rượu, bia hoặc chất kích thích khác, thì …": its last item is joined already
    for i in range(first + 1, len(pieces)):
        if pieces[i].separator != ",":
            break
        piece = text[pieces[i].start : pieces[i].end]
        if _NOT_ITEM.match(piece):
            break
        joined = _LAST_ITEM.search(piece)
        if len(re.findall(r"\w+", piece[: joined.start() if joined else None])) > ITEM_WORDS:
            break
        if joined or (i == len(pieces) - 1 and i - first >= 2):
            return i  # without "và", three items or more make a list: "…, tổ chức tập trung" may be a predicate
    return first


def choose_window(
    pieces: list[Piece], anchor: int, gains: list[float], rivals: list[bool], needs: list[bool], verbless: bool,
) -> tuple[int, int]:
    """Indexes (first, last) of the window of pieces to quote around `anchor`, the piece that answers.

    Widened to the left over a piece that brings question words the window lacks (gains > 0) or when the
    window's first piece needs its subject (needs), unless that piece holds a rival answer (a figure of the kind
    asked that is not the answer); at most two pieces. Widened to the right by one piece when the anchor has no
    verb (`verbless`: "14.037 doanh nghiệp" is said of in the piece after it).
    """
    first = last = anchor
    for _ in range(2):
        if first == 0 or pieces[first].separator != ",":
            break  # a ";" or ":" ends a clause or an item: what is before it is not this clause's subject
        previous = first - 1
        wanted = needs[first] or gains[previous] > 0
        if not wanted or (rivals[previous] and not needs[first]):
            break
        first = previous
    if verbless and last + 1 < len(pieces) and pieces[last + 1].separator == ",":
        last += 1
    return first, last


# The marker of a listed line: "a)", "đ)", "1.", "2)", "-", "+", "•". Its kind tells a list from the next level up
# ("2." after "a) … h)" is the next clause, not an item).
_LINE_ITEM = re.compile(r"[ \t]*(?:(?P<letter>[a-zđ]\))|(?P<number>\d{1,2}[.)])|(?P<dash>[-–•+]))[ \t]+")
# Items quoted after their lead-in, at most: an article's whole body can run to pages.
MAX_ITEMS, MAX_ITEMS_CHARS = 10, 900


def line_items(text: str, end: int) -> list[tuple[int, int]]:
    """The listed lines that follow text[:end] (the lead-in "… được tính như sau:" or an article's heading), as
    spans of their words without the marker and the closing ";" or ".": the lines one after the other with
    markers of one kind, up to the first line that is not one of them."""
    if text.find("\n", end) < 0 or text[end : text.find("\n", end)].strip():
        return []  # the lead-in does not end its line: what follows is no list of lines
    items: list[tuple[int, int]] = []
    # Lines marked as the lead-in's own line is ("1. … như sau:", then "2. …") are its siblings, not its items.
    own = _LINE_ITEM.match(text, text.rfind("\n", 0, end) + 1)
    sibling = own.lastgroup if own else None
    kind = None
    cursor = text.find("\n", end)
    while cursor >= 0 and len(items) < MAX_ITEMS:
        start = cursor + 1
        cursor = text.find("\n", start)
        stop = cursor if cursor >= 0 else len(text)
        if not text[start:stop].strip():
            continue
        m = _LINE_ITEM.match(text, start)
        if m is None or (kind is not None and m.lastgroup != kind) or m.lastgroup == sibling:
            break
        kind = m.lastgroup
        b = stop
        while b > m.end() and text[b - 1] in " \t;.,":
            b -= 1
        if items and b - items[0][0] > MAX_ITEMS_CHARS:
            break
        items.append((m.end(), b))
    return items


def line_words(text: str, start: int, end: int) -> tuple[int, int]:
    """text[start:end] without the marker of the listed line it opens ("b) ") and the ";" or "," that closes it:
    a line quoted by itself reads as line_items() quotes it under its lead-in."""
    if text[text.rfind("\n", 0, start) + 1 : start].strip() or not (m := _LINE_ITEM.match(text, start)):
        return start, end
    while end > m.end() and text[end - 1] in " \t;,":
        end -= 1
    return m.end(), end


def lead_in_of(text: str, start: int) -> tuple[int, int] | None:
    """The line that announces the listed line starting at `start` ("Người nào có một trong các hành vi sau đây,
    thì bị phạt tù từ 12 năm đến 20 năm:" above "c) Cung cấp …"), without its own marker, or None: the nearest
    line above that ends with ":" and whose items line_items() finds this one among."""
    line = text.rfind("\n", 0, start) + 1
    if _LINE_ITEM.match(text, line) is None:
        return None
    cursor = line
    while cursor > 0:
        end = cursor - 1
        while end > 0 and text[end - 1] == "\n":
            end -= 1
        cursor = text.rfind("\n", 0, end) + 1
        above = text[cursor:end].rstrip()
        if above.endswith(":"):
            if all(text.rfind("\n", 0, a) + 1 != line for a, _ in line_items(text, cursor + len(above))):
                return None  # the list it announces ends before this line
            own = _LINE_ITEM.match(text, cursor)
            return (own.end() if own else cursor), cursor + len(above)
        if _LINE_ITEM.match(text, cursor) is None:
            return None  # a line of prose between: no list reaches this far
    return None
