"""Numbers, quantities and dates as Vietnamese writes them: in digits ("14.037", "98,7%", "23-9-2021", "12/63")
and in words ("mười hai", "hai mươi lăm", "tháng ba", "quý II", "đầu năm nay", "kể từ ngày ký").

The answerer uses these spans to tell whether a sentence holds the kind of fact a question asks for, and to cut
the short answer out of it. Every function returns (start, end, kind) offsets into the text it was given.
"""
from __future__ import annotations

import re
from functools import lru_cache

from retriever.text.normalize import fold

DIGITS = {
    "không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "nhăm": 5,
    "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9,
}
_SCALES = {"trăm": 100, "nghìn": 1000, "ngàn": 1000, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9}
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# "thứ nhất", "thứ nhì" and "thứ tư" are the ordinals that differ from the numbers.
ORDINAL_WORDS = {"nhất": 1, "nhì": 2, "tư": 4}

_NUMBER_WORD = "|".join(sorted({*DIGITS, *_SCALES, "mười", "mươi", "linh", "lẻ", "rưỡi"}, key=len, reverse=True))
# A run of number words; "năm" alone is usually "year", so a run must not be that word alone (see number_spans).
NUMBER_WORDS = re.compile(rf"(?<!\w)(?:{_NUMBER_WORD})(?:\s+(?:{_NUMBER_WORD}))*(?!\w)", re.IGNORECASE)
# 1.525.644 · 98,7 · 12/63 · 2021-2025 · 03
DIGIT_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")


def words_to_number(words: str) -> int | None:
    """The value of a run of Vietnamese number words: "mười hai" → 12, "hai mươi lăm" → 25, "một trăm linh
    năm" → 105, "ba nghìn" → 3000; None when the words do not make a number."""
    total, group, current = 0, 0, None
    tokens = words.lower().split()
    if not tokens:
        return None
    for i, token in enumerate(tokens):
        if token in ("linh", "lẻ"):
            continue
        if token == "mười":
            current = 10 + (0 if current is None else current)
        elif token == "mươi":
            if current is None:
                return None
            current *= 10
        elif token in DIGITS:
            digit = DIGITS[token]
            if token in ("mốt", "lăm", "nhăm") and i == 0:
                return None  # these forms only follow a tens word
            if current is not None and current % 10:
                return None  # "ba năm" is three years, not a number: a digit follows only a tens or a scale
            current = digit if current is None else current + digit
        elif token in _SCALES:
            scale = _SCALES[token]
            value = (group + (current or 0)) or 1
            if scale >= 1000:
                total += value * scale
                group = 0
            else:
                group = value * scale
            current = None
        elif token == "rưỡi":
            continue
        else:
            return None
    return total + group + (current or 0)


def roman_to_number(text: str) -> int | None:
    if not text or any(c not in _ROMAN for c in text):
        return None
    values = [_ROMAN[c] for c in text]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return total if total > 0 else None


def ordinal_value(word: str) -> int | None:
    """"sáu" → 6, "nhất" → 1, "tư" → 4, "6" → 6, "VI" → 6: the n of "thứ n"."""
    word = word.strip()
    if word.isdigit():
        return int(word)
    if word.lower() in ORDINAL_WORDS:
        return ORDINAL_WORDS[word.lower()]
    return words_to_number(word) if word.lower() in DIGITS or " " in word else roman_to_number(word)


