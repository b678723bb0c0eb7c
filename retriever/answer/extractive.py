"""Extractive answers: quote the sentences of the retrieved passages that answer the question, cite each one.

Nothing is generated, so every claim in an answer is a sentence of a cited passage. When the passages do not
support an answer, the composer says so instead of quoting something loosely related.

How a sentence is chosen: it shares the question's rarer terms, it holds the kind of fact the question asks
for (a number, a date, a name, a list), and it speaks of the question's year, place and names — itself or in
the two sentences before it, which often carry the year ("… năm 2021." then "Theo đó, Thanh Hóa xếp thứ 12").
When the year comes from such a sentence, that sentence is quoted too, so the answer shows what it relies on.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from retriever.answer.question import (
    STOP_WORDS,
    STOP_WORDS_FOLDED,
    capitalized_names,
    person_names,
    question_entities,
    question_offices,
    question_type,
)
from retriever.text.normalize import fold, has_diacritics, normalize
from retriever.text.places import find_places, place_names
from retriever.text.sentences import sentence_spans, underthesea_tools
from retriever.types import Answer, Citation, Hit

NOT_FOUND = "Xin lỗi, các tài liệu hiện có không chứa thông tin để trả lời câu hỏi này."
NOT_FOUND_WITH_SUGGESTIONS = NOT_FOUND + " Các tài liệu gần nhất với câu hỏi: {titles}."

_WORD = re.compile(r"\w+")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
# "so với năm 2020", "(so với) cùng kỳ năm 2021": a year the text compares with, not the one it reports on.
_COMPARED_YEAR = re.compile(r"(?:so với|cùng kỳ)(?: cùng kỳ)?(?: năm)? ((?:19|20)\d{2})")
_COMPARED_YEAR_FOLDED = re.compile(fold(_COMPARED_YEAR.pattern))
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Day-month(-year) "23-9-2021", month/year "8/2002", a year or a range of years, "tháng 8". Not "12/63" (a rank).
_DAY_MONTH = r"(?:3[01]|[12]\d|0?[1-9])\s*[-/.]\s*(?:1[0-2]|0?[1-9])(?:\s*[-/.]\s*(?:19|20)?\d{2})?"
_DATE = re.compile(
    rf"(?<![\d.,/]){_DAY_MONTH}(?!\d)(?![.,/]\d)|(?<!\d)(?:1[0-2]|0?[1-9])/(?:19|20)\d{{2}}(?!\d)"
    r"|(?<!\d)(?:19|20)\d{2}(?!\d)|\btháng \d{1,2}\b"
)
_LIST_MARK = re.compile(r"[:;]|\b(?:gồm|bao gồm|như)\b")
_DEFINITION_MARK = re.compile(r"[:“\"]|\b(?:là|gồm|bao gồm|nhằm|tức là)\b")

def _similarity(hit: Hit) -> float:
    """How close a passage is to the question as a cosine; hybrid search ranks by a fused score instead."""
    return hit.dense_score if hit.dense_score is not None else hit.score


def _words(text: str, folded: bool) -> list[str]:
    words = _WORD.findall(text.lower())
    return [fold(w) for w in words] if folded else words


def _terms(text: str, folded: bool) -> set[str]:
    """Content syllables and the bigrams of adjacent content syllables ("xếp hạng", "thanh hóa")."""
    stop = STOP_WORDS_FOLDED if folded else STOP_WORDS
    words = _words(text, folded)
    terms = {w for w in words if w not in stop}
    terms.update(f"{a} {b}" for a, b in zip(words, words[1:]) if a not in stop and b not in stop)
    return terms


def _word_bigrams(question: str) -> set[str]:
    """Syllable bigrams inside one word of the question ("dân số", "kéo dài"), by underthesea's segmenter.

    A bigram across two words ("hóa kéo" in "Thanh Hóa kéo dài") that no passage has says nothing; a word no
    passage has ("dân số") says the passages are about something else. The segmenter needs diacritics.
    """
    _, word_tokenize = underthesea_tools()

    bigrams = set()
    for word in word_tokenize(question):
        syllables = _WORD.findall(word.lower())
        bigrams.update(f"{a} {b}" for a, b in zip(syllables, syllables[1:]))
    return bigrams


def _flat(text: str) -> str:
    """The words of text joined by single spaces, so that names match across punctuation ("TP. Sầm Sơn")."""
    return " ".join(_WORD.findall(text))


def _contains(flat_haystack: str, flat_needle: str) -> bool:
    """flat_needle as whole words in flat_haystack (both from _flat)."""
    return bool(flat_needle) and re.search(rf"(?<!\w){re.escape(flat_needle)}(?!\w)", flat_haystack) is not None


@dataclass
class _Sentence:
    hit_index: int
    start: int
    end: int
    text: str
    key: str  # _flat of the text lower-cased, or folded when the question has no diacritics
    terms: set[str]
    years: set[str]  # the years it reports on: compared-with years ("so với năm 2020") left out
    places: set[str]  # the provinces it names


@dataclass
class _Candidate:
    """A sentence that may answer, with the sentences before it in its passage that it may lean on."""

    focus: _Sentence
    context: list[_Sentence]  # nearest first
    title_key: str
    title_terms: set[str]
    score: float = 0.0
    coverage: float = 0.0  # share of the question's term weight found in the sentence, its context and title
    kind_match: float = 0.0
    year_source: _Sentence | None = None  # the context sentence that names the question's year
    years_ok: bool = True
    entities_ok: bool = True

    @property
    def sentences(self) -> list[_Sentence]:
        return [self.year_source, self.focus] if self.year_source else [self.focus]


@dataclass
class _Question:
    folded: bool
    kind: str
    terms: set[str]
    word_bigrams: set[str]  # bigrams that are one word; all of them when the question has no diacritics
    numbers: set[str]
    years: set[str]
    entities: list[str] = field(default_factory=list)  # as keys (see key)
    offices: list[str] = field(default_factory=list)  # "giám đốc", "thứ trưởng": the office a person holds
    places: set[str] = field(default_factory=set)  # the provinces it names, canonical

    def key(self, text: str) -> str:
        """The form names are matched in: words only, lower-cased, folded when the question has no diacritics."""
        return _flat(fold(text) if self.folded else text.lower())


def _kind_match(q: _Question, sentence: str) -> float:
    """How well a sentence holds the kind of fact the question asks for.

    Numbers already in the question ("11 tháng năm 2022") are not an answer to it.
    """
    if q.kind == "number":
        # Dates and years are not the count or rank asked for.
        found = {m.group(0) for m in _NUMBER.finditer(_DATE.sub(" ", sentence))} - q.numbers
        return 1.0 if found else 0.0
    if q.kind == "date":
        return 1.0 if {m.group(0) for m in _DATE.finditer(sentence)} - q.numbers else 0.0
    if q.kind == "person":
        # The office asked about must be the one the sentence names: a Thứ trưởng is no answer to "Giám đốc".
        lowered = sentence.lower() if not q.folded else fold(sentence)
        if any(office not in lowered for office in q.offices):
            return 0.0
        return 1.0 if [n for n in person_names(sentence) if all(e not in q.key(n) for e in q.entities)] else 0.0
    if q.kind == "who":
        new = [n for n in capitalized_names(sentence) if all(e not in q.key(n) for e in q.entities)]
        return 1.0 if new else 0.3
    if q.kind == "list":
        return 1.0 if _LIST_MARK.search(sentence) or sentence.count(",") >= 2 else 0.3
    if q.kind == "definition":
        return 1.0 if _DEFINITION_MARK.search(sentence) else 0.3
    return 0.5


class ExtractiveAnswerer:
    """Picks at most `max_sentences` sentences from the hits and cites the passage of each with [n]."""

    def __init__(
        self,
        max_sentences: int = 3,
        min_dense_score: float = 0.83,
        min_coverage: float = 0.45,
        context_sentences: int = 2,
    ):
        self.max_sentences = max_sentences
        self.min_dense_score = min_dense_score
        self.min_coverage = min_coverage
        self.context_sentences = context_sentences

    def answer(self, question: str, hits: list[Hit]) -> Answer:
        question = normalize(question)
        if not hits or max(_similarity(h) for h in hits) < self.min_dense_score:
            return self._not_found(hits)
        q = self._question(question)
        if not q.terms:
            return self._not_found(hits)
        evidence = " ".join(q.key(h.title + " " + h.text) for h in hits)
        if any(not _contains(evidence, e) for e in q.entities):
            return self._not_found(hits)  # a place or body no passage mentions: the corpus cannot answer
        candidates = self._score(q, hits)
        if q.kind in ("number", "date", "person"):
            # A sentence without a number, a date or a name cannot answer "bao nhiêu", "khi nào" or "ai là
            # Giám đốc", however close it is.
            candidates = [c for c in candidates if c.kind_match > 0]
        if not candidates or not self._answers(candidates[0]):
            return self._not_found(hits)
        return self._compose(self._choose(q, candidates), hits)

    def _answers(self, c: _Candidate) -> bool:
        """Whether a sentence is an answer rather than the nearest text: it covers enough of the question and
        speaks of its year and names."""
        return c.coverage >= self.min_coverage and c.years_ok and c.entities_ok

    def _question(self, question: str) -> _Question:
        folded = not has_diacritics(question)
        terms = _terms(question, folded)
        compared = _COMPARED_YEAR_FOLDED.findall(fold(question)) if folded else _COMPARED_YEAR.findall(question)
        return _Question(
            folded=folded,
            kind=question_type(question),
            terms=terms,
            word_bigrams={t for t in terms if " " in t} if folded else _word_bigrams(question),
            numbers={m.group(0) for m in _NUMBER.finditer(question)},
            years=set(_YEAR.findall(question)) - set(compared),
            entities=[_flat(fold(e) if folded else e.lower()) for e in question_entities(question)],
            places=set(place_names(question)),
            offices=question_offices(question),
        )

    def _sentences(self, q: _Question, hits: list[Hit]) -> list[list[_Sentence]]:
        out = []
        for i, hit in enumerate(hits):
            sentences = []
            # Passage text is normalized at ingest, so these offsets are offsets in hit.text.
            places = find_places(hit.text)
            for a, b in sentence_spans(hit.text):
                text = hit.text[a:b]
                years = set(_YEAR.findall(text)) - set(_COMPARED_YEAR.findall(text))
                named = {name for start, _, name in places if a <= start < b}
                sentences.append(_Sentence(i, a, b, text, q.key(text), _terms(text, q.folded), years, named))
            out.append(sentences)
        return out

    def _score(self, q: _Question, hits: list[Hit]) -> list[_Candidate]:
        """Every sentence of four words or more as a candidate, best first; shorter ones are captions ("Ảnh minh
        họa.") and fragments."""
        per_hit = self._sentences(q, hits)
        candidates = [
            _Candidate(
                s,
                context=sentences[max(0, j - self.context_sentences) : j][::-1],
                title_key=q.key(hits[i].title),
                title_terms=_terms(hits[i].title, q.folded),
            )
            for i, sentences in enumerate(per_hit)
            for j, s in enumerate(sentences)
            if len(_WORD.findall(s.text)) >= 4
        ]
        if not candidates:
            return []
        # Terms rare among the candidate sentences say more about which sentence answers. A question term no
        # passage holds weighs most, so a question about something the passages never mention covers little.
        n = len(candidates)
        df = Counter(t for c in candidates for t in c.focus.terms)
        terms = {t for t in q.terms if df[t] or " " not in t or t in q.word_bigrams}
        weight = {t: math.log((n + 1) / (0.5 + df[t])) for t in terms}
        total = sum(weight.values()) or 1.0
        passage_keys = [q.key(h.title + " " + h.text) for h in hits]
        # A name every passage mentions ("Thanh Hóa" over articles about Thanh Hóa) tells no passage from another;
        # its words would outweigh what the question asks about it, so ranking leaves them out.
        everywhere = [e for e in q.entities if all(_contains(k, e) for k in passage_keys)]
        name_terms = set().union(*(_terms(e, q.folded) for e in everywhere)) if everywhere else set()
        topic = {t: w for t, w in weight.items() if df[t] and t not in name_terms}
        present = sum(topic.values()) or 1.0
        entity_share = {e: sum(_contains(c.focus.key, e) for c in candidates) / n for e in q.entities}
        best_similarity = max(_similarity(h) for h in hits)

        for c in candidates:
            own = c.focus.terms & weight.keys()
            near = set().union(*(s.terms for s in c.context)) & weight.keys()
            title = c.title_terms & weight.keys()
            # The title speaks for the whole document, so it vouches for a sentence less than its neighbours.
            c.coverage = (sum(weight[t] for t in own | near) + 0.5 * sum(weight[t] for t in title - own - near)) / total
            c.kind_match = _kind_match(q, c.focus.text)
            # Ranking counts only terms some sentence has; context counts half, the answer is in the focus.
            overlap = (
                sum(topic.get(t, 0.0) for t in own) + 0.5 * sum(topic.get(t, 0.0) for t in (near | title) - own)
            ) / present
            score = overlap + 0.25 * c.kind_match
            score -= 0.5 * max(0.0, best_similarity - _similarity(hits[c.focus.hit_index]))
            score += self._year_fit(q, c)
            if q.places and c.focus.places and not q.places & (c.focus.places | _places_of(c.context)):
                score -= 0.3  # "Thanh Hóa xếp thứ 12" is no answer about Hà Tĩnh
                c.entities_ok = False
            for e in q.entities:
                if _contains(c.focus.key, e):
                    score += 0.3 * (1 - entity_share[e])  # a name most sentences share tells nothing
                elif _contains(c.title_key, e) or any(_contains(s.key, e) for s in c.context):
                    score += 0.15 * (1 - entity_share[e])  # the sentence speaks within that place's scope
                elif not _contains(passage_keys[c.focus.hit_index], e):
                    score -= 0.25  # the passage is about another place or body
                    c.entities_ok = False
            c.score = score
        candidates.sort(key=lambda c: c.score, reverse=True)
        return candidates

    @staticmethod
    def _year_fit(q: _Question, c: _Candidate) -> float:
        """Score for speaking of the question's year; records the context sentence that names it."""
        if not q.years:
            return 0.0
        if q.years & c.focus.years:
            return 0.15
        for s in c.context:
            if q.years & s.years:
                c.year_source = s
                return 0.1
            if s.years:
                break  # a nearer sentence moved on to another year
        if q.years & set(_YEAR.findall(c.title_key)):
            return 0.05
        c.years_ok = False
        return -0.3 if c.focus.years or any(s.years for s in c.context) else -0.1

    def _choose(self, q: _Question, candidates: list[_Candidate]) -> list[_Candidate]:
        """The best candidate, then others nearly as good that also answer, up to max_sentences sentences."""
        best = candidates[0]
        chosen = [best]
        used = len(best.sentences)
        for c in candidates[1:]:
            if c.score < 0.8 * best.score or used >= self.max_sentences:
                break
            if used + len(c.sentences) > self.max_sentences or not self._answers(c):
                continue
            if q.kind in ("number", "date", "person", "who") and c.kind_match < best.kind_match:
                continue
            if any(self._repeats(s, o) for s in c.sentences for k in chosen for o in k.sentences):
                continue
            chosen.append(c)
            used += len(c.sentences)
        return chosen

    @staticmethod
    def _repeats(a: _Sentence, b: _Sentence) -> bool:
        """The same sentence, from the same passage or another one that overlaps it, or nearly the same words."""
        if a.hit_index == b.hit_index and a.start < b.end and b.start < a.end:
            return True
        if a.key == b.key:
            return True
        # One sentence restating the other ("Tỉnh Thanh Hóa xây dựng Đề án …" inside a longer one) repeats it.
        shorter = min(len(a.terms), len(b.terms))
        return shorter > 0 and len(a.terms & b.terms) / shorter >= 0.8

    def _compose(self, chosen: list[_Candidate], hits: list[Hit]) -> Answer:
        """Each quoted sentence is followed by the [n] of its passage; one citation per passage, carrying every
        span quoted from it. Sentences of one passage are read in their order in the passage."""
        groups: dict[int, list[_Sentence]] = {}
        for c in chosen:
            for s in c.sentences:
                group = groups.setdefault(s.hit_index, [])
                if all(s.start != o.start for o in group):
                    group.append(s)
        parts: list[str] = []
        citations: list[Citation] = []
        for marker, (hit_index, sentences) in enumerate(groups.items(), start=1):
            sentences.sort(key=lambda s: s.start)
            parts.extend(f"{s.text} [{marker}]" for s in sentences)
            hit = hits[hit_index]
            spans = _merge_spans(hit.text, [(s.start, s.end) for s in sentences])
            start, end = spans[0]
            citations.append(Citation(hit, marker, hit.text[start:end], start, end, highlights=spans))
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


def _places_of(sentences: list[_Sentence]) -> set[str]:
    return set().union(*(s.places for s in sentences)) if sentences else set()


def _merge_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans, with spans that only whitespace separates joined into one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and not text[merged[-1][1] : start].strip():
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def answer_pieces(answer: Answer) -> Iterator[str]:
    """The answer text in the pieces a stream sends: one quoted sentence with its marker at a time."""
    for piece in re.findall(r".+?\[\d+\](?:\s+|$)|.+$", answer.answer, flags=re.S):
        yield piece
