"""Example questions written from a document's content: a sentence that states a figure, a date or a person, asked
back with the question word in place of that fact ("Tỷ lệ ký số cơ quan đạt 99%" → "Tỷ lệ ký số cơ quan đạt bao
nhiêu?"). The engine asks each one before offering it (Engine.example_questions), so what a reader can click is a
question the corpus answers, with that document cited and its fact in the answer.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from retriever.answer.clauses import clause_pieces
from retriever.answer.question import person_names
from retriever.text.numbers import date_spans, figures
from retriever.text.sentences import sentence_spans

_WORD = re.compile(r"\w+")
# What makes a clause a poor question: it opens mid-thought, or it is too short to say what it is about.
_WEAK_OPENERS = re.compile(
    r"^(?:và|hoặc|nhưng|còn|trong đó|đồng thời|ngoài ra|tuy nhiên|do đó|vì vậy|giúp|nhằm|để|với|gấp|tăng|giảm)\b",
    re.IGNORECASE,
)
_APPOSITION = re.compile(r"^\s*,\s*([^,;.]{6,80})")
_OFFICES = re.compile(
    r"\b(?:Giám đốc|Phó Giám đốc|Chủ tịch|Phó Chủ tịch|Bộ trưởng|Thứ trưởng|Cục trưởng|Phó Cục trưởng|Vụ trưởng"
    r"|Bí thư|Phó Bí thư|Thủ tướng|Hiệu trưởng|Trưởng ban|Trưởng phòng)\b"
)
_QUESTION_WORD = {"percent": "bao nhiêu", "money": "bao nhiêu", "count": "bao nhiêu", "duration": "bao lâu"}
MIN_WORDS = 5


_UNIT_STOP = re.compile(r"^(?:theo|để|nhằm|và|với|trong|cho|của|tại|so|trên|từ|đến|đạt|được|là)$", re.IGNORECASE)
# Dates that say when something happened, rather than the period a noun phrase names ("năm 2020", "2021-2025").
_EVENT_DATE = re.compile(r"\b(?:ngày|tháng|quý|hôm|tuần|kể từ|từ ngày)\b|(?<!\d)\d{1,2}[-/.]\d{1,2}(?!\d)", re.IGNORECASE)
# The kinds of fact, best first: a name or a figure with its unit reads as a real question.
_PRIORITY = {"person": 0, "percent": 1, "money": 1, "rank": 2, "date": 3, "count": 4, "duration": 4}


@dataclass(frozen=True)
class Example:
    question: str
    fact: str  # the text the answer must hold
    kind: str = "count"

    @property
    def priority(self) -> tuple[int, int]:
        return _PRIORITY.get(self.kind, 5), len(self.question)


def _sentence_case(text: str) -> str:
    text = " ".join(text.split()).strip(" ,;:")
    return text[:1].upper() + text[1:] if text else text


def _asked(before: str, word: str, after: str = "") -> str:
    question = _sentence_case(f"{before.rstrip()} {word} {after.strip()}".strip())
    return question.rstrip(" .,;:") + "?"


# A question a reader would type holds no markup or code ("<b …>", "__xss=3").
_NOT_PROSE = re.compile(r"[<>{}\[\]=_|\\]")


def examples(text: str, title: str = "") -> Iterator[Example]:
    """Questions whose answer is a fact stated in `text`, clause by clause in reading order."""
    for example in _candidates(text, title):
        if not _NOT_PROSE.search(example.question) and example.question[:1].isalpha():
            yield example


def _candidates(text: str, title: str) -> Iterator[Example]:
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        if sentence.strip(" .") == title.strip(" .") or len(_WORD.findall(sentence)) < MIN_WORDS:
            continue
        pieces, needs, _ = clause_pieces(text, start, end)
        for piece, needs_subject in zip(pieces, needs):
            clause = text[piece.start : piece.end]
            if needs_subject or _WEAK_OPENERS.match(clause) or len(_WORD.findall(clause)) < MIN_WORDS:
                continue
            yield from _from_clause(clause)
        yield from _about_people(sentence)


def _unit(after: str) -> str:
    """The noun counted after a figure ("7 triệu lượt khách du lịch, …" → "lượt khách du lịch"), up to 4 words."""
    words = []
    for m in re.finditer(r"[^\W\d]+", after.split(",")[0].split(";")[0]):
        if _UNIT_STOP.match(m.group(0)) or len(words) == 4:
            break
        words.append(m.group(0))
    return " ".join(words)


_ASIDE = re.compile(r"\([^)]*\)|“[^”]*”|\"[^\"]*\"")


def _from_clause(clause: str) -> Iterator[Example]:
    # A figure in brackets or quotes belongs to a name or an aside ("Hà Nội (thứ 43)"), not to the clause.
    asides = [(m.start(), m.end()) for m in _ASIDE.finditer(clause)]
    for a, b, kind in figures(clause):
        if any(x <= a < y for x, y in asides):
            continue
        fact = clause[a:b]
        if kind == "rank":
            before = clause[:a] + re.sub(r"\d+(?:/\d+)?", "mấy", fact, count=1)
            # "xếp thứ 15 trong tổng số 63 tỉnh" keeps what the place is among.
            yield Example(_asked(before, "", clause[b:]), fact, kind)
        elif len(_WORD.findall(clause[:a])) >= 3:
            # What follows the figure and its unit is another statement; the question stops there.
            unit = _unit(clause[b:]) if kind == "count" else ""
            if kind == "count" and not unit:
                continue  # "đạt 63": a count of what?
            yield Example(_asked(clause[:a], _QUESTION_WORD[kind], unit), fact, kind)
    for a, b in date_spans(clause):
        fact = clause[a:b]
        if not _EVENT_DATE.search(fact) or any(x <= a < y for x, y in asides):
            continue
        rest = (clause[:a] + clause[b:]).strip(" ,")
        rest = re.sub(r"\s+(?:vào|trong|từ|kể từ)\s*$", "", rest)
        if len(_WORD.findall(rest)) >= MIN_WORDS - 1:
            yield Example(_asked(rest, "khi nào"), fact, "date")


def _about_people(sentence: str) -> Iterator[Example]:
    """"Ông Đỗ Hữu Quyết, Giám đốc Sở Thông tin và Truyền thông Thanh Hóa cho rằng …" → "Ai là Giám đốc Sở …?"."""
    for name in person_names(sentence):
        at = sentence.find(name)
        m = _APPOSITION.match(sentence[at + len(name) :])
        if not m or not _OFFICES.match(m.group(1).strip()):
            continue
        office = re.split(r"\s+(?:cho rằng|cho biết|khẳng định|nhấn mạnh|phát biểu|đánh giá|bày tỏ)\b", m.group(1))[0]
        yield Example(f"Ai là {office.strip()}?", name, "person")