# -- quantities ---------------------------------------------------------------------------------------------------
# What may stand before a figure and changes what it says ("trên 14.000 tỉ đồng", "gần 7 triệu").
QUALIFIERS = (
    "tối đa|tối thiểu|ít nhất|nhiều nhất|không quá|không dưới|không ít hơn|chưa đến|chưa tới|lên đến|lên tới|"
    "xấp xỉ|khoảng|trên|dưới|gần|hơn|từ|đến|tới"
)
_QUALIFIER = re.compile(rf"(?:(?<=\s)|^)(?:{QUALIFIERS})\s+$", re.IGNORECASE)
_CURRENCY = r"(?:tỷ|tỉ|triệu|nghìn|ngàn)?\s*(?:đồng|VNĐ|VND|USD|đô la|euro)"
_MULTIPLIER = r"(?:nghìn tỷ|nghìn tỉ|tỷ|tỉ|triệu|nghìn|ngàn|trăm)"
# "15 ngày làm việc" is not "15 ngày": the longer unit first.
_DURATION_UNIT = r"(?:ngày làm việc|năm học|học kỳ chính|năm|tháng|tuần|ngày|giờ|phút|giây|học kỳ|học kì|kỳ|tiết)"


def _number_runs(text: str) -> list[tuple[int, int]]:
    """Digits and runs of number words ("14.037", "hai mươi", "mười hai"), in text order. A run of scale words
    alone ("triệu", "tỷ") is no number; "7 triệu" is one figure (quantity_spans joins the multiplier)."""
    spans = [(m.start(), m.end()) for m in DIGIT_NUMBER.finditer(text)]
    for m in NUMBER_WORDS.finditer(text):
        words = list(re.finditer(r"\S+", m.group(0)))
        i = 0
        while i < len(words):
            # The longest run from here that makes a number ("ba năm": "ba", then "năm").
            for j in range(len(words), i, -1):
                run = m.group(0)[words[i].start() : words[j - 1].end()]
                if words_to_number(run) is not None and not set(run.lower().split()) <= {"linh", "lẻ", "rưỡi", *_SCALES}:
                    spans.append((m.start() + words[i].start(), m.start() + words[j - 1].end()))
                    i = j
                    break
            else:
                i += 1
    return sorted(spans)


_UNIT_AFTER = {
    "percent": re.compile(r"\s*(?:%|phần trăm)", re.IGNORECASE),
    "money": re.compile(rf"\s*{_CURRENCY}(?!\w)", re.IGNORECASE),
    "duration": re.compile(rf"\s*{_DURATION_UNIT}(?!\w)", re.IGNORECASE),
}
_MULTIPLIER_AFTER = re.compile(rf"\s*{_MULTIPLIER}(?!\w)", re.IGNORECASE)
_RANK_BEFORE = re.compile(r"(?:thứ|hạng|top)\s+$", re.IGNORECASE)
_RATIO_AFTER = re.compile(r"/\d+")
_TRAILER = re.compile(r"\s+(?:trở lên|trở xuống|trở lại)(?!\w)", re.IGNORECASE)
_AMBIGUOUS_ALONE = {"năm", "tư", "ba", "không", "một"}


# The number of a legal document is an identifier: "1234/QĐ-UBND", "58/NQ-TW", "13/2023/NĐ-CP" (the year inside
# the code too). Its digits are followed, or preceded, by a slash and capital letters of the issuing body's code.
_DOCUMENT_CODE = re.compile(r"(?:/\d{4})?/[A-ZĐ]{2,}")
_DOCUMENT_CODE_TAIL = re.compile(r"\d+/$")


