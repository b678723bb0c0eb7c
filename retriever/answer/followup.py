"""Follow-up questions: "Còn năm 2021 thì sao?" after "Năm 2020 Thanh Hóa xếp thứ mấy?" becomes the standalone
"Năm 2021 Thanh Hóa xếp thứ mấy?", so that search and the answer see the whole question.

Rules, no model. A question is a follow-up when it is short, opens or closes like one ("còn …", "thế còn …",
"vậy …", "… thì sao?") or points back with "đó / này / ấy". The previous user question, itself made
standalone first, is the base:
- a follow-up that only names a year, a province or a name puts it in place of the base's one of that kind;
- one that names something else ("Còn kinh tế số thì sao?") asks the base question "đối với" that;
- one that asks its own question keeps it, with "đề án đó" completed from the base ("Đề án chuyển đổi số tỉnh
  Thanh Hóa"), "năm đó" given the base's year, "ông ấy" the person the last answer named, and the base's year
  and province added when it names none.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from retriever.answer.question import person_names, question_entities
from retriever.text.normalize import fold, has_diacritics, normalize
from retriever.text.places import find_places, place_names

History = Sequence[tuple[str, str]]  # (role, content), role "user" or "assistant", oldest first


def _both(pattern: str) -> dict[bool, re.Pattern[str]]:
    """The pattern for text with diacritics, and folded for text typed without them. Folding everything would
    confuse "đó" (that) with "do" (by) and "đỗ" (a surname)."""
    return {False: re.compile(pattern), True: re.compile(fold(pattern))}


_OPENER = _both(r"^(?:thế còn|vậy còn|còn|vậy thì|vậy|thế thì|thế|và|rồi)\b")
_CLOSER = _both(r"\s*\bthì (?:sao|thế nào|như thế nào|ra sao)\b")
_POINTER = _both(r"\b(\w+(?: \w+)?) (đó|này|ấy)\b")
_PERSON_POINTER = _both(r"\b(?:ông|bà|người|vị) (?:ấy|đó|này)\b")
_QUESTION_WORD = _both(
    r"\b(?:bao nhiêu|mấy|gì|nào|ai|không|thế nào|bao giờ|bao lâu|khi nào|đâu|là gì|ra sao)\b"
)
# Words that name nothing once a follow-up's markers, years and places are gone.
_FILLER = {
    fold(w) for w in "còn thế vậy thì sao nào ra như và rồi năm tỉnh thành phố ở tại của về với trong".split()
}
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_WORD = re.compile(r"\w+")
# Where a noun phrase of the base question ends: at its verb, a question word or a preposition (folded).
_PHRASE_END = {
    fold(w)
    for w in "có là được đặt xếp đứng đạt gồm bao mấy nào gì ai ở vào từ đến trong cho sẽ đã đang cần ban thực "
    "kéo diễn tập năm".split()
}
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


def _view(text: str) -> tuple[str, bool]:
    """Text lower-cased (folded when typed without diacritics), same length, and whether it was folded."""
    folded = not has_diacritics(text)
    return (fold(text) if folded else text.lower()), folded


def is_followup(question: str) -> bool:
    key, folded = _view(normalize(question).strip(" ?.!"))
    return bool(
        len(_WORD.findall(key)) <= SHORT_WORDS
        or _OPENER[folded].match(key)
        or _CLOSER[folded].search(key)
        or _POINTER[folded].search(key)
    )


def _rewrite(question: str, previous: str | None, last_answer: str) -> str | None:
    if not previous or not question or not is_followup(question):
        return None
    core = _strip_markers(question)
    years = _YEAR.findall(core)
    places = place_names(core)
    names = [n for n in question_entities(core) if all(fold(p) not in fold(n) for p in places)]
    topic = _topic(core, places, names)
    key, folded = _view(core)
    if not topic:
        base = _with_year(previous, years[0]) if years else previous
        base = _with_place(base, places[0]) if places else base
        for name in names:
            base = _with_name(base, name)
        return base if base != previous else None
    if not _QUESTION_WORD[folded].search(key):
        # "Còn kinh tế số thì sao?": the base question, asked of something else.
        base = _with_year(previous, years[0]) if years else previous
        base = _with_place(base, places[0]) if places else base
        return f"{base.rstrip(' ?')}, đối với {topic}?"
    resolved = _resolve_pointers(core, previous, last_answer)
    if not years:
        resolved = _add(resolved, [f"năm {y}" for y in _YEAR.findall(previous) if y not in resolved][:1])
    if not places and not names:
        resolved = _add(resolved, [f"ở {p}" for p in place_names(previous) if fold(p) not in fold(resolved)][:1])
    resolved = resolved[:1].upper() + resolved[1:]
    return resolved if resolved != question else None


def _strip_markers(question: str) -> str:
    """The question without its follow-up opener and closer: "Còn Hà Tĩnh thì sao?" → "Hà Tĩnh?"."""
    key, folded = _view(question)
    m = _OPENER[folded].match(key)
    if m:
        question, key = question[m.end() :].lstrip(" ,"), key[m.end() :].lstrip(" ,")
    m = _CLOSER[folded].search(key)
    if m:
        question = question[: m.start()] + question[m.end() :]
    return question.strip()


def _topic(core: str, places: list[str], names: list[str]) -> str:
    """What the follow-up names besides years, places, names and filler words ("kinh tế số")."""
    text = core
    for start, end, _ in reversed(find_places(text)):
        text = text[:start] + " " + text[end:]
    for name in names:
        text = text.replace(name, " ")
    words = [w for w in _WORD.findall(text) if not _YEAR.fullmatch(w) and fold(w) not in _FILLER]
    return " ".join(words)


def _with_year(base: str, year: str) -> str:
    """The base with its first year replaced, or the year added when it has none."""
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
    """The base's one other name (a body, a person) replaced by the follow-up's; with none or several, added."""
    places = place_names(base)
    others = [n for n in question_entities(base) if all(fold(p) not in fold(n) for p in places)]
    if len(others) == 1 and others[0] in base:
        return base.replace(others[0], name)
    return _add(base, [name])


def _resolve_pointers(question: str, previous: str, last_answer: str) -> str:
    """"Đề án đó" → the base's "Đề án chuyển đổi số tỉnh Thanh Hóa"; "năm đó" → its year; "ông ấy" → the
    person the last answer named. A pointer with nothing to resolve to is dropped, its noun kept."""
    key, folded = _view(question)  # same length as question, so offsets carry over
    people = person_names(last_answer)
    m = _PERSON_POINTER[folded].search(key)
    if m and people:
        question = question[: m.start()] + f"ông {people[0]}" + question[m.end() :]
        key, folded = _view(question)
    years = _YEAR.findall(previous)
    for m in reversed(list(_POINTER[folded].finditer(key))):
        words = m.group(1).split()
        full, start = None, m.start(1)
        if fold(words[-1]) == "nam" and years:
            full, start = f"năm {years[0]}", m.end(1) - len(words[-1])
        else:
            for head in (words[-2:], words[-1:]):
                full = _phrase_in(previous, [fold(w) for w in head])
                if full:
                    start = m.end(1) - len(" ".join(head))
                    break
        if full:
            question = question[:start] + full + question[m.end() :]
        else:
            question = question[: m.start(2) - 1] + question[m.end() :]
    return question


def _phrase_in(base: str, head: list[str]) -> str | None:
    """The noun phrase of base that starts with the folded head words ("đề án" → "Đề án chuyển đổi số tỉnh
    Thanh Hóa"): up to its verb, question word or preposition."""
    words = _WORD.findall(base)
    folded = [fold(w) for w in words]
    for i in range(len(words) - len(head) + 1):
        if folded[i : i + len(head)] == head:
            j = i + len(head)
            while j < len(words) and folded[j] not in _PHRASE_END:
                j += 1
            return " ".join(words[i:j])
    return None


def _add(base: str, parts: list[str]) -> str:
    """Parts added at the end of the base, before its question mark."""
    if not parts:
        return base
    mark = "?" if base.rstrip().endswith("?") else ""
    return f"{base.rstrip(' ?')} {' '.join(parts)}{mark}"
