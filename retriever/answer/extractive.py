"""Extractive answers: quote the clause of the retrieved passages that answers the question, cite it, and cut the
short answer out of it.

Nothing is generated, so every claim in an answer is a verbatim span of a cited passage. When the passages do not
support an answer, the composer says so instead of quoting something loosely related.

How the answer is chosen:
1. Every sentence of the passages is a candidate. It scores for the question's rarer words it shares (the focus
   noun and the unit counted weigh more: "doanh thu" is not "lượt khách"), for holding the kind of fact asked
   (a figure, a percentage, an amount, a date in digits or words, a name, a list, the n-th item), for speaking
   of the question's year, place and names (itself or in the two sentences before it, which often carry the
   year), and for its meaning: the best candidates are embedded with the engine's own model and their cosine
   with the question counts (question_similarity below).
2. The refusal decision reads three figures: the cosine of the best passage, the cosine of the chosen sentence
   and the share of the question's words it covers (a sentence close enough in meaning, or holding enough of
   the question's words, answers whatever its passage's cosine); their thresholds are calibrated on held-out documents of public sets (python -m
   evals.calibrate). A year, place or body the passages never mention is refused outright.
3. The chosen sentence is cut at clause and list boundaries (clauses.py) around the clause that answers; the
   short answer (spans.py) is the least span of it that answers. A lead-in or an article heading that ends its
   line is answered by the listed lines under it: the one the question names, else all of them. Reasons and
   ways ("vì sao", "như thế nào") keep whole sentences and have no short answer.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from retriever.answer.clauses import (
    SHORT_SENTENCE,
    Piece,
    choose_window,
    clause_pieces,
    enumeration_end,
    lead_in_of,
    line_items,
    line_words,
    list_items,
    strip_stop,
)
from retriever.answer.question import (
    NUMERIC_KINDS,
    SENTENCE_KINDS,
    STOP_WORDS,
    STOP_WORDS_FOLDED,
    QuestionInfo,
    analyse,
    document_years,
    question_entities,
    question_offices,
    without_scope,
    without_term_opener,
)
from retriever.answer.spans import (
    Asked,
    asks_consequence,
    asks_group,
    defined_entry,
    defined_term,
    group_span,
    items_left,
    short_span,
    starts_condition,
    typed_spans,
)
from retriever.embed.base import Embedder
from retriever.text.defined import acronyms, defined_abbreviations, expand_defined
from retriever.text.diacritics import restore_diacritics
from retriever.text.normalize import fold, has_diacritics, normalize
from retriever.text.places import find_places, place_names
from retriever.text.sentences import sentence_spans, underthesea_tools
from retriever.text.tokens import expand_abbreviations, spell_out
from retriever.types import Answer, Citation, Hit, ShortAnswer

NOT_FOUND = "Xin lỗi, các tài liệu hiện có không chứa thông tin để trả lời câu hỏi này."
# The closest documents come back as `suggestions`, which a reader sees listed once, below this notice.
NOT_FOUND_WITH_SUGGESTIONS = NOT_FOUND + " Bạn có thể xem các tài liệu gần nhất với câu hỏi dưới đây."

_WORD = re.compile(r"\w+")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
# "so với năm 2020", "(so với) cùng kỳ năm 2021": a year the text compares with, not the one it reports on.
_COMPARED_YEAR = re.compile(r"(?:so với|cùng kỳ)(?: cùng kỳ)?(?: năm)? ((?:19|20)\d{2})")
_COMPARED_YEAR_FOLDED = re.compile(fold(_COMPARED_YEAR.pattern))
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_LIST_MARK = re.compile(r"[:;]|\b(?:gồm|bao gồm|như)\b")
_DEFINITION_MARK = re.compile(r"[:“\"]|\b(?:là|gồm|bao gồm|nhằm|tức là)\b")
# A clause that announces what follows its colon ("… các trường hợp sau:", "… như sau:", "Trong đó:").
_ANNOUNCES = re.compile(r"\b(?:sau|sau đây|như sau|dưới đây|gồm|bao gồm|gồm có|cụ thể|trong đó)\s*$", re.IGNORECASE)
# A clause that bounds the period or the date before it ("…, kể từ ngày ký", "…, tính từ học kỳ đầu tiên").
_BOUNDS = re.compile(r"\s*(?:kể từ|tính từ|tính đến|cho đến|đến hết|trước ngày|sau ngày)\b", re.IGNORECASE)
_REASON_MARK = re.compile(r"\b(?:vì|do|bởi|nhằm|để|nên|nguyên nhân|lý do)\b")
# Kinds whose answer must hold a span of that kind: a sentence without a figure cannot answer "bao nhiêu".
_STRICT_KINDS = NUMERIC_KINDS | {"date", "person"}
# Kinds whose answer is a span spans.typed_spans finds (a figure, a date, a name, a place).
_TYPED_KINDS = NUMERIC_KINDS | {"date", "person", "who", "place"}
# The focus noun and the unit a count is asked in weigh this much more than other question words, and a
# sentence that says them scores FOCUS_BONUS more.
FOCUS_BOOST = 1.5
FOCUS_BONUS = 0.2
KIND_WEIGHT = 0.35
FIRST_HIT_BONUS, RANK_PENALTY = 0.2, 0.05
# An answer that is a clause, a condition or a definition quotes its sentence whole up to this many characters,
# a longer one from its best clause on, up to as many.
LONG_SENTENCE = 220
# Such a quote does not end at a comma inside a clause or an enumeration ("căn cứ vào tính chất, hậu quả của hành vi
# …") when the clause's ";", ":" or full stop comes within this many characters of its start.
LONG_CLAUSE = 330
# A listed line is named by the question when its first words are ("Nửa năm là …", "Có tổ chức").
ITEM_OPENING = 4


@dataclass(frozen=True)
class Thresholds:
    """The refusal decision, as calibrated (evals/calibrate.py; the settings' defaults are these)."""

    min_dense_score: float = 0.89  # cosine of the best passage
    min_coverage: float = 0.0  # share of the question's word weight the chosen sentence (and context) covers
    min_sentence_score: float = 0.0  # cosine of the chosen sentence; applies only when sentences are embedded
    # A chosen sentence at least this close in meaning answers even when the best passage is below
    # min_dense_score: a passage of many sentences can read far from a question one of them answers. 1: off.
    close_sentence_score: float = 0.87
    # So does one that covers at least this share of the question's word weight: a long enumerating sentence reads
    # far in meaning from a question about one of its figures, but it holds the question's words. 1: off.
    close_coverage: float = 0.8


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


@lru_cache(maxsize=1 << 14)  # the same sentences come back for question after question
def _cached_terms(text: str, folded: bool) -> frozenset[str]:
    spelled = spell_out(text)
    return frozenset(_terms(text, folded) | (_terms(spelled, folded) if spelled != text else set()))


def _text_terms(text: str, folded: bool) -> set[str]:
    """Terms of the text as written and with its abbreviations spelled out, so "TT&TT" meets its full name."""
    return set(_cached_terms(text, folded))


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


def _contains_any(haystacks: tuple[str, ...], needles: tuple[str, ...]) -> bool:
    return any(_contains(h, n) for h in haystacks for n in needles)


@dataclass
class _Sentence:
    hit_index: int
    start: int
    end: int
    text: str
    keys: tuple[str, ...]  # _flat of the text as written and spelled out, lower-cased or folded
    terms: set[str]
    years: set[str]  # the years it reports on: compared-with years ("so với năm 2020") left out
    places: set[str]  # the provinces it names
    is_title: bool  # the document's title line, which the first passage opens with


@dataclass
class _Candidate:
    """A sentence that may answer, with the sentences before it in its passage that it may lean on."""

    focus: _Sentence
    context: list[_Sentence]  # nearest first
    title_keys: tuple[str, ...]
    title_terms: set[str]
    score: float = 0.0
    coverage: float = 0.0  # share of the question's term weight found in the sentence, its context and title
    kind_match: float = 0.0
    semantic: float | None = None  # cosine of the question and the sentence, when it was embedded
    year_source: _Sentence | None = None  # the context sentence that names the question's year
    years_ok: bool = True
    entities_ok: bool = True
    whole: bool = False  # quoted as the sentence it is (a lead-in quoted for the sanction it states)
    referred: bool = False  # quoted whole before the sentence that answers by pointing back to it; no short answer


@dataclass
class _Question:
    info: QuestionInfo
    terms: set[str]
    word_bigrams: set[str]  # bigrams that are one word; all of them when the question has no diacritics
    numbers: set[str]
    years: set[str]
    entities: list[tuple[str, ...]] = field(default_factory=list)  # each as keys: as written, spelled out
    offices: list[str] = field(default_factory=list)  # "giám đốc", "thứ trưởng": the office a person holds
    places: set[str] = field(default_factory=set)  # the provinces it names, canonical
    boosted: set[str] = field(default_factory=set)  # terms of the focus noun and the units
    focus_keys: list[str] = field(default_factory=list)  # the focus noun and the units, as keys
    defined: dict[str, str] = field(default_factory=dict)  # acronyms of the question the passages define

    @property
    def folded(self) -> bool:
        return self.info.folded

    @property
    def kind(self) -> str:
        return self.info.kind

    def key(self, text: str) -> str:
        """The form names are matched in: words only, lower-cased, folded when the question has no diacritics."""
        return _flat(fold(text) if self.folded else text.lower())

    def keys(self, text: str) -> tuple[str, ...]:
        """key() of the text as written and with its abbreviations spelled out."""
        spelled = spell_out(text)
        return (self.key(text), self.key(spelled)) if spelled != text else (self.key(text),)

    def asked(self) -> Asked:
        return Asked(self.info, self.numbers, [k for e in self.entities for k in e], self.offices)


@dataclass
class Draft:
    """Everything the answerer found before the refusal decision: what calibration re-decides cheaply."""

    question: _Question | None
    hits: list[Hit]
    candidates: list[_Candidate] = field(default_factory=list)
    best_similarity: float = 0.0  # cosine of the best passage
    refusal: str | None = None  # a reason that holds whatever the thresholds: no hits, a name no passage has

    @property
    def best(self) -> _Candidate | None:
        return self.candidates[0] if self.candidates else None


def _kind_match(q: _Question, sentence: _Sentence, text: str) -> float:
    """How well a sentence holds the kind of fact the question asks for (spans.py finds the spans).

    Numbers already in the question ("11 tháng năm 2022") are not an answer to it.
    """
    kind = q.kind
    if kind in NUMERIC_KINDS or kind in ("date", "who", "place"):
        spans = typed_spans(q.asked(), text, sentence.start, sentence.end)
        best = max((fit for _, _, fit in spans), default=0.0)
        if kind in ("who", "place"):
            return 1.0 if best else 0.3
        return best
    if kind == "person":
        # The office asked about must be the one the sentence names: a Thứ trưởng is no answer to "Giám đốc".
        lowered = sentence.text.lower() if not q.folded else fold(sentence.text)
        if any(office not in lowered for office in q.offices):
            return 0.0
        return 1.0 if typed_spans(q.asked(), text, sentence.start, sentence.end) else 0.0
    if kind == "list":
        return 1.0 if _LIST_MARK.search(sentence.text) or sentence.text.count(",") >= 2 else 0.3
    if kind == "ordinal":
        assert q.info.ordinal is not None
        noun, n = q.info.ordinal
        items = list_items(text, sentence.start, sentence.end)
        return 1.0 if len(items) >= n and q.key(noun) in sentence.keys[0] else 0.2
    if kind == "definition":
        # A sentence that defines the very term asked about ("X: …", "X (Y): là …") beats one that only uses it.
        if defined_entry(q.asked(), text, sentence.start, sentence.end):
            return 1.5
        # "Mục tiêu … là gì" asks for content rather than a definition: the mark is a hint, not a requirement.
        return 1.0 if _DEFINITION_MARK.search(sentence.text) else 0.6
    if kind == "reason":
        return 1.0 if _REASON_MARK.search(sentence.text.lower()) else 0.4
    return 0.5


class ExtractiveAnswerer:
    """Picks the clause that answers from the hits, cites its passage with [n] and cuts the short answer out of it.

    With an `embedder` (the engine's query embedder), the best `semantic_candidates` sentences by words are also
    scored by meaning, `semantic_weight` per unit of cosine below the best one; without one, by words alone.
    """

    def __init__(
        self,
        max_sentences: int = 3,
        min_dense_score: float = Thresholds.min_dense_score,
        min_coverage: float = Thresholds.min_coverage,
        context_sentences: int = 2,
        embedder: Embedder | None = None,
        min_sentence_score: float = Thresholds.min_sentence_score,
        semantic_candidates: int = 4,
        semantic_weight: float = 8.0,
        close_sentence_score: float = Thresholds.close_sentence_score,
        close_coverage: float = Thresholds.close_coverage,
    ):
        self.max_sentences = max_sentences
        self.thresholds = Thresholds(min_dense_score, min_coverage, min_sentence_score, close_sentence_score, close_coverage)
        self.context_sentences = context_sentences
        self.embedder = embedder
        self.semantic_candidates = semantic_candidates
        self.semantic_weight = semantic_weight

    @property
    def min_dense_score(self) -> float:
        return self.thresholds.min_dense_score

    def answer(self, question: str, hits: list[Hit]) -> Answer:
        return self.decide(self.draft(question, hits))

    def draft(self, question: str, hits: list[Hit]) -> Draft:
        """Question analysed, candidates scored; the refusal decision is decide()'s."""
        question = normalize(question)
        if not hits:
            return Draft(None, hits, refusal="no passages")
        best_similarity = max(_similarity(h) for h in hits)
        q = self._question(question)
        q.defined = defined_abbreviations(h.text for h in hits) if acronyms(question) else {}
        if q.defined:
            # An acronym the passages define ("Học phí học kỳ (HPHK)") is met by the words it stands for, in the
            # question and in every sentence that writes it, so its definition is not the only sentence to say both.
            q.terms |= _terms(expand_defined(question, q.defined), q.folded)
        if not q.terms:
            return Draft(q, hits, best_similarity=best_similarity, refusal="no content words")
        evidence = (" ".join(q.key(_scope(h) + " " + h.text) for h in hits),
                    " ".join(q.key(spell_out(_scope(h) + " " + h.text)) for h in hits))
        if any(not _contains_any(evidence, e) for e in q.entities):
            # A place or body no passage mentions: the corpus cannot answer.
            return Draft(q, hits, best_similarity=best_similarity, refusal="a name no passage mentions")
        candidates = self._score(q, hits)
        if q.kind in _STRICT_KINDS and not q.info.implied:
            # A sentence without a number, a date or a name cannot answer "bao nhiêu", "khi nào" or "ai là
            # Giám đốc", however close it is.
            candidates = [c for c in candidates if c.kind_match > 0]
        if candidates and self.embedder is not None:
            self._add_semantic(question, candidates, hits)
        if not candidates:
            return Draft(q, hits, best_similarity=best_similarity, refusal="no sentence of the kind asked")
        return Draft(q, hits, candidates, best_similarity)

    def refuses(self, draft: Draft, thresholds: Thresholds | None = None) -> bool:
        """Whether the draft falls short of the thresholds (the answerer's own unless given)."""
        t = thresholds or self.thresholds
        best = draft.best
        if draft.refusal or best is None:
            return True
        near = draft.best_similarity >= t.min_dense_score or self._answers_however_far(best, t)
        return not near or not self._answers(best, t)

    def decide(self, draft: Draft, thresholds: Thresholds | None = None) -> Answer:
        """The answer of a draft, or a refusal when it falls short of the thresholds."""
        if self.refuses(draft, thresholds):
            return self._not_found(draft.hits)
        assert draft.question is not None
        t = thresholds or self.thresholds
        return self._compose(draft.question, self._choose(draft.question, draft.candidates, t, draft.hits), draft.hits)

    @staticmethod
    def _answers_however_far(c: _Candidate, t: Thresholds) -> bool:
        """Whether a sentence answers even from a passage below min_dense_score: by its meaning or its words."""
        by_meaning = c.semantic is not None and t.close_sentence_score < 1 and c.semantic >= t.close_sentence_score
        return by_meaning or (t.close_coverage < 1 and c.coverage >= t.close_coverage)

    @staticmethod
    def _answers(c: _Candidate, t: Thresholds) -> bool:
        """Whether a sentence is an answer rather than the nearest text: it covers enough of the question, is
        close enough in meaning and speaks of its year and names."""
        close = c.semantic is None or c.semantic >= t.min_sentence_score
        return c.coverage >= t.min_coverage and close and c.years_ok and c.entities_ok

    def _question(self, question: str) -> _Question:
        info = analyse(question)
        folded = info.folded
        spelled = spell_out(question)
        # "Định nghĩa của X": any sentence with "nghĩa vụ" would meet "nghĩa"; the term is what must be met.
        # "Định nghĩa của X", "Theo Điều 26, Bộ luật dân sự 2015, …": the opener and the scope are no terms to meet.
        asked = without_scope(question)
        terms = _terms(spell_out(without_term_opener(asked) if info.kind == "definition" else asked), folded)
        compared = _COMPARED_YEAR_FOLDED.findall(fold(question)) if folded else _COMPARED_YEAR.findall(question)
        q = _Question(
            info=info,
            terms=terms,
            word_bigrams={t for t in terms if " " in t} if folded else _word_bigrams(spelled),
            numbers={m.group(0) for m in _NUMBER.finditer(question)},
            years=set(_YEAR.findall(question)) - set(compared) - document_years(question),
            places=set(place_names(question)),
            offices=question_offices(question),
        )
        q.entities = [q.keys(e) for e in question_entities(question)]
        q.focus_keys = [q.key(spell_out(p)) for p in info.focus + info.units if q.key(p)]
        # Bigrams only ("doanh thu", "lượt khách"), unless the phrase is one syllable: "số" of "bộ chỉ số" says little.
        phrases = [_terms(spell_out(p), folded) for p in info.focus + info.units]
        q.boosted = {t for ts in phrases for t in ts if " " in t or len(ts) == 1} & terms
        return q

    def _sentences(self, q: _Question, hits: list[Hit]) -> list[list[_Sentence]]:
        out = []
        for i, hit in enumerate(hits):
            sentences = []
            # Passage text is normalized at ingest, so these offsets are offsets in hit.text.
            places = find_places(hit.text)
            title_key = q.key(hit.title)
            for a, b in sentence_spans(hit.text):
                sentences.append(_sentence(q, i, hit.text, a, b, places, title_key))
            out.append(sentences)
        return out

    def _score(self, q: _Question, hits: list[Hit]) -> list[_Candidate]:
        """Every sentence of four words or more as a candidate, best first; shorter ones are captions ("Ảnh minh
        họa.") and fragments."""
        per_hit = self._sentences(q, hits)
        candidates = [
            _Candidate(
                s,
                context=[c for c in sentences[max(0, j - self.context_sentences) : j][::-1] if not c.is_title],
                title_keys=q.keys(_scope(hits[i])),
                title_terms=_text_terms(hits[i].title, q.folded),
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
        weight = {t: math.log((n + 1) / (0.5 + df[t])) * (FOCUS_BOOST if t in q.boosted else 1.0) for t in terms}
        # "Hồ sơ gồm những giấy tờ nào?": the answer lists the papers without saying "giấy tờ"; what the
        # question asks for is no word the answer must cover.
        category = _terms(q.info.category, q.folded) if q.info.category else set()
        total = math.fsum(w for t, w in weight.items() if t not in category or df[t]) or 1.0
        passage_keys = [q.keys(_scope(h) + " " + h.text) for h in hits]
        # A name every passage mentions ("Thanh Hóa" over articles about Thanh Hóa) tells no passage from another;
        # its words would outweigh what the question asks about it, so ranking leaves them out.
        everywhere = [e for e in q.entities if all(_contains_any(k, e) for k in passage_keys)]
        name_terms = set().union(*(_terms(e[-1], q.folded) for e in everywhere)) if everywhere else set()
        topic = {t: w for t, w in weight.items() if df[t] and t not in name_terms}
        present = math.fsum(topic.values()) or 1.0
        entity_share = {e: sum(_contains_any(c.focus.keys, e) for c in candidates) / n for e in q.entities}
        best_similarity = max(_similarity(h) for h in hits)

        for c in candidates:
            own = c.focus.terms & weight.keys()
            near = set().union(*(s.terms for s in c.context)) & weight.keys()
            title = c.title_terms & weight.keys()
            # The title speaks for the whole document, so it vouches for a sentence less than its neighbours.
            c.coverage = (
                math.fsum(weight[t] for t in own | near) + 0.5 * math.fsum(weight[t] for t in title - own - near)
            ) / total
            c.kind_match = _kind_match(q, c.focus, hits[c.focus.hit_index].text)
            # Ranking counts only terms some sentence has; context counts half, the answer is in the focus.
            overlap = (
                math.fsum(topic.get(t, 0.0) for t in own)
                + 0.5 * math.fsum(topic.get(t, 0.0) for t in (near | title) - own)
            ) / present
            score = overlap + KIND_WEIGHT * c.kind_match
            score += FOCUS_BONUS * sum(_contains(c.focus.keys[-1], f) for f in q.focus_keys)
            score -= 0.5 * max(0.0, best_similarity - _similarity(hits[c.focus.hit_index]))
            # Search's order says more than the cosine alone (hybrid ranks the gold passage first more often).
            score += FIRST_HIT_BONUS if c.focus.hit_index == 0 else -RANK_PENALTY * c.focus.hit_index
            score += self._year_fit(q, c)
            if c.focus.is_title:
                score -= 0.2  # a headline announces what the sentences below it say
            if q.places and c.focus.places and not q.places & (c.focus.places | _places_of(c.context)):
                score -= 0.3  # "Thanh Hóa xếp thứ 12" is no answer about Hà Tĩnh
                c.entities_ok = False
            for e in q.entities:
                if _contains_any(c.focus.keys, e):
                    score += 0.3 * (1 - entity_share[e])  # a name most sentences share tells nothing
                elif _contains_any(c.title_keys, e) or any(_contains_any(s.keys, e) for s in c.context):
                    score += 0.15 * (1 - entity_share[e])  # the sentence speaks within that place's scope
                elif not _contains_any(passage_keys[c.focus.hit_index], e):
                    score -= 0.25  # the passage is about another place or body
                    c.entities_ok = False
            c.score = score
        candidates.sort(key=_rank, reverse=True)
        return candidates

    def _add_semantic(self, question: str, candidates: list[_Candidate], hits: list[Hit]) -> None:
        """Embeds the question and the best candidates by words, in one batch, and adds their cosine to the
        score relative to the closest one; candidates not embedded count as the farthest embedded one."""
        assert self.embedder is not None
        top = candidates[: self.semantic_candidates]
        if not has_diacritics(question):
            # The model reads unaccented Vietnamese poorly: the accents the passages give the words, as hybrid
            # search does before embedding a query.
            question = restore_diacritics(question, [h.text for h in hits])
        # The question as the dense search embedded it, so its vector is usually the one search just computed.
        query = self.embedder.embed_queries([expand_abbreviations(question)])[0]
        vectors = self.embedder.embed_passages([c.focus.text for c in top])
        cosines = np.asarray(vectors, dtype=np.float32) @ np.asarray(query, dtype=np.float32)
        for c, cosine in zip(top, cosines):
            c.semantic = float(cosine)
        best, worst = float(cosines.max()), float(cosines.min())
        for c in candidates:
            c.score += self.semantic_weight * ((c.semantic if c.semantic is not None else worst) - best)
        candidates.sort(key=_rank, reverse=True)

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
        if q.years & set(_YEAR.findall(" ".join(c.title_keys))):
            return 0.05
        c.years_ok = False
        return -0.3 if c.focus.years or any(s.years for s in c.context) else -0.1

    def _choose(
        self, q: _Question, candidates: list[_Candidate], t: Thresholds, hits: list[Hit]
    ) -> list[_Candidate]:
        """The best candidate; with it, for "bao nhiêu X và bao nhiêu Y", the best one for each unit it lacks, and
        for a sanction or a body asked about a listed case, the lead-in that states it."""
        best = candidates[0]
        chosen = [best]
        if q.info.compared:
            return self._compared(q, candidates, t)
        text = hits[best.focus.hit_index].text
        if _leads_in(text, best.focus) and not line_items(text, best.focus.end) and not best.focus.text.endswith(":"):
            # A heading with no listed lines under it ("Đại diện tham gia quan hệ dân sự") names the topic; the
            # sentence after it says what the rule is.
            after = [
                c for c in candidates if c.focus.hit_index == best.focus.hit_index and c.focus.start > best.focus.end
            ]
            if after:
                best = min(after, key=lambda c: c.focus.start)
                chosen = [best]
        if _asks_list(q) and (lead := _candidate_at(candidates, best, lead_in_of(text, best.focus.start))):
            return [lead]  # "Bất động sản bao gồm những loại nào?": the lead-in and every line, not one of them
        span = lead_in_of(text, best.focus.start)
        named = self._named_item(q, text, line_items(text, span[1])) if span else None
        if named and not best.focus.start <= named[0] < best.focus.end:
            # "Thời hạn giải quyết hồ sơ cấp đổi …?": of a lead-in's lines, the one that opens with the case asked
            # ("b) Hồ sơ cấp đổi là …"), not a sibling that shares more of the question's other words.
            best = _candidate_at(candidates, best, named) or best
            chosen = [best]
        lead = _lead_in_answer(q, best, candidates, text)
        if lead is not None:
            lead.whole = True
            return [lead, best]
        case = self._listed_case(q, best, hits)
        if case is not None:
            return case
        following = _pointing_back(best, candidates[:3])
        if following is not None:
            best.referred = True
            return [best, following]
        if len(q.info.units) < 2:
            return chosen
        for unit in q.info.units:
            key = q.key(unit)
            if any(_contains(k.focus.keys[0], key) for k in chosen) or len(chosen) >= self.max_sentences:
                continue
            for c in candidates[1:]:
                if _contains(c.focus.keys[0], key) and self._answers(c, t) and c.kind_match > 0:
                    chosen.append(c)
                    break
        return chosen

    def _listed_case(self, q: _Question, best: _Candidate, hits: list[Hit]) -> list[_Candidate] | None:
        """"Người là sĩ quan đầu hàng địch thì bị phạt tù bao nhiêu năm?": the best sentence states the offence and
        its sanction ("1. Người nào đầu hàng địch, thì bị phạt tù từ 03 năm đến 10 năm."), but the question names
        a case an article lists under a lead-in imposing a heavier one ("2. Phạm tội thuộc một trong các trường
        hợp sau đây, thì bị phạt tù từ 07 năm đến 15 năm:" above "a) Là chỉ huy hoặc sĩ quan;"). Penal codes and
        sanction decrees are written so. That lead-in and the line that says most of what the best sentence
        lacks, if one line alone does."""
        if not _sanction_asked(q):
            return None
        i = best.focus.hit_index
        text = hits[i].text
        lacking = q.terms - best.focus.terms
        asked = q.asked()
        typed = q.kind in _TYPED_KINDS
        # "… với số lượng bao nhiêu thì bị phạt tù đến 07 năm?": the question states the sanction and asks for the
        # case; the lead-in that imposes it says every figure of the sanction the question says ("làm chết 03
        # người …, thì bị phạt tù bao lâu?" states a case, not a sanction).
        sanction = _sanction_asked(q)
        sanction_words = q.info.text[sanction.start() :] if sanction else ""
        stated = [n for n in _NUMBER.findall(sanction_words) if not _YEAR.fullmatch(n)]
        cases = []
        for lead_in in re.finditer(r"[^\n]+:[ \t]*(?=\n)", text):
            a, b = lead_in.start(), lead_in.start() + len(lead_in.group(0).rstrip())
            if not _IMPOSES.search(text, a, b):
                continue
            named = bool(stated) and all(re.search(rf"(?<![\d.,]){re.escape(n)}(?![\d])", text[a:b]) for n in stated)
            fits = [fit for _, _, fit in typed_spans(asked, text, a, b)]
            if not named and typed and max(fits, default=0) < 1:
                continue  # a lead-in imposing a prison term says nothing of a fine asked about
            for item in line_items(text, b):
                if named and typed and not typed_spans(asked, text, *item):
                    continue  # the case asked for holds a figure of the kind asked ("3.000 cây trở lên")
                said = _text_terms(text[item[0] : item[1]], q.folded) & lacking
                cases.append((named, math.fsum(self._weight_of(q, t) for t in said), (a, b), item))
        if not cases:
            return None
        cases.sort(key=lambda c: c[:2], reverse=True)
        named, gain, lead_span, item = cases[0]
        if not (named or gain > 0) or (len(cases) > 1 and cases[1][:2] == (named, gain)):
            return None  # no line, or no one line, says what the question adds or asks for
        places = find_places(text)
        title_key = q.key(hits[i].title)
        own = line_words(text, *lead_span)
        lead, line = (
            _Candidate(
                _sentence(q, i, text, x, y, places, title_key), [], best.title_keys, best.title_terms, whole=True
            )
            for x, y in (own, item)
        )
        lead.referred = named  # the sanction the question states is no answer to it: the case is
        return [lead, line]

    def _compared(self, q: _Question, candidates: list[_Candidate], t: Thresholds) -> list[_Candidate]:
        """For "Sự khác nhau giữa X và Y": the best sentence about each, one that opens with it ("Văn bằng được
        cấp cho …") before one that only names it; the best sentence overall when neither has its own."""
        chosen: list[_Candidate] = []
        keys = [q.key(item) for item in q.info.compared]
        for key in keys:
            others = [k for k in keys if k != key]
            about = [
                c for c in candidates if c not in chosen and _contains(c.focus.keys[0], key) and self._answers(c, t)
            ]
            # Its own sentence first: one that opens with it and does not name the other ("Văn bằng, chứng chỉ
            # của Trường …" says what both are).
            own = sorted(
                about,
                key=lambda c: (
                    not c.focus.keys[0].startswith(key), any(_contains(c.focus.keys[0], k) for k in others)
                ),
            )
            if own:
                chosen.append(own[0])
        return chosen or candidates[:1]

    def _clause(self, q: _Question, c: _Candidate, text: str) -> tuple[tuple[int, int], tuple[int, int] | None]:
        """The span of text to quote for a candidate, and the short answer inside it."""
        s = c.focus
        sentence = (s.start, s.end)
        asked = q.asked()
        kind = q.kind
        typed = kind in _TYPED_KINDS
        if c.referred:
            return sentence, None
        if c.whole:
            return sentence, short_span(asked, text, s.start, s.end)
        items = line_items(text, s.end) if _leads_in(text, s) else []
        if typed and items and typed_spans(asked, text, s.start, s.end):
            items = []  # "… thì bị phạt tù từ 06 tháng đến 03 năm:": the figure asked is the lead-in's own
        if items:
            # "… thì thời hạn đó được tính như sau:" and its lines "a) Một năm là …", "b) Nửa năm là …": the item
            # the question names ("nửa năm") is the answer; when none stands out, every item is.
            item = self._named_item(q, text, items)
            if item is not None and (not typed or typed_spans(asked, text, *item)):
                return item, short_span(asked, text, *item)
            return (s.start, items[-1][1]), items_left(asked, items, text)
        if kind in SENTENCE_KINDS:
            return sentence, short_span(asked, text, s.start, s.end)  # none, unless a penalty is asked
        if kind == "ordinal":
            short = short_span(asked, text, s.start, s.end)
            return (short or sentence), short
        if kind == "definition":
            entry = defined_entry(asked, text, s.start, s.end)
            if entry:
                return entry  # "HPTCHL: mức học phí cho loại tín chỉ học lại", not the formula around it
            if term := defined_term(asked, text, s.start, s.end):
                return sentence, term  # "Tài sản vô chủ là tài sản mà …" for "Tài sản mà … được gọi là gì?"
        pieces, needs, verbs = clause_pieces(text, s.start, s.end)
        if len(pieces) <= 1:
            return sentence, short_span(asked, text, s.start, s.end)
        # The question's years and names scope the sentence, already checked; which clause answers is told by
        # its other words ("chỉ số Thể chế số", not "Hà Tĩnh năm 2021", in a sentence about both indexes).
        scope = set().union(*(_terms(y, q.folded) for y in q.years), *(_terms(e[0], q.folded) for e in q.entities))
        terms = [(_text_terms(text[p.start : p.end], q.folded) & q.terms) - scope for p in pieces]
        weights = self._piece_weights(q, pieces, terms)
        fits = [
            max((fit for _, _, fit in typed_spans(asked, text, p.start, p.end)), default=0.0) if typed else 0.0
            for p in pieces
        ]
        # No span of the kind asked anywhere in it ("… được quy định ở đâu?" answered by "trong hợp đồng lao
        # động"): where the answer stands is not known from its kind, so the sentence is cut as for a clause.
        typed = typed and any(fits)
        # The piece with the best-fitting span (a figure in the unit asked for beats any figure), then the one
        # saying most of the question.
        anchor = max(range(len(pieces)), key=lambda i: (round(fits[i], 2), weights[i]))
        gains = []
        for i in range(len(pieces)):
            inside = set().union(*terms[i + 1 : anchor + 1]) if i < anchor else set()
            gains.append(math.fsum(self._weight_of(q, t) for t in terms[i] - inside if t in q.boosted or " " in t))
        rivals = [f > 0 for f in fits]
        verbless = not verbs[anchor]
        first, last = choose_window(pieces, anchor, gains, rivals, needs, verbless)
        if len(q.info.units) >= 2:
            # Every unit asked for inside the window: "4 nhiệm vụ và 7 giải pháp" may sit in two pieces.
            holding = [
                i for i, p in enumerate(pieces) if any(q.key(u) in q.key(text[p.start : p.end]) for u in q.info.units)
            ]
            if holding:
                first, last = min(first, *holding), max(last, *holding)
        announced = False  # the window reached past "… các trường hợp sau:" into what it announces
        while (
            (_ANNOUNCES.search(text[pieces[last].start : pieces[last].end]) or not typed)
            and last + 1 < len(pieces)
            and pieces[last + 1].separator == ":"
        ):
            # "… theo các nguyên tắc sau: Kết quả đối sánh …": what is announced is the answer. Where no figure,
            # date or name is asked for, a lead-in ("Chi tiết thang điểm xét miễn anh văn: …") says nothing
            # by itself either.
            announced = announced or bool(_ANNOUNCES.search(text[pieces[last].start : pieces[last].end]))
            anchor = last = last + 1
        while (
            last + 1 < len(pieces) and pieces[last + 1].separator == "," and _BOUNDS.match(text, pieces[last + 1].start)
        ):
            last += 1  # "trong thời hạn 30 ngày, kể từ ngày nhận được quyết định": the span is bounded where it starts
        window = (pieces[first].start, pieces[last].end)
        if kind == "list":
            # The items follow the piece that announces them, to the end of the enumeration; without a head
            # ("gồm", ":"), the clauses after it are the items.
            items = list_items(text, pieces[anchor].start, s.end) or list_items(text, s.start, s.end)
            short = (items_left(asked, items, text) or (items[0][0], items[-1][1])) if items else None
            window = (window[0], max(window[1], short[1] if short else s.end))
        else:
            short = None if len(q.info.units) >= 2 else short_span(asked, text, pieces[anchor].start, pieces[anchor].end)
            short = short or short_span(asked, text, *window)
        if not typed and kind != "list":
            # A clause, a condition or a definition: its extent is not known from its kind, so the sentence is
            # quoted whole unless long; a long one from the clause that says most of the question on, since
            # what it asks about follows its words.
            if s.end - s.start <= LONG_SENTENCE:
                window = sentence
            else:
                while last + 1 < len(pieces) and pieces[last + 1].end - window[0] <= LONG_SENTENCE:
                    last += 1
                run = last
                while run + 1 < len(pieces) and pieces[run + 1].separator == ",":
                    run += 1
                if pieces[run].end - window[0] <= LONG_CLAUSE:
                    last = run  # "… phải thu hồi, tiêu hủy, chấm dứt …": not cut inside the clause or its list
                window = (window[0], max(window[1], pieces[last].end))
        if not typed and kind != "list" and short and pieces[anchor].end - 1 <= short[1] <= pieces[anchor].end:
            # "… buộc người vi phạm thu hồi, xóa bỏ, chấm dứt …": a short answer the anchor's comma cut inside an
            # enumeration is its first item only; it runs to the enumeration's last item.
            last_item = enumeration_end(text, pieces, anchor)
            if last_item > anchor:
                short = (short[0], strip_stop(text, short[0], pieces[last_item].end))
                window = (window[0], max(window[1], pieces[last_item].end))
        if announced and not typed and kind != "list":
            # "Sinh viên không được chuyển trường trong các trường hợp sau: A, B, C": every case is the answer,
            # however long the enumeration; its first item alone would read as the only one.
            window = (window[0], s.end)
        elif announced and kind == "date" and short and short[0] < pieces[anchor].start and starts_condition(text, short[0]):
            # "khi nào" answered by "nếu có đủ các điều kiện sau: A, B, C": the condition is all it lists.
            window, short = (window[0], s.end), None
        if s.end - s.start <= SHORT_SENTENCE:
            window = sentence  # too short to be worth cutting
        elif not text[window[1] : s.end].strip(" .…"):
            window = (window[0], s.end)  # a clause that ends the sentence is quoted with its full stop
        if (kind == "yesno" or asks_consequence(asked)) and short is None:
            # What the quote says of the predicate, or what follows from the condition, wherever it stands.
            short = short_span(asked, text, *window)
        if not typed and asks_group(asked):
            # "… áp dụng với đối tượng nào?": the group may open the sentence ("Đối với những sinh viên …, thì
            # không áp dụng …"), away from the clause that says the question's words.
            short = group_span(asked, text, *window) or short
        return window, short

    def _named_item(self, q: _Question, text: str, items: list[tuple[int, int]]) -> tuple[int, int] | None:
        """The one listed item that opens with question words no other item says, if there is one ("Nửa năm là
        sáu tháng" for "nửa năm được tính là?"); none when the question asks for a list."""
        if _asks_list(q):
            return None
        openings = [" ".join(_WORD.findall(text[a:b])[:ITEM_OPENING]) for a, b in items]
        terms = [_text_terms(o, q.folded) & q.terms for o in openings]
        df = Counter(t for ts in terms for t in ts)
        own = [math.fsum(self._weight_of(q, t) for t in ts if df[t] == 1) for ts in terms]
        best = max(range(len(items)), key=lambda i: own[i])
        runner_up = max((w for i, w in enumerate(own) if i != best), default=0.0)
        return items[best] if own[best] > runner_up else None  # a tie names no line

    @staticmethod
    def _weight_of(q: _Question, term: str) -> float:
        return FOCUS_BOOST if term in q.boosted else 1.0

    def _piece_weights(self, q: _Question, pieces: list[Piece], terms: list[set[str]]) -> list[float]:
        """How much of the question each piece says; a term every piece has tells none from another."""
        df = Counter(t for ts in terms for t in ts)
        n = len(pieces)
        return [math.fsum(math.log((n + 1) / (0.5 + df[t])) * self._weight_of(q, t) for t in ts) for ts in terms]

    def _compose(self, q: _Question, chosen: list[_Candidate], hits: list[Hit]) -> Answer:
        """Each quoted clause is followed by the [n] of its passage; one citation per passage, highlighting every
        span quoted from it and the sentence that names the question's year. Clauses are read in the order
        chosen: the one that answers first."""
        markers: dict[int, int] = {}
        quoted: dict[int, list[tuple[int, int]]] = {}
        support: dict[int, list[tuple[int, int]]] = {}
        parts: list[str] = []
        short_answer = None
        for c in chosen:
            hit_index = c.focus.hit_index
            text = hits[hit_index].text
            (start, end), short = self._clause(q, c, text)
            start, end = line_words(text, start, end)
            if any(a < end and start < b for a, b in quoted.get(hit_index, [])):
                continue
            marker = markers.setdefault(hit_index, len(markers) + 1)
            spans = quoted.setdefault(hit_index, [])
            after_last = spans and parts and parts[-1].endswith(f" [{marker}]") and spans[-1][1] <= start
            if after_last and not text[spans[-1][1] : start].strip():
                # The sentence right after the last one quoted: one quote, one marker.
                start = spans.pop()[0]
                parts.pop()
            spans.append((start, end))
            if c.year_source is not None:
                support.setdefault(hit_index, []).append((c.year_source.start, c.year_source.end))
            parts.append(f"{text[start:end]} [{marker}]")
            if short_answer is None and short is not None:
                a, b = short
                short_answer = ShortAnswer(text[a:b], marker, a, b)
        citations: list[Citation] = []
        for hit_index, marker in markers.items():
            hit = hits[hit_index]
            start, end = quoted[hit_index][0]
            spans = _merge_spans(hit.text, quoted[hit_index] + support.get(hit_index, []))
            # The quote comes first among the highlights: it is what the answer says.
            first = next(s for s in spans if s[0] <= start and end <= s[1])
            highlights = [first] + [s for s in spans if s != first]
            citations.append(Citation(hit, marker, hit.text[first[0] : first[1]], first[0], first[1], highlights))
        return Answer(answer=" ".join(parts), found=True, citations=citations, short_answer=short_answer)

    def _not_found(self, hits: list[Hit]) -> Answer:
        suggestions: list[Hit] = []
        for h in hits:
            if all(h.doc_id != s.doc_id for s in suggestions):
                suggestions.append(h)
        suggestions = suggestions[:3]
        if suggestions:
            return Answer(NOT_FOUND_WITH_SUGGESTIONS, found=False, suggestions=suggestions)
        return Answer(NOT_FOUND, found=False)


def _sentence(q: _Question, hit_index: int, passage: str, a: int, b: int, places, title_key: str) -> _Sentence:
    """passage[a:b] as a sentence the question is read against; `places` are find_places(passage)."""
    text = passage[a:b]
    years = set(_YEAR.findall(text)) - set(_COMPARED_YEAR.findall(text))
    named = {name for start, _, name in places if a <= start < b}
    keys = q.keys(text)
    is_title = a == 0 and keys[0] == title_key
    terms = _text_terms(text, q.folded)
    if q.defined and acronyms(text) & q.defined.keys():
        terms |= _text_terms(expand_defined(text, q.defined), q.folded)
    return _Sentence(hit_index, a, b, text, keys, terms, years, named, is_title)


def _scope(hit: Hit) -> str:
    """What a passage speaks within besides its own words: its document's title and, for a legal document, its
    issuer ("ỦY BAN NHÂN DÂN TỈNH THANH HÓA"): an article of a provincial decision does not name its province."""
    return f"{hit.title} {hit.issuer}" if hit.issuer else hit.title


_HEADING = re.compile(r"(?:Điều|Chương|Mục|Phần)\s+[\dIVXLC]+[.:]?\s*", re.IGNORECASE)


def _leads_in(text: str, s: _Sentence) -> bool:
    """Whether a sentence announces the lines after it: it ends its line, and it ends with a colon ("… như
    sau:") or is a heading without a full stop, the passage's first line or an article's ("Điều 31. Quyền đối
    với quốc tịch")."""
    line_start = text.rfind("\n", 0, s.start) + 1
    line_end = text.find("\n", s.end)
    if text[s.end : line_end if line_end >= 0 else len(text)].strip():
        return False
    if s.text.rstrip().endswith(":"):
        return True
    heading = line_start == 0 or bool(_HEADING.fullmatch(text[line_start : s.start]))
    return heading and not s.text.rstrip().endswith((".", ";", "?", "!"))


# "… trong trường hợp nào?": the cases a rule lists, every one of them.
_ASKS_CASES = re.compile(r"(?<!\w)truong hop nao(?!\w)")  # on the folded question


def _asks_list(q: _Question) -> bool:
    """A list question, or one asking for the cases a rule lists."""
    return q.kind == "list" or bool(_ASKS_CASES.search(fold(q.info.text)))


# What a penal or administrative rule does to whoever is in one of its listed cases.
_SANCTION = re.compile(r"(?<!\w)(?:phạt|xử phạt|xử lý|hình phạt|bồi thường|truy cứu|kỷ luật)(?!\w)", re.IGNORECASE)
_SANCTION_FOLDED = re.compile(fold(_SANCTION.pattern), re.IGNORECASE)
# A lead-in that imposes one: "…, thì bị phạt tù từ 12 năm đến 20 năm:", not "Việc xử lý kỷ luật … như sau:".
_IMPOSES = re.compile(r"(?<!\w)(?:bị|phải)\s+(?:phạt|xử phạt|xử lý|bồi thường|truy cứu|kỷ luật)(?!\w)", re.IGNORECASE)


def _sanction_asked(q: _Question) -> re.Match | None:
    """Where the question speaks of a sanction ("… thì bị phạt …"), if it does."""
    return (_SANCTION_FOLDED if q.folded else _SANCTION).search(fold(q.info.text) if q.folded else q.info.text)


def _lead_in_answer(q: _Question, best: _Candidate, candidates: list[_Candidate], text: str) -> _Candidate | None:
    """"Người cung cấp bí mật nhà nước cho nước ngoài bị phạt như thế nào?" is answered by a listed case, "c)
    Cung cấp … bí mật Nhà nước cho nước ngoài", whose sanction its lead-in states ("Người nào có một trong các
    hành vi sau đây, thì bị phạt tù từ 12 năm đến 20 năm, …:"), and "Bộ nào chịu trách nhiệm …?" by a listed duty
    whose lead-in names the body ("Bộ Quốc phòng có trách nhiệm sau đây:"): that lead-in, when the case does not
    say what is asked."""
    span = lead_in_of(text, best.focus.start)
    if span is None:
        return None
    sanction = _sanction_asked(q) and not _SANCTION.search(best.focus.text) and _IMPOSES.search(text[span[0] : span[1]])
    asked = q.asked()
    body = q.kind in ("who", "person") and not typed_spans(asked, text, best.focus.start, best.focus.end)
    if not sanction and not (body and typed_spans(asked, text, *span)):
        return None
    return _candidate_at(candidates, best, span)


# A sentence that opens by pointing back at the one before it ("Để thực hiện công việc này …", "Đây là trình tự
# mà …", "Khi đó …"); "Quy chế này", "Điều này" point at the document instead.
_POINTS_BACK = re.compile(
    r"^\W*(?:(?:đây|đó)(?!\w)|(?:\w+\s+){0,4}?(?<!quy chế )(?<!luật )(?<!nghị định )(?<!thông tư )(?<!quyết định )"
    r"(?<!điều )(?<!khoản )(?<!chương )(?<!mục )(?:việc|công việc|trường hợp|khi|theo|điều|nội dung|quy định) (?:này|đó)(?!\w))",
    re.IGNORECASE,
)


def _pointing_back(best: _Candidate, top: list[_Candidate]) -> _Candidate | None:
    """The candidate right after best in its passage when it opens by pointing back at best and ranks among `top`:
    "Sinh viên có thể đề nghị Trường cấp bảng điểm. Để thực hiện công việc này sinh viên phải … nộp lệ phí" answers
    what the procedure costs with both."""
    return next(
        (
            c for c in top
            if c is not best and c.focus.hit_index == best.focus.hit_index and c.context and c.context[0] is best.focus
            and _POINTS_BACK.search(c.focus.text)
        ),
        None,
    )


def _candidate_at(candidates: list[_Candidate], best: _Candidate, span: tuple[int, int] | None) -> _Candidate | None:
    """The candidate of best's passage whose sentence holds span's start (a lead-in), if any."""
    if span is None:
        return None
    return next(
        (c for c in candidates if c.focus.hit_index == best.focus.hit_index and c.focus.start <= span[0] < c.focus.end),
        None,
    )


def _rank(c: _Candidate) -> tuple[bool, float]:
    """A sentence of another year or place never outranks one that speaks of the question's."""
    return c.years_ok and c.entities_ok, c.score


def _places_of(sentences: list[_Sentence]) -> set[str]:
    return set().union(*(s.places for s in sentences)) if sentences else set()


def _merge_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans, with spans that overlap or that only whitespace separates joined into one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or not text[merged[-1][1] : start].strip()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def answer_pieces(answer: Answer) -> Iterator[str]:
    """The answer text in the pieces a stream sends: one quoted clause with its marker at a time."""
    for piece in re.findall(r".+?\[\d+\](?:\s+|$)|.+$", answer.answer, flags=re.S):
        yield piece

