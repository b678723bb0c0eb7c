"""Extractive answers: quote the sentences of the retrieved passages that answer the question, cite each one.

Nothing is generated, so every claim in an answer is a sentence of a cited passage. When the passages do not
support an answer, the composer says so instead of quoting something loosely related.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from retriever.text import fold, has_diacritics, normalize, sentence_spans
from retriever.types import Answer, Citation, Hit

NOT_FOUND = "Xin lỗi, các tài liệu hiện có không chứa thông tin để trả lời câu hỏi này."
NOT_FOUND_WITH_SUGGESTIONS = NOT_FOUND + " Các tài liệu gần nhất với câu hỏi: {titles}."

# Function words and question words carry no evidence of an answer.
_STOP = set(
    "là của có và các những được trong cho với về thì sao gì nào ai bao nhiêu mấy không này đó đã sẽ một ở tại "
    "theo từ đến như khi nào hay hoặc cũng vào ra bị do nên mà thế vậy gồm còn đang rằng hãy xin cho biết".split()
)
_WORD = re.compile(r"\w+")
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_DIGIT = re.compile(r"\d")
_DATE = re.compile(r"\b\d{1,2}\s*[-/.]\s*\d{1,2}(\s*[-/.]\s*\d{2,4})?\b|\b(19|20)\d{2}\b")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

_QUESTION_TYPES = [
    ("number", re.compile(r"\b(bao nhiêu|mấy|tỷ lệ|tỉ lệ|số lượng|phần trăm|xếp hạng|bao lâu)\b")),
    ("date", re.compile(r"\b(khi nào|ngày nào|năm nào|tháng nào|bao giờ|lúc nào|thời gian nào|thời điểm nào)\b")),
    ("who", re.compile(r"(^|\s)(ai|người nào|cơ quan nào|đơn vị nào|những ai)(\s|\?|$)")),
    ("list", re.compile(r"\b(gồm|những gì|những \w+ nào|các \w+ nào)\b")),
]


def capitalized_names(text: str) -> list[str]:
    """Runs of two or more capitalized words: a place, a body or a person ("Hà Tĩnh", "Đỗ Hữu Quyết")."""
    names, run = [], []
    for word in re.findall(r"[\w&]+", text):
        if word[0].isupper():
            run.append(word)
            continue
        if len(run) >= 2:
            names.append(" ".join(run))
        run = []
    if len(run) >= 2:
        names.append(" ".join(run))
    return names


def question_type(question: str) -> str:
    q = normalize(question).lower()
    for name, pattern in _QUESTION_TYPES:
        if pattern.search(q):
            return name
    return "other"


def _terms(text: str, folded: bool) -> list[str]:
    words = [w for w in _WORD.findall(text.lower()) if w not in _STOP]
    if folded:
        words = [fold(w) for w in words]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def _type_match(kind: str, sentence: str, question_numbers: set[str]) -> float:
    """How well a sentence has the kind of fact the question asks for.

    Numbers already in the question ("11 tháng năm 2022") are not an answer to it.
    """
    if kind in ("number", "date"):
        pattern = _NUMBER if kind == "number" else _DATE
        found = {m.group(0) for m in pattern.finditer(sentence)}
        return 1.0 if found - question_numbers else 0.0
    if kind == "who":
        return 1.0 if capitalized_names(sentence) else 0.0
    if kind == "list":
        return 1.0 if re.search(r"[:;,]|\bgồm\b", sentence) else 0.3
    return 0.5


@dataclass
class _Candidate:
    hit_index: int
    start: int
    end: int
    text: str
    context: str = ""  # the sentence before, which often names the year or place this one speaks of
    n_sentences: int = 1
    overlap: float = 0.0
    score: float = 0.0


class ExtractiveAnswerer:
    """Picks at most `max_sentences` sentences from the hits and cites the passage of each with [n]."""

    def __init__(self, max_sentences: int = 3, min_dense_score: float = 0.83, min_overlap: float = 0.35):
        self.max_sentences = max_sentences
        self.min_dense_score = min_dense_score
        self.min_overlap = min_overlap

    def answer(self, question: str, hits: list[Hit]) -> Answer:
        question = normalize(question)
        if not hits or hits[0].score < self.min_dense_score:
            return self._not_found(hits)
        folded = not has_diacritics(question)
        if self._missing_entities(question, hits, folded):
            return self._not_found(hits)
        candidates = self._score(question, hits, folded)
        if not candidates or candidates[0].overlap < self.min_overlap:
            return self._not_found(hits)
        chosen = [candidates[0]]
        for c in candidates[1:]:
            if c.score < 0.8 * chosen[0].score:
                break
            if sum(o.n_sentences for o in chosen) + c.n_sentences > self.max_sentences:
                continue
            if all(c.hit_index != o.hit_index or c.end <= o.start or c.start >= o.end for o in chosen) and all(
                c.text not in o.text and o.text not in c.text for o in chosen
            ):
                chosen.append(c)
        return self._compose(chosen, hits)

    @staticmethod
    def _missing_entities(question: str, hits: list[Hit], folded: bool) -> bool:
        """A place or body named in the question that no passage mentions means the corpus cannot answer."""
        key = fold if folded else str.lower
        evidence = key(" ".join(h.title + " " + h.text for h in hits))
        return any(key(e) not in evidence for e in capitalized_names(question) if len(e) > 3)

    def _score(self, question: str, hits: list[Hit], folded: bool) -> list[_Candidate]:
        """Score single sentences and adjacent pairs; a pair lets the year or place named in one sentence
        carry over to the figure in the next ("... năm 2021." + "Theo đó, Thanh Hóa xếp thứ 12/63")."""
        key = fold if folded else str.lower
        q_terms = set(_terms(question, folded))
        if not q_terms:
            return []
        kind = question_type(question)
        q_numbers = {m.group(0) for m in _NUMBER.finditer(question)}
        years = {m.group(0) for m in _YEAR.finditer(question)}
        entities = [key(e) for e in capitalized_names(question) if len(e) > 3]

        sentences: list[_Candidate] = []
        for i, hit in enumerate(hits):
            previous = hit.title
            for a, b in sentence_spans(hit.text):
                if b - a >= 20:
                    sentences.append(_Candidate(i, a, b, hit.text[a:b], context=previous, n_sentences=1))
                previous = hit.text[a:b]
        if not sentences:
            return []
        pairs = [
            _Candidate(x.hit_index, x.start, y.end, hits[x.hit_index].text[x.start : y.end], x.context, 2)
            for x, y in zip(sentences, sentences[1:])
            if x.hit_index == y.hit_index and y.end - x.start <= 600
        ]
        # Terms rare among the candidate sentences say more about which sentence answers.
        n = len(sentences)
        df = Counter(t for c in sentences for t in set(_terms(c.text, folded)))
        weight = {t: math.log((n + 1) / (0.5 + df[t])) for t in q_terms}
        total = sum(weight.values()) or 1.0
        entity_share = {e: sum(e in key(c.text) for c in sentences) / n for e in entities}
        best_dense = hits[0].score
        candidates = sentences + pairs
        for c in candidates:
            hit = hits[c.hit_index]
            text = key(c.text)
            s_terms = set(_terms(c.text, folded))
            c.overlap = sum(w for t, w in weight.items() if t in s_terms) / total
            score = c.overlap + 0.25 * _type_match(kind, c.text, q_numbers) - 0.08 * (c.n_sentences - 1)
            score -= 0.5 * max(0.0, best_dense - hit.score)  # passages far below the best are weaker evidence
            s_years = {m.group(0) for m in _YEAR.finditer(c.text)}
            near_years = s_years | {m.group(0) for m in _YEAR.finditer(c.context)}
            if years & s_years:
                score += 0.15
            elif years and s_years and not years & near_years:
                score -= 0.2  # speaks of another year
            for e in entities:
                if e in text:
                    score += 0.3 * (1 - entity_share[e])  # a name most sentences share tells nothing
                elif e not in key(hit.title + " " + hit.text):
                    score -= 0.25  # the passage is about another place or body
            c.score = score
        candidates.sort(key=lambda c: c.score, reverse=True)
        return candidates

    def _compose(self, chosen: list[_Candidate], hits: list[Hit]) -> Answer:
        """Each quoted sentence is followed by the [n] of its passage; one citation per passage."""
        markers: dict[int, int] = {}
        citations: list[Citation] = []
        parts = []
        for c in chosen:
            if c.hit_index not in markers:
                markers[c.hit_index] = len(markers) + 1
                citations.append(
                    Citation(
                        hit=hits[c.hit_index],
                        marker=markers[c.hit_index],
                        quote=c.text,
                        quote_start=c.start,
                        quote_end=c.end,
                    )
                )
            for a, b in sentence_spans(c.text):
                parts.append(f"{c.text[a:b]} [{markers[c.hit_index]}]")
        return Answer(answer=" ".join(parts), found=True, citations=citations)

    def _not_found(self, hits: list[Hit]) -> Answer:
        suggestions: list[Hit] = []
        for h in hits:
            if all(h.doc_id != s.doc_id for s in suggestions):
                suggestions.append(h)
        suggestions = suggestions[:3]
        if suggestions:
            titles = "; ".join(f"«{h.title}»" for h in suggestions)
            return Answer(NOT_FOUND_WITH_SUGGESTIONS.format(titles=titles), found=False, suggestions=suggestions)
        return Answer(NOT_FOUND, found=False)