def quantity_spans(text: str) -> list[tuple[int, int, str]]:
    """Every figure of text with what qualifies it, as (start, end, kind): kind "percent" ("98,7%", "56
    phần trăm"), "money" ("14.000 tỉ đồng"), "duration" ("03 năm", "hai tuần"), "rank" ("thứ 12/63", "thứ 6"),
    "count" (any other number, multipliers such as "7 triệu" included). Dates are not quantities: the caller
    removes the spans date_spans finds."""
    out: list[tuple[int, int, str]] = []
    for start, end in _number_runs(text):
        if out and start < out[-1][1]:
            continue  # inside the figure before ("7 triệu", "12/63")
        if _DOCUMENT_CODE.match(text, end) or _DOCUMENT_CODE_TAIL.search(text[max(0, start - 12) : start]):
            continue  # a number inside a document's code ("1234/QĐ-UBND", "13/2023/NĐ-CP") counts nothing
        word_run = not text[start].isdigit()
        if word_run and text[start:end].lower() in _AMBIGUOUS_ALONE:
            if not _UNIT_AFTER["duration"].match(text, end) and not _UNIT_AFTER["money"].match(text, end):
                continue
        m = _MULTIPLIER_AFTER.match(text, end)
        if m and not word_run:
            end = m.end()
        kind = "count"
        for name, pattern in _UNIT_AFTER.items():
            m = pattern.match(text, end)
            if m:
                kind, end = name, m.end()
                break
        before = text[max(0, start - 12) : start]
        rank = _RANK_BEFORE.search(before)
        ratio = _RATIO_AFTER.match(text, end) if kind == "count" and not word_run else None
        if rank and kind == "count":
            kind, start = "rank", start - (len(before) - rank.start())
        if ratio:
            kind, end = "rank", ratio.end()  # "đạt 23/63": a place among 63
        qualifier = _QUALIFIER.search(text[max(0, start - 20) : start])
        if qualifier:
            start -= len(text[max(0, start - 20) : start]) - qualifier.start()
        trailer = _TRAILER.match(text, end)
        if trailer:
            end = trailer.end()
        out.append((start, end, kind))
    return out


# -- dates --------------------------------------------------------------------------------------------------------
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_MONTH = r"(?:1[0-2]|0?[1-9])"
# "23/9", "23-9-2021", "4.5.2021", "ngày 4.5"; a bare "4.5" is a decimal ("IELTS 4.5"), not the fourth of May.
_DAY_MONTH = (
    rf"(?:{_DAY}\s*[-/]\s*{_MONTH}(?:\s*[-/.]\s*(?:19|20)?\d{{2}})?"
    rf"|{_DAY}\.{_MONTH}\.(?:19|20)?\d{{2}}|(?<=ngày ){_DAY}\.{_MONTH})"
)
_MONTH_NAME = (
    r"(?:giêng|chạp|mười một|mười hai|một|hai|ba|bốn|tư|năm|sáu|bảy|tám|chín|mười|"
    r"1[0-2]|0?[1-9])"
)
_YEAR_NUM = r"(?:19|20)\d{2}"
_RELATIVE_YEAR = r"(?:nay|ngoái|trước|sau|tới|qua|này|đó|ấy)"
_PART = r"(?:đầu|giữa|cuối|trong|hết|suốt)"
_DATE_PATTERNS = [
    # "ngày 23-9-2021", "23/9/2021", "ngày 1 tháng 7 năm 2021", "ngày 30 tháng 6"
    rf"(?:ngày\s+)?{_DAY_MONTH}(?!\d)(?![.,/]\d)",
    rf"(?:ngày\s+)?(?:3[01]|[12]\d|0?[1-9])\s+tháng\s+{_MONTH_NAME}(?:\s+năm\s+{_YEAR_NUM})?(?!\w)",
    # "tháng 8/2002", "tháng ba", "tháng Mười hai năm 2021", "đầu tháng 3", "cuối tháng này"
    rf"(?:{_PART}\s+)?tháng\s+(?:{_MONTH_NAME}(?:\s*[/-]\s*{_YEAR_NUM}|\s+năm\s+{_YEAR_NUM}|\s+năm\s+{_RELATIVE_YEAR})?"
    rf"|{_RELATIVE_YEAR})(?!\w)",
    r"(?<![\d.,/])(?:1[0-2]|0?[1-9])/(?:19|20)\d{2}(?!\d)",
    # "quý II/2022", "quý 3 năm nay", "6 tháng đầu năm"
    rf"quý\s+(?:[IV]{{1,3}}|[1-4]|một|hai|ba|bốn|I|II|III|IV)(?:\s*[/-]\s*{_YEAR_NUM}|\s+năm\s+(?:{_YEAR_NUM}|{_RELATIVE_YEAR}))?(?!\w)",
    rf"(?:\d+|sáu|chín|ba)\s+tháng\s+(?:đầu|cuối)\s+năm(?:\s+(?:{_YEAR_NUM}|{_RELATIVE_YEAR}))?(?!\w)",
    # "năm 2021", "2020-2025", "giai đoạn 2021-2025", "đầu năm nay", "cuối năm 2022", "năm ngoái"
    rf"(?:{_PART}\s+)?năm\s+(?:{_YEAR_NUM}(?:\s*[-–]\s*{_YEAR_NUM})?|{_RELATIVE_YEAR})(?!\w)",
    rf"(?:từ\s+(?:năm\s+)?{_YEAR_NUM}\s+(?:đến|tới)\s+(?:năm\s+)?{_YEAR_NUM})",
    rf"(?<![\d/.,-]){_YEAR_NUM}(?:\s*[-–]\s*{_YEAR_NUM})?(?![\d/])",
    # Days and parts of a day or week said in words.
    r"(?:hôm nay|hôm qua|ngày mai|ngày kia|sáng nay|chiều nay|tối nay|đêm qua|tuần trước|tuần này|tuần sau|tuần tới"
    r"|tháng trước|tháng này|tháng sau|tháng tới|dịp tết|tết nguyên đán|mùa xuân|mùa hè|mùa thu|mùa đông"
    r"|học kỳ (?:hè|chính|một|hai|I|II|1|2))(?!\w)",
    # Parts of a school year or a term of office: "cuối học kỳ đó", "tuần đầu tiên của học kỳ", "đầu mỗi năm học".
    r"(?:(?:đầu|giữa|cuối)\s+(?:mỗi\s+|các\s+|từng\s+)?|tuần\s+(?:đầu|cuối)(?:\s+tiên|\s+cùng)?(?:\s+của)?\s+(?:mỗi\s+)?)"
    r"(?:học kỳ|học kì|năm học|khóa học|nhiệm kỳ|kỳ họp)(?:\s+(?:hè|chính|đó|này|tiếp theo|\d|I{1,3}|một|hai))?(?!\w)",
    # When a legal text takes effect: "kể từ ngày ký", "từ ngày ban hành", "kể từ ngày 01/7/2021".
    r"(?:kể\s+)?từ\s+ngày\s+(?:ký|ban hành|công bố|thông qua|có hiệu lực|được ký)(?:\s+ban hành)?(?!\w)",
    r"(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ nhật)(?=\s*(?:,|tuần|ngày|\d))",
]
_DATE = re.compile("|".join(f"(?:{p})" for p in _DATE_PATTERNS), re.IGNORECASE)
_DATE_FOLDED = re.compile(fold(_DATE.pattern), re.IGNORECASE)


