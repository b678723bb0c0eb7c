"""Follow-up questions: "Còn năm 2021 thì sao?" after "Năm 2020 Thanh Hóa xếp thứ mấy?" becomes the standalone
"Năm 2021 Thanh Hóa xếp thứ mấy?", so that search and the answer see the whole question.

Rules, no model: a question is a follow-up when it is short, opens or closes like one ("còn …", "thế còn …",
"vậy …", "… thì sao?"), or points back with "đó / này / ấy". The previous user question (itself made standalone
first) is the base: a year, province or name the follow-up gives replaces the one of the same kind in the base;
"đề án đó" takes its full name from the base, "ông ấy" the person the last answer named; anything else the
follow-up asks about is added to the base as "đối với …".
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from retriever.answer import person_names, question_entities
from retriever.places import find_places, place_names
from retriever.text import fold, normalize

History = Sequence[tuple[str, str]]  # (role, content), role "user" or "assistant", oldest first

# Matched on the folded, lower-cased question, so that questions typed without diacritics count too.
_OPENERS = re.compile(r"^(?:the con|vay con|con|vay thi|vay|the thi|the|va|rồi|roi|thế còn)\b")
_CLOSERS = re.compile(r"\bthi (?:sao|the nao|nhu the nao|ra sao)\b")
_POINTER = re.compile(r"\b(\w+(?: \w+)?) (do|nay|ay)\b")
_PERSON_POINTER = re.compile(r"\b(?:ong|ba|nguoi|vi) (?:ay|do|nay)\b")
_QUESTION_WORDS = re.compile(r"\b(?:bao nhieu|may|gi|nao|ai|khong|sao|the nao|bao gio|khi nao|dau)\b")
# Words that carry no topic once the follow-up's markers, years and places are gone.
_FILLER = set("con the vay thi sao nao ra nhu va roi nam tinh thanh pho o tai cua ve voi trong".split())
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_WORD = re.compile(r"\w+")
# Where a noun phrase named in the base question ends: its verb, a question word or a preposition.
_PHRASE_END = set(
    "co la duoc dat xep dung dat gom bao may nao gi ai o vao tu den trong cho se da dang can ban hanh thuc hien "
    "keo dien tap trung nam".split()
)
SHORT_WORDS = 4  # a question this short is read against the previous one ("Hà Tĩnh?", "Năm 2021 thì sao?")


def standalone(question: str, history: History) -> str | None:
    """The question rewritten to stand alone, or None when it needs no rewriting."""
    previous: str | None = None
    last_answer = ""
    for role, content in history:
        if role == "user" and content.strip():
            previous = _rewrite(normalize(content), previous, last_answer) or normalize(content)
        elif role == "assistant":
            last_answer = content
    return _rewrite(normalize(question), previous, last_answer)


def is_followup(question: str) -> bool:
    folded = fold(question).strip(" ?.!")
    words = _WORD.findall(folded)
    return bool(
        len(words) <= SHORT_WORDS
        or _OPENERS.match(folded)
        or _CLOSERS.search(folded)
        or _POINTER.search(folded)
    )


def _rewrite(question: str, previous: str | None, last_answer: str) -> str | None:
    if not previous or not question or not is_followup(question):
        return None
    years = _YEAR.findall(question)
    places = place_names(question)
    names = [n for n in question_entities(question) if n not in places]
    topic = _topic(question, places, names)
    if not topic:
        base = previous
        if years:
            base = _with_year(base, years[0])
        if places:
            base = _with_place(base, places[0])
        for name in names:
            base = _with_name(base, name)
        return base if base != previous else None
    if not _QUESTION_WORDS.search(fold(question)):
        # "Còn kinh tế số thì sao?": the base question, asked of something else.
        base = _with_year(previous, years[0]) if years else previous
        base = _with_place(base, places[0]) if places else base
        return f"{base.rstrip(' ?')}, đối với {topic}?"
    # A new question about the same subject: resolve what it points back to, then carry the base's year and place.
    resolved = _resolve_pointers(question, previous, last_answer)
    if not years:
        resolved = _add(resolved, [f"năm {y}" for y in _YEAR.findall(previous) if y not in resolved][:1])
    if not places and not names:
        resolved = _add(resolved, [p for p in place_names(previous) if fold(p) not in fold(resolved)][:1])
    return resolved if resolved != question else None


def _topic(question: str, places: list[str], names: list[str]) -> str:
    """What the follow-up names besides years, places, names and follow-up words ("kinh tế số")."""
    text = question
    for value in [*places, *names]:
        text = re.sub(re.escape(value), " ", text, flags=re.I)
    for start, end, _ in reversed(find_places(text)):  # places typed without diacritics
        text = text[:start] + " " + text[end:]
    words = [w for w in _WORD.findall(text) if not _YEAR.fullmatch(w) and fold(w.lower()) not in _FILLER]
    return " ".join(words)


def _with_year(base: str, year: str) -> str:
    """The base with its year replaced, or the year added when it has none."""
    found = _YEAR.findall(base)
    if found:
        return re.sub(rf"(?<!\d){found[0]}(?!\d)", year, base)
    return _add(base, [f"năm {year}"])


def _with_place(base: str, place: str) -> str:
    spans = find_places(base)
    if spans:
        start, end, _ = spans[0]
        return base[:start] + place + base[end:]
    return _add(base, [f"ở {place}"])


def _with_name(base: str, name: str) -> str:
    """Replace the base's one other name (a body, a person) with the follow-up's; with several, add it."""
    others = [n for n in question_entities(base) if n not in place_names(base)]
    if len(others) == 1 and others[0] in base:
        return base.replace(others[0], name)
    return _add(base, [name])


def _resolve_pointers(question: str, previous: str, last_answer: str) -> str:
    """"Đề án đó" → the base's "Đề án chuyển đổi số tỉnh Thanh Hóa"; "năm đó" → its year; "ông ấy" → the
    person the last answer named. A pointer with nothing to resolve to is dropped, its noun kept."""
    # Offsets line up: fold() keeps the length of normalized text.
    people = person_names(last_answer)
    m = _PERSON_POINTER.search(fold(question))
    if m and people:
        question = question[: m.start()] + f"ông {people[0]}" + question[m.end() :]
    years = _YEAR.findall(previous)
    for m in reversed(list(_POINTER.finditer(fold(question)))):
        words = m.group(1).split()
        if words[-1] == "nam" and years:
            full = f"năm {years[0]}"
            start = m.start(1) + len(m.group(1)) - len("nam")
        else:
            full, start = None, m.start(1)
            for head in (words[-2:], words[-1:]):
                full = _phrase_in(previous, head)
                if full:
                    start = m.start(1) + len(m.group(1)) - len(" ".join(head))
                    break
        if full:
            question = question[:start] + full + question[m.end() :]
        else:
            question = question[: m.start(2) - 1] + question[m.end() :]
    return question[:1].upper() + question[1:]


def _phrase_in(base: str, head_words: list[str]) -> str | None:
    """The noun phrase of base that starts with the (folded) head ("đề án" → "Đề án chuyển đổi số tỉnh Thanh
    Hóa"): up to its verb, question word or preposition."""
    words = _WORD.findall(base)
    folded = [fold(w) for w in words]
    for i in range(len(words) - len(head_words) + 1):
        if folded[i : i + len(head_words)] == head_words:
            j = i + len(head_words)
            while j < len(words) and folded[j] not in _PHRASE_END:
                j += 1
            return " ".join(words[i:j])
    return None


def _add(base: str, parts: list[str]) -> str:
    if not parts:
        return base
    stripped = base.rstrip(" ?")
    return f"{stripped} {' '.join(parts)}" + ("?" if base.rstrip().endswith("?") else "")