@lru_cache(maxsize=1 << 14)
def date_spans(text: str, folded: bool = False) -> tuple[tuple[int, int], ...]:
    """(start, end) of every date or time expression, the longest at each place: "ngày 23-9-2021", "tháng 8/2002",
    "tháng ba", "đầu năm nay", "quý II/2022", "2020-2025", "kể từ ngày ký". `folded`: text without diacritics."""
    pattern = _DATE_FOLDED if folded else _DATE
    spans: list[tuple[int, int]] = []
    for m in pattern.finditer(text):
        if m.end() > m.start() and text[m.start() : m.end()].strip():
            spans.append((m.start(), m.end()))
    return tuple(spans)


def figures(text: str) -> list[tuple[int, int, str]]:
    """quantity_spans without the figures inside dates: "năm 2021" and "23-9-2021" are not counts."""
    dates = date_spans(text)
    return [(a, b, k) for a, b, k in quantity_spans(text) if not any(_inside(a, b, k, s, e) for s, e in dates)]


def _inside(a: int, b: int, kind: str, start: int, end: int) -> bool:
    """Whether the figure text[a:b] is part of the date text[start:end]. A duration whose unit alone reads as a
    date ("một học kỳ chính", "học kỳ chính" being a period) is a figure still."""
    if kind == "duration" and a < start:
        return False
    return start <= a < end or start < b <= end
