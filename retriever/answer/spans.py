"""Short answers: the least of a quoted clause that answers the question ("99%", "thứ 12/63", "Nguyễn Phú Tiến",
"tháng ba", "không được tính"), as offsets into the passage.

Spans of the kind the question asks for come first (figures, dates, names, the items of a list, the n-th item);
otherwise the question is aligned with the clause: the words around its question word ("số tín chỉ tối đa là
bao nhiêu") are found in the clause, and what stands where the question word stood is the answer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from retriever.answer.clauses import PROVISION_WORDS, list_items
from retriever.answer.question import (
    BASIS_QUESTION,
    NUMERIC_KINDS,
    STOP_WORDS,
    STOP_WORDS_FOLDED,
    TERM_OPENERS,
    QuestionInfo,
    capitalized_names,
    person_names,
)
from retriever.text.normalize import fold
from retriever.text.numbers import QUALIFIERS, date_spans, figures
from retriever.text.places import find_places
from retriever.text.sentences import tagged_spans

_TOKEN = re.compile(r"\w+(?:[.,/%&-]\w+)*%?")
_COMPARED = re.compile(r"(?:so với|cùng kỳ|so cùng kỳ)(?: cùng kỳ)?(?: năm)?\s*$", re.IGNORECASE)
_QUALIFIER_AT = re.compile(rf"^(?:{QUALIFIERS})\s+", re.IGNORECASE)
_FROM, _UPTO = re.compile(r"(?:từ|trên)\s", re.IGNORECASE), re.compile(r"(?:đến|tới)(?:\s+dưới)?\s", re.IGNORECASE)
# The question asks for a range's upper end or its lower one; "từ bao nhiêu đến bao nhiêu" for both. Matched as
# written: folded, "tù" (prison) would read as "từ".
_ONE_END_PATTERN = (
    # group 1: the upper end; group 2: the lower one
    r"(?<!\w)(?:(đến|tới|tối đa|lên đến|lên tới|nhiều nhất)|(tối thiểu|ít nhất|từ))\s+(?:là\s+)?bao(?!\w)"
)
_BOTH_ENDS_PATTERN = r"(?<!\w)từ\s+bao\s+\w+(?:\s+\w+)?\s+đến\s+bao(?!\w)"
_ONE_END = {False: re.compile(_ONE_END_PATTERN), True: re.compile(fold(_ONE_END_PATTERN))}
_BOTH_ENDS = {False: re.compile(_BOTH_ENDS_PATTERN), True: re.compile(fold(_BOTH_ENDS_PATTERN))}
_UNIT_TRAILER = re.compile(r"\s+(?:trở lên|trở xuống)(?!\w)", re.IGNORECASE)
# Words that stand between the question's words and the answer in the clause ("… tối đa là 24").
_FILLERS = {
    "là", "gồm", "bao", "gồm có", "được", "thì", "sẽ", "như", "sau", "đây", "đó", "có", "phải", "bằng", "vào", "tại",
    "ở", "cho", "của", "các", "những", "việc", "bởi", "do", "với",
}
_FILLERS_FOLDED = {fold(w) for w in _FILLERS}


def _written_or_folded(*words: str) -> frozenset[str]:
    """Words as clause tokens key them, with diacritics or, for a question typed without, folded."""
    return frozenset(words) | {fold(w) for w in words}


# Words that cannot end an answer: they join it to what follows ("ĐTBCTL được" of "ĐTBCTL được dùng để xét").
_JOINING = {"là", "được", "thì", "sẽ", "vào", "tại", "ở", "cho", "của", "các", "những", "bởi", "do", "với", "và", "hoặc"}
# Where the answer to "ai"/"ở đâu" ends: a purpose, a condition or a scope follows.
_NAME_END = re.compile(  # "người đại diện theo pháp luật" is one name
    r"\s(?:để|nhằm|khi|nếu|theo(?!\s+(?:pháp luật|ủy quyền))|trên địa bàn|trong|sau|trước|chậm nhất|kể từ|với)\s",
    re.IGNORECASE,
)
_BODY_HEADS = (
    "Bộ", "Sở", "Ủy ban", "UBND", "HĐND", "Hội đồng", "Phòng", "P.", "Ban", "Cục", "Vụ", "Tổng cục", "Trường",
    "Khoa", "Chính phủ", "Quốc hội", "Thủ tướng", "Tòa án", "Viện", "Công an", "Hiệu trưởng", "Hiệu phó",
    "Giám đốc", "Chủ tịch", "Bộ trưởng", "Trưởng",
)
# Words that open a head without naming a body: "Trường hợp", "Bộ luật này", "Ban hành", "Phòng ngừa", "Vụ việc".
_NOT_BODY_AFTER = {
    "Trường": "hợp", "Bộ": "luật|phận|máy|hồ sơ|chỉ số|chứng từ", "Ban": "hành|đầu|ngày|đêm",
    "Phòng": "ngừa|chống|tránh", "Vụ": "việc|án|mùa", "Khoa": "học",
}
# The fields of ministries, provincial departments and district offices, written with lower-case syllables that
# end no name ("Bộ Công an", "Sở Kế hoạch và Đầu tư", "Phòng Tài nguyên và Môi trường"); longest first.
_FIELDS = sorted(
    (
        "Quốc phòng", "Công an", "Ngoại giao", "Nội vụ", "Tư pháp", "Kế hoạch và Đầu tư", "Tài chính", "Công Thương",
        "Nông nghiệp và Phát triển nông thôn", "Giao thông vận tải", "Xây dựng", "Tài nguyên và Môi trường",
        "Thông tin và Truyền thông", "Lao động - Thương binh và Xã hội", "Lao động, Thương binh và Xã hội",
        "Văn hóa, Thể thao và Du lịch", "Văn hóa và Thông tin", "Khoa học và Công nghệ", "Giáo dục và Đào tạo",
        "Y tế", "Tài chính - Kế hoạch", "Kinh tế - Hạ tầng", "Kinh tế", "Quản lý đô thị", "Tư pháp - Hộ tịch",
        "Công tác sinh viên", "Kế hoạch – Tài chính", "Kế hoạch - Tài chính", "Tổ chức cán bộ", "Hành chính - Tổng hợp",
        "Đào tạo", "Đào tạo Đại học", "Đào tạo Sau đại học", "Khảo thí và Đảm bảo chất lượng", "Thanh tra - Pháp chế",
        "Thanh tra", "Tổ chức - Hành chính", "Quản trị - Thiết bị",
    ),
    key=len,
    reverse=True,
)
_FIELD_BODY = r"(?<!\w)(?:Bộ|Sở|Phòng|Cục|Vụ|Ban)\s+(?:" + "|".join(re.escape(f) for f in _FIELDS) + r")(?!\w)"
# The people's councils, committees, courts and procuracies, by level or by the place they serve: "Ủy ban nhân
# dân cấp huyện", "HĐND tỉnh Thanh Hóa", "Tòa án nhân dân tối cao" (text is normalized to "Ủy", "Tòa").
_PEOPLES_BODY = (
    r"(?<!\w)(?:(?:Ủy ban|Hội đồng|Tòa án|Viện kiểm sát) nhân dân|UBND|HĐND|TAND|VKSND)(?:\s+(?:tối cao|cấp (?:tỉnh|huyện|xã)"
    r"|(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)(?:\s+[A-ZĐ][\w-]*)*))?(?!\w)"
)
# Bodies named with lower-case syllables inside: "Đảng Cộng sản Việt Nam", "Mặt trận Tổ quốc Việt Nam".
_NAMED_BODY = r"(?<!\w)(?:Đảng Cộng sản Việt Nam|Mặt trận Tổ quốc Việt Nam|Đoàn Thanh niên Cộng sản Hồ Chí Minh)(?!\w)"
_BODY = re.compile(
    _NAMED_BODY + "|" + _PEOPLES_BODY + "|" + _FIELD_BODY + r"|(?<!\w)(?:"
    + "|".join(
        re.escape(h) + (rf"(?!\s+(?:{_NOT_BODY_AFTER[h]})(?!\w))" if h in _NOT_BODY_AFTER else "") for h in _BODY_HEADS
    )
    + r")(?:\s+(?:và|&)?\s*[A-ZĐ][\w&.-]*)*"
    r"|(?<!\w)(?:P\.\s*)?(?![IVXLCDM]+(?!\w))[A-ZĐ]{2,}(?:[&-][A-ZĐ]+)*(?!\w)"  # "quý II" names no body
)
# A head whose office or unit runs on in lower case: "Trưởng khoa/Trưởng bộ môn quản lý ngành …", "Khoa/bộ môn …",
# "Hiệu trưởng trường tiếp nhận"; not a verb after it ("Hiệu trưởng ký", "Tòa án chỉ định").
_RUNS_ON = re.compile(r"/|\s+(?:khoa|bộ môn|phòng|ban|trường|đơn vị|cơ quan|tổ|viện|sở|bộ|cục|vụ)(?!\w)")
_TIME_CLAUSE = re.compile(
    r"(?<!\w)(?:(?:\w+\s+(?:ngày|tuần|tháng)\s+)?(?:ngay\s+)?(?:tại|vào|từ|kể từ|trước|sau|đến|cho đến|chậm nhất)\s+)?"
    r"(?:thời điểm|khi|lúc)\s+[^,;.()]{3,80}",
    re.IGNORECASE,
)
# "… bị đình chỉ học tập 1 năm học nếu vi phạm lần đầu …": a rule's condition answers "khi nào" too, unless the
# question sets a condition of its own ("Nếu các bên không có thoả thuận … thì khi nào …?") and asks for a time.
_CONDITION = re.compile(r"(?<!\w)(?:nếu|trong trường hợp)\s+[^,;.()]{3,80}", re.IGNORECASE)
_SETS_CONDITION = re.compile(r"(?<!\w)(?:neu|truong hop)(?!\w)")  # on the folded question, typed either way
# "tại" or "ở" and a name that opens with a capital, to the next punctuation or a word of time, purpose or manner.
_OFFICE_WORDS = r"(?:\s+(?!(?:trong|vào|từ|trước|sau|khi|để|theo|cho|và|hoặc|kể)(?!\w))[\w&/-]+){0,7}"
_AT_OFFICE = re.compile(
    r"(?<!\w)(?:tại|ở)\s+[A-ZĐ][\w&-]*(?:\.(?=\s+[A-ZĐ]))?"  # "tại P. ĐTĐH": an initial's full stop ends nothing
    + _OFFICE_WORDS
    # "… hoặc văn phòng khoa/bộ môn …", "… hoặc qua Cổng dịch vụ công quốc gia": the other place one may go to.
    + r"(?:\s+(?:hoặc|và)\s+(?:(?:tại|ở|qua)\s+)?(?:(?:văn phòng|phòng|bộ phận|khoa|trường|cơ quan)(?!\w)|[A-ZĐ])"
    + r"[\w&/-]*" + _OFFICE_WORDS + ")?"
)
_PROVISION = rf"{PROVISION_WORDS}\s+(?:\d+[a-z]?|[a-zđ])(?!\w)"
_AT_PROVISION = re.compile(
    rf"(?<!\w)(?:tại|ở)\s+{_PROVISION}(?:,?\s+{_PROVISION})*"
    r"(?:\s+(?:điều|khoản|mục|chương) này|\s+của\s+(?:quy chế|luật|bộ luật|nghị định|thông tư|quyết định)(?:\s+này)?)?",
    re.IGNORECASE,
)
_WHICH = re.compile(r"nao|gi")  # the question word of "N nào", "cái gì", folded
_WHICH_BODY = re.compile(r"(?<!\w)(bo|so|phong|ban|cuc|vu|truong|uy ban|toa an|vien) nao(?!\w)")  # folded question
_ASKS_RULE = re.compile(r"(?<!\w)quy dinh(?!\w)")  # on the folded question
_NEGATION = re.compile(r"(?:không|chưa|không được|chưa được|không phải|không bị|chưa bị)\s+$", re.IGNORECASE)


@dataclass
class Asked:
    """What the question already says, so that it is never given back as the answer."""

    info: QuestionInfo
    numbers: set[str] = field(default_factory=set)
    entity_keys: list[str] = field(default_factory=list)
    offices: list[str] = field(default_factory=list)

    def key(self, text: str) -> str:
        return " ".join(re.findall(r"\w+", fold(text) if self.info.folded else text.lower()))

    @cached_property
    def folded_text(self) -> str:
        """The question without diacritics, lower-cased: what its own conditions and asks are looked for in."""
        return fold(self.info.text)

    @cached_property
    def content_words(self) -> set[str]:
        """The question's words that carry evidence (no function or question words), as clauses are keyed."""
        return {t for _, _, t in _tokens(self.info.text, 0, len(self.info.text), self.info.folded)} - STOP_WORDS

    def said(self, text: str) -> bool:
        """Whether the question itself says `text` (as whole words)."""
        key = self.key(text)
        return bool(key) and re.search(rf"(?<!\w){re.escape(key)}(?!\w)", self.key(self.info.text)) is not None


def _tokens(text: str, start: int, end: int, folded: bool) -> list[tuple[int, int, str]]:
    return [
        (start + m.start(), start + m.end(), fold(m.group(0)) if folded else m.group(0).lower())
        for m in _TOKEN.finditer(text[start:end])
    ]


def typed_spans(asked: Asked, text: str, start: int, end: int) -> list[tuple[int, int, float]]:
    """Spans of text[start:end] of the kind the question asks for, with how well each fits (1: the very kind,
    less: a near one: a count where a percentage is asked). Figures and names the question says are left out."""
    kind = asked.info.kind
    if kind in NUMERIC_KINDS:
        return _figure_spans(asked, text, start, end)
    if kind == "date":
        # "khi nào" in a rule is answered by the event it waits for: "kể từ thời điểm hoàn thành thủ tục đăng
        # ký", "khi trả lại tài sản thuê", "hai tuần trước khi bắt đầu học kỳ", or by the condition it sets.
        events = list(_TIME_CLAUSE.finditer(text, start, end))
        out = []
        for a, b in date_spans(text[start:end]):
            a, b = start + a, start + b
            if asked.said(text[a:b]) or _COMPARED.search(text[max(0, a - 20) : a]):
                continue
            if any(m.start() <= a and b <= m.end() for m in events):
                continue  # "tuần trước" of "Hai tuần trước khi bắt đầu học kỳ" is no last week
            out.append((a, b, 1.0))
        clauses = events
        if not _SETS_CONDITION.search(asked.folded_text):
            clauses += _CONDITION.finditer(text, start, end)
        return out + _near_spans(asked, clauses, out)
    if kind == "person":
        return _name_spans(asked, text, start, end, person_names(text[start:end]))
    if kind == "who":
        names = [m.group(0).strip() for m in _BODY.finditer(text[start:end])] + capitalized_names(text[start:end])
        return _name_spans(asked, text, start, end, names)
    if kind == "place":
        out = [
            (start + a, start + b, 1.0)
            for a, b, _ in find_places(text[start:end])
            if not asked.said(text[start + a : start + b])
        ]
        # Where a citizen files or gets something is an office more often than a province ("tại Phòng Công tác
        # sinh viên", "ở Bộ phận Một cửa của UBND xã"); a provision ("tại Khoản 1 Điều 5") is where a rule is
        # set ("quy định ở đâu"), not where anyone files anything.
        found = [m for m in _AT_OFFICE.finditer(text, start, end) if not _AT_PROVISION.match(m.group(0))]
        if _ASKS_RULE.search(asked.folded_text):
            found += _AT_PROVISION.finditer(text, start, end)
        return out + _near_spans(asked, found, out)
    return []


def starts_condition(text: str, at: int) -> bool:
    """Whether text[at:] opens with a rule's condition ("nếu …", "trong trường hợp …")."""
    return _CONDITION.match(text, at) is not None


def _near_spans(asked: Asked, matches, exact: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Clauses that answer nearly as well as the very kind asked (fit 0.7), each starting outside the spans
    before it and not said by the question."""
    near: list[tuple[int, int, float]] = []
    for m in matches:
        if not any(a <= m.start() < b for a, b, _ in exact + near) and not asked.said(m.group(0)):
            near.append((m.start(), m.end(), 0.7))
    return near


def _figure_spans(asked: Asked, text: str, start: int, end: int) -> list[tuple[int, int, float]]:
    kind = asked.info.kind
    wanted = {"number": "count", "percent": "percent", "money": "money", "duration": "duration", "rank": "rank"}[kind]
    provision_asked = _ASKS_PROVISION.search(asked.folded_text)
    out = []
    for a, b, found in figures(text[start:end]):
        a, b = start + a, start + b
        digits = set(re.findall(r"\d+(?:[.,]\d+)*", text[a:b]))
        if digits and digits <= asked.numbers:
            continue  # "11 tháng năm 2022" in the question is no answer to it
        if not provision_asked and _PROVISION_BEFORE.search(text, max(start, a - 10), a):
            continue  # "Điều 108", "khoản 1": a reference, no amount
        if found == wanted or (kind == "number" and found in ("count", "duration", "money", "percent", "rank")):
            fit = 1.0
        elif kind == "rank" and found == "count":
            fit = 0.6
        else:
            fit = 0.4
        if _unit_after(asked, text, b, end):
            fit += 0.5  # "bao nhiêu lượt khách": a figure of those, not of "ngày khách"
        out.append((a, b, fit))
    return out


def _name_spans(asked: Asked, text: str, start: int, end: int, names: list[str]) -> list[tuple[int, int, float]]:
    out = []
    window = text[start:end]
    for name in dict.fromkeys(names):
        key = asked.key(name)
        if not key or any(e in key or key in e for e in asked.entity_keys) or asked.said(name):
            continue
        at = window.find(name)
        if at >= 0:
            out.append((start + at, start + at + len(name), 1.0))
    return out


def short_span(asked: Asked, text: str, start: int, end: int) -> tuple[int, int] | None:
    """The short answer inside text[start:end], or None when the question wants a sentence or nothing fits."""
    span = _short_span(asked, text, start, end)
    if span is None:
        return None
    # Function words alone ("nào" of "Người nào cho thuê …") answer nothing.
    words = [w.lower() for w in re.findall(r"\w+", text[span[0] : span[1]])]
    return span if any(w not in STOP_WORDS and w not in _FILLERS for w in words) else None


# "… thì bị phạt như thế nào?", "… bị xử phạt ra sao?": the penalty asked, a phrase and not the whole rule ("bị xử
# lý" asks for a measure that is seldom a "phạt": "buộc thôi học"). Matched on the folded question, typed either way.
_ASKS_PENALTY = re.compile(r"(?<!\w)bi (?:xu )?phat(?: (?:tien|tu))?(?: \w+)? (?:nhu the nao|the nao|ra sao)")
# What the rule does to the offender: "thì bị phạt tù từ 12 năm đến 20 năm, tù chung thân hoặc tử hình", up to the
# end of the clause, not a penalty its condition names ("sinh viên vi phạm pháp luật bị xử phạt tù"); the kinds of
# penalty within it, each up to the next.
_PENALTY = re.compile(r"(?:(?<!\w)thì|(?<!\w)sẽ|,)\s+(?:có thể\s+)?bị\s+(?=(?:xử\s+)?phạt(?!\w))", re.IGNORECASE)
_PENALTY_KINDS = ("phạt tiền", "phạt tù", "phạt cải tạo không giam giữ", "phạt cảnh cáo")


def _penalty(asked: Asked, text: str, start: int, end: int) -> tuple[int, int] | None:
    """For "… thì bị phạt như thế nào?": the penalty the clause imposes, from "phạt" to the clause's end; of one
    kind when the question names it ("bị phạt tiền như thế nào?" → "từ 50.000.000 đồng đến 100.000.000 đồng")."""
    m = _PENALTY.search(text, start, end)
    if m is None:
        return None
    a = m.end()
    stop = re.search(r"[.;:](?!\d)|\n", text[a:end])
    b = a + stop.start() if stop else end
    for kind in _PENALTY_KINDS:
        if not asked.said(kind):
            continue
        at = text.lower().find(kind, a, b)
        if at < 0:
            return None  # a fine is asked; this clause imposes none
        a = at + len(kind)
        following = re.search(r",\s|\s+hoặc\s", text[a:b])
        b = a + following.start() if following else b
        break
    while b > a and text[b - 1] in " ,":
        b -= 1
    while a < b and text[a] == " ":
        a += 1
    return (a, b) if b > a else None


# "Trường sẽ tiến hành làm gì?", "… phải làm thủ tục gì?": what is done, a phrase where it stands in the rule
# ("xử lý học vụ"), unlike how it is done ("làm thế nào"), which a sentence answers.
_ASKS_ACTION = re.compile(r"(?<!\w)(?:lam gi|thu tuc gi)(?!\w)")
# The duty a rule sets, after the word that sets it: "… thì phải làm đơn xin gia hạn …", "… có trách nhiệm kiểm
# soát nội dung thông tin".
_DUTY = re.compile(r"(?<!\w)(?:phải|cần phải|cần|nên|có trách nhiệm|có nghĩa vụ)\s+", re.IGNORECASE)
_STOP = re.compile(r"(?<!(?<!\w)[A-ZĐ])(?<!(?<!\w)TP)[;.](?:\s|$)")  # "P. ĐTĐH", "TP. Huế" end nothing
_CLAUSE_END = re.compile(_STOP.pattern.replace("[;.]", "[;.:]"))


def _action(asked: Asked, text: str, start: int, end: int) -> tuple[int, int] | None:
    """For "… thì phải làm gì?": what the rule says must be done, from the word that sets the duty to the end of
    its clause ("làm đơn xin gia hạn đóng học phí và nộp về Phòng Kế hoạch – Tài chính"); None where no duty is set."""
    duty = _DUTY.search(text, start, end)
    return _to_clause_end(text, duty.end(), end) if duty else None


def _to_clause_end(text: str, a: int, end: int) -> tuple[int, int] | None:
    """text[a:] up to the end of its clause (";", ":", a full stop) or `end`."""
    stop = _CLAUSE_END.search(text, a, end)
    return _trimmed(text, a, stop.start() if stop else end, " ,")


def _trimmed(text: str, a: int, b: int, trailing: str) -> tuple[int, int] | None:
    """(a, b) without the `trailing` characters it ends with, or None when nothing is left."""
    while b > a and text[b - 1] in trailing:
        b -= 1
    return (a, b) if b > a else None


# "… dựa vào đâu?", "… trên cơ sở nào?", "căn cứ nào …?": the basis a rule names after "dựa trên", "căn cứ vào",
# "trên cơ sở" ("dựa trên ĐTBTLTK theo bảng sau"), to the end of its clause.
_ASKS_BASIS = re.compile(fold(BASIS_QUESTION))  # on the folded question
_BASIS = re.compile(
    r"(?<!\w)(?:dựa (?:vào|trên)(?: cơ sở(?: của)?)?|căn cứ(?: vào)?|trên cơ sở(?: của)?)\s+", re.IGNORECASE
)


def _basis(text: str, start: int, end: int) -> tuple[int, int] | None:
    basis = _BASIS.search(text, start, end)
    return _to_clause_end(text, basis.end(), end) if basis else None


# "Nếu … thì sao?", "… thì bị xử lý thế nào?", "… dẫn đến hậu quả gì?": what a rule does once its condition holds
# (citizens ask so of every duty: "Nếu nộp hồ sơ trễ thì sao?"). Not "thì nên xử lý thế nào" (what to do), not a
# "hậu quả" that is part of the condition ("gây hậu quả nghiêm trọng"). Matched on the folded question.
_ASKS_CONSEQUENCE = re.compile(
    r"(?<!\w)thi (?:se )?(?:sao|ra sao|the nao|nhu the nao)\W*$|(?<!\w)(?:thi|se|bi) (?:bi )?xu ly"
    r" (?:nhu the nao|the nao|ra sao)|(?<!\w)hau qua (?:gi|nhu the nao|the nao|ra sao)(?!\w)"
)
# The rule, written either way: "Nếu <condition> thì <consequence>" or "<subject> <consequence> nếu <condition>"; the
# consequence opens with what befalls the subject ("bị buộc thôi học", "phải có giấy ủy quyền").
_THEN = re.compile(r"(?<!\w)thì\s+", re.IGNORECASE)
_IF = re.compile(r"\s(?:nếu|khi|trong trường hợp)\s", re.IGNORECASE)
_BEFALLS = re.compile(r"(?<!\w)(?:sẽ\s+)?(?:không\s+)?(?:bị|được|phải|có thể|cần)(?!\w)", re.IGNORECASE)


def asks_consequence(asked: Asked) -> bool:
    return bool(_ASKS_CONSEQUENCE.search(asked.folded_text))


def _consequence(asked: Asked, text: str, start: int, end: int) -> tuple[int, int] | None:
    """For "Nếu … thì sao?": what the rule says follows when the condition the question sets holds ("bị buộc thôi
    học", "học phần đó sẽ được điểm …"); None unless the rule's condition says some of the question's words."""
    wanted = asked.content_words

    def says_condition(a: int, b: int) -> bool:
        return bool(wanted & {t for _, _, t in _tokens(text, a, b, asked.info.folded)})

    stop = _STOP.search(text, start, end)
    first_end = stop.start() if stop else end  # the rule's own clause; its condition may list cases past it
    then = _THEN.search(text, start, first_end)
    if then and says_condition(start, then.start()):
        a, b = then.end(), first_end
    elif (cond := _IF.search(text, start, first_end)) and says_condition(cond.end(), end):
        befalls = _BEFALLS.search(text, start, cond.start())
        if befalls is None:
            return None
        a, b = befalls.start(), cond.start()
    else:
        return None
    return _trimmed(text, a, b, " ,:")


# "… được áp dụng cho đối tượng nào?", "Đối tượng nào được làm đơn …?": a group of people, named by its head noun and
# what sets it apart ("sinh viên có hoàn cảnh đặc biệt khó khăn"); citizens ask so about every benefit and duty.
# "Ai …?" is not: its answer is a body or a person more often than a group ("cố vấn học tập", "Hiệu trưởng").
_ASKS_GROUP = re.compile(r"(?<!\w)doi tuong (?:nao|gi)(?!\w)")  # on the folded question
_GROUP = re.compile(
    r"(?<!\w)(?:sinh viên|học viên|học sinh|thí sinh|nghiên cứu sinh|người lao động|người sử dụng lao động|người học"
    r"|người nộp thuế|người dân|người|cán bộ|công chức|viên chức|công dân|cá nhân|tổ chức|doanh nghiệp|hộ gia đình"
    r"|hộ|trẻ em)(?!\w)",
    re.IGNORECASE,
)
# Where the group's name ends: punctuation, or the rule's own predicate, condition or scope after it. A verb inside
# the name stays ("sinh viên còn phải học ít hơn 14 tín chỉ", "sinh viên có hoàn cảnh …").
_GROUP_END = re.compile(r"[,;:.()]|\s(?:thì|theo|để|nếu|khi|trong|sẽ|được|(?<!còn )phải)(?!\w)", re.IGNORECASE)


def asks_group(asked: Asked) -> bool:
    return asked.info.kind == "what" and bool(_ASKS_GROUP.search(asked.folded_text))


def group_span(asked: Asked, text: str, start: int, end: int) -> tuple[int, int] | None:
    """The first group of people text[start:end] names as a noun that the question does not already name, with
    what sets it apart ("sinh viên khóa tuyển mới"), or None."""
    nouns = {a for a, _, tag in tagged_spans(text[start:end]) if tag.startswith("N")}
    for m in _GROUP.finditer(text, start, end):
        if m.start() - start not in nouns:
            continue  # "Trường tổ chức đào tạo …": a verb, no group
        stop = _GROUP_END.search(text, m.end(), end)
        b = stop.start() if stop else end
        if re.search(r"\w", text[m.end() : b]) and not asked.said(text[m.start() : b]):
            return m.start(), b
    return None


def _short_span(asked: Asked, text: str, start: int, end: int) -> tuple[int, int] | None:
    info = asked.info
    kind = info.kind
    if asks_group(asked) and (group := group_span(asked, text, start, end)):
        return group
    if kind == "manner" and _ASKS_PENALTY.search(asked.folded_text):
        return _penalty(asked, text, start, end)
    if asks_consequence(asked):
        return _consequence(asked, text, start, end)
    if kind == "manner" and _ASKS_ACTION.search(asked.folded_text):
        return _action(asked, text, start, end)
    if kind in ("reason", "manner"):
        return None
    if _ASKS_BASIS.search(asked.folded_text) and (basis := _basis(text, start, end)):
        return basis
    if kind == "ordinal":
        return _ordinal_item(asked, text, start, end)
    if kind == "definition":
        entry = defined_entry(asked, text, start, end)
        if entry:
            return entry[1]
        return defined_term(asked, text, start, end) or _aligned(asked, text, start, end)
    if kind == "list":
        items = list_items(text, start, end)
        if items:
            return items[0][0], items[-1][1]
        return _aligned(asked, text, start, end)
    if kind == "yesno":
        return _predicate(asked, text, start, end)
    spans = typed_spans(asked, text, start, end)
    if spans:
        best = _best_typed(asked, text, start, end, spans)
        if kind == "who" and text[best[0] : best[1]] in _BODY_HEADS and _RUNS_ON.match(text, best[1]):
            return _office(asked, text, best[0], best[1], end)
        return best
    if kind in NUMERIC_KINDS or kind in ("date", "person"):
        return None
    if kind == "what" and (subject := _subject(asked, text, start, end)):
        return subject
    return _aligned(asked, text, start, end)


# What a subject is followed by before its predicate, no part of it: "Nhà nước có quyền ưu tiên mua".
_SUBJECT_TRAILER = re.compile(
    r"(?:\s+(?:có quyền|có trách nhiệm|có nhiệm vụ|được|có|phải|đều|sẽ|là|bị|cần|thì|mới))+$", re.IGNORECASE
)
_SUBJECT_DUTY = re.compile(r"\s(?:có quyền|có trách nhiệm|có nhiệm vụ|có nghĩa vụ)(?!\w)", re.IGNORECASE)
# "Có … nào … không?" asks whether; "Điều kiện nào", "Quy định nào" ask for a condition or a provision, which the
# clause does not put before its predicate. On the folded question.
_NOT_SUBJECT = re.compile(r"^\W*co\s|dieu kien|quy dinh|quy che|can cu")
_SUBJECT_START = re.compile(r"[,;:(]\s*|(?<!\w)(?:thì|nếu|khi|mà)\s+", re.IGNORECASE)


def _subject(asked: Asked, text: str, start: int, end: int) -> tuple[int, int] | None:
    """For "Chủ thể nào được ưu tiên mua …?", "Trong trường hợp nào sinh viên bị xóa tên …?": a question that opens
    with what it asks for and then says the predicate is answered by the subject the clause puts before that
    predicate ("… thì Nhà nước có quyền ưu tiên mua" → "Nhà nước")."""
    info = asked.info
    question = _tokens(info.text, 0, len(info.text), info.folded)
    opening = [t for _, b, t in question if b <= info.wh_span[0]] if info.wh_span else None
    if not opening or len(opening) > 3 or _NOT_SUBJECT.search(asked.folded_text[: info.wh_span[0]]):
        return None
    opens = [tag for _, b, tag in tagged_spans(info.text) if b <= info.wh_span[0]]
    if info.folded or not opens or not opens[0].startswith(("N", "E")):
        return None  # "Mất gì …", "Học chương trình nào …": a verb opens it, the subject is not what is asked
    after = [t for a, _, t in question if a >= info.wh_span[1]]
    clause = _tokens(text, start, end, info.folded)
    keys = [t for _, _, t in clause]
    best = None  # (length, where in the clause)
    for j in range(min(4, len(after))):
        for n in range(len(after) - j, 1, -1):
            run = after[j : j + n]
            if all(t in STOP_WORDS for t in run):
                continue
            at = _find(keys, run)
            if at is not None:
                if best is None or n > best[0]:
                    best = (n, at)
                break
    if best is None or best[1] == 0:
        return None
    b = clause[best[1]][0]
    boundaries = list(_SUBJECT_START.finditer(text, start, b))
    a = boundaries[-1].end() if boundaries else start
    a = _TERM_HEAD.match(text, a).end()  # "a) Xuất hiện …": not the list marker
    if duty := _SUBJECT_DUTY.search(text, a, b):
        b = duty.start()  # "Ban Cơ yếu Chính phủ có trách nhiệm tổ chức thực hiện …"
    trailer = _SUBJECT_TRAILER.search(text[a:b].rstrip())
    b = a + (trailer.start() if trailer else len(text[a:b].rstrip()))
    words = _tokens(text, a, b, info.folded)
    if not words or len(words) > 12 or all(t in STOP_WORDS for _, _, t in words):
        return None
    return a, b


def _office(asked: Asked, text: str, a: int, b: int, end: int) -> tuple[int, int]:
    """A head that names no one by itself ("Trưởng", "Khoa") read on in lower case: "Trưởng khoa/Trưởng bộ môn
    quản lý ngành đào tạo (nơi chuyển đến) và …", up to where the question's own words go on ("… tổ chức báo cáo")
    or a name ends."""
    wanted = asked.content_words
    after = _tokens(text, b, end, asked.info.folded)
    stop = end
    for i in range(len(after) - 1):
        if after[i][2] in wanted and after[i + 1][2] in wanted:
            stop = after[i][0]
            break
    return _clipped("who", text, a, stop)


def _best_typed(asked: Asked, text: str, start: int, end: int, spans) -> tuple[int, int]:
    """The span that fits the kind best and stands nearest after the question's words; for "bao nhiêu X và bao
    nhiêu Y", from the first figure to the second."""
    info = asked.info
    anchors = _question_word_ends(asked, text, start, end)
    # "Bộ nào …?": a body of that kind, "Bộ Quốc phòng", before "Chính phủ" nearer the question's words.
    head = _WHICH_BODY.search(asked.folded_text)

    def rank(span: tuple[int, int, float]) -> float:
        a, b, fit = span
        before = [e for e in anchors if e <= a]
        near = 0.5 / (1 + (a - max(before)) / 25) if before else 0.0
        same_kind = bool(head) and fold(text[a:b]).lower().startswith(head.group(1) + " ")
        return fit + near + (1.0 if same_kind else 0.0)

    ordered = sorted(spans, key=rank, reverse=True)
    a, b, _ = ordered[0]
    if _UPTO.match(text, a):
        # The upper end ranked first ("… đến 05 năm"): the range is read from its lower end.
        lower = next(((x, y) for x, y, _ in spans if y < a and not text[y:a].strip() and _FROM.match(text, x)), None)
        if lower is not None:
            a, b = lower
    upper = next(((x, y) for x, y, _ in spans if x > b and not text[b:x].strip() and _UPTO.match(text, x)), None)
    if upper is not None and _FROM.match(text, a):
        # "phạt tù từ 03 năm đến 10 năm": a range is one answer, both its ends, unless the question asks for one
        # ("phạt tiền đến bao nhiêu?", "tối thiểu bao nhiêu năm?").
        folded = asked.info.folded
        question = asked.folded_text if folded else asked.info.text.lower()
        one = _ONE_END[folded].search(question)
        if one is None or _BOTH_ENDS[folded].search(question):
            return a, _with_unit(asked, text, upper[1], end)
        if one.group(1):
            a, b = upper
        # One end without the word that joins it to the other: "tối đa bao nhiêu" → "10 năm", not "đến 10 năm".
        a += len(m.group(0)) if (m := re.match(r"(?:từ|đến|tới) ", text[a:b])) else 0
    a, b = _trim_qualifier(asked, text, a, b), _with_unit(asked, text, b, end)
    a = _with_qualifier(asked, text, start, a)
    if len(info.units) >= 2:
        # Each unit asked for, its own figure: the short answer runs from the first to the last of them.
        ends = [(x, _with_unit(asked, text, y, end)) for x, y, _ in spans if _unit_after(asked, text, y, end)]
        if len(ends) >= 2:
            a, b = min(x for x, _ in ends), max(y for _, y in ends)
    return a, b


# "… quy định tại điều mấy?", "Điều nào …": a provision's number is asked (on the folded question).
_ASKS_PROVISION = re.compile(r"(?<!\w)(?:dieu|khoan|chuong|muc|diem)\s+(?:nao|may|bao nhieu|so)(?!\w)")
_PROVISION_BEFORE = re.compile(r"(?<!\w)(?:Điều|Khoản|Điểm|Chương|Mục)\s+$", re.IGNORECASE)
# What bounds a figure or names it, written before it: "tối thiểu là 8 tuần", "dưới 3,0", "Điều 117".
_BOUND_BEFORE = re.compile(
    r"(?<!\w)(?:(?:tối đa|tối thiểu|ít nhất|nhiều nhất|không quá|không dưới|không ít hơn|chưa đến|dưới|trên|hơn"
    r"|khoảng|xấp xỉ|gần)(?:\s+là)?|Điều|Khoản|Chương|Mục)\s+$",
    re.IGNORECASE,
)


def _with_qualifier(asked: Asked, text: str, start: int, a: int) -> int:
    """a moved back over the bound or provision word right before the figure, unless the question says it: "tối
    thiểu là 8 tuần" (the bound is the answer's meaning), "Điều 117", not "117"."""
    m = _BOUND_BEFORE.search(text, max(start, a - 24), a)
    if m and (_PROVISION_BEFORE.match(m.group(0)) or not asked.said(re.sub(r"\s+là$", "", m.group(0).strip()))):
        return m.start()  # "tại điều mấy?" says "điều" as what it asks for
    return a


def _trim_qualifier(asked: Asked, text: str, a: int, b: int) -> int:
    """A qualifier the question already says ("tối đa là bao nhiêu" → "24", not "tối đa 24") is dropped."""
    m = _QUALIFIER_AT.match(text[a:b])
    if m and asked.said(m.group(0).strip()):
        return a + m.end()
    return a


def _unit_after(asked: Asked, text: str, b: int, end: int) -> str | None:
    """The unit the question counts in ("lượt khách"), when the words right after the figure are it."""
    following = asked.key(text[b:min(end, b + 40)])
    for unit in asked.info.units:
        key = asked.key(unit)
        # "gần 7 triệu lượt khách du lịch" counts "lượt khách"; the unit's first syllable is enough ("tín chỉ").
        if key and (following.startswith(key) or following.split(" ")[:1] == key.split(" ")[:1]):
            return unit
    return None


def _with_unit(asked: Asked, text: str, b: int, end: int) -> int:
    unit = _unit_after(asked, text, b, end)
    if unit:
        n = len(asked.key(unit).split())
        words = list(re.finditer(r"\w+", text[b:end]))
        n = min(n, len(words))
        if n:
            b = b + words[n - 1].end()
    trailer = _UNIT_TRAILER.match(text, b)
    return trailer.end() if trailer and trailer.end() <= end else b


def _question_word_ends(asked: Asked, text: str, start: int, end: int) -> list[int]:
    """End offsets of the clause's words that the question also has (content words only)."""
    wanted = {t for t in asked.content_words if not t.isdigit()}
    return [b for _, b, t in _tokens(text, start, end, asked.info.folded) if t in wanted]


# What a term is told to mean: "HPHK: học phí học kỳ", "Học phí học kỳ (HPHK): là …", "X là …", "X được hiểu là …".
_DEFINES_PATTERN = r"\)?(?:\s*\([^()]{1,40}\))?\s*(?::\s*(?:là\s+)?|\s+(?:được hiểu là|nghĩa là|có nghĩa là|là)\s+)"
_DEFINES = {False: re.compile(_DEFINES_PATTERN), True: re.compile(fold(_DEFINES_PATTERN))}
# The next entry of a list of definitions ("…, HPTCHL: …") ends this one; so does a ";" or the sentence's end.
_NEXT_ENTRY = re.compile(r"[;]|,\s+(?:\S+\s+){0,4}?\S+\s*:")
# A defined term opens its sentence, its numbered point or its entry of a list ("1. Người lao động là …",
# "Trong đó: HPCB: …, MTL: …").
_ENTRY_OPENS = re.compile(r"(?:^|[.:;,(\n\"“]|\b\d{1,2}\.|\b[a-zđ]\))\s*$")
_DEFINING_WORDS = {"nghĩa", "có", "được", "hiểu"}
_DEFINING_WORDS_FOLDED = {fold(w) for w in _DEFINING_WORDS}


def _key_text(text: str, folded: bool) -> str:
    """text lower-cased, or folded, one character for one: offsets in it are offsets in text."""
    return "".join((f[0] if (f := fold(c)) else c) for c in text) if folded else text.lower()


def defined_entry(asked: Asked, text: str, start: int, end: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """For "X là gì" / "X nghĩa là gì" / "thế nào là X": where text[start:end] defines X, the entry (from X to the
    end of its definition) and the definition alone. Laws and regulations define their terms in lists ("Trong đó:
    HPHK: học phí học kỳ, HPTCHL: …", "Trong Luật này, các từ ngữ dưới đây được hiểu như sau: …"), so the
    definition ends where the next entry begins."""
    info = asked.info
    question = _tokens(info.text, 0, len(info.text), info.folded)
    if info.wh_span is None:
        if info.kind != "definition":
            return None
        # "Định nghĩa học phí học kỳ", "Khái niệm lớp học phần": no question word, the opener asks.
        before, after = [t for _, _, t in question], []
    else:
        before = [t for a, b, t in question if b <= info.wh_span[0]]
        after = [t for a, b, t in question if a >= info.wh_span[1]]
    defining = _DEFINING_WORDS_FOLDED if info.folded else _DEFINING_WORDS
    while before and before[-1] in defining:
        before = before[:-1]  # "X (có) nghĩa là gì", "X được hiểu là gì"
    while after and after[0] == ("la" if info.folded else "là"):
        after = after[1:]  # "thế nào là X"
    for opener in TERM_OPENERS:  # "Khái niệm X là gì": the term is X
        words = (fold(opener) if info.folded else opener).split()
        if before[: len(words)] == words:
            before = before[len(words) :]
            break
    # The term ends at the question word ("X là gì") or starts after it ("thế nào là X"): longest first. A term
    # in quotes ('Định nghĩa của "Người lao động"?') is the term, whole.
    quoted = re.search(r'["“]([^"“”]{2,80})["”]', info.text)
    if quoted:
        terms = [[t for _, _, t in _tokens(quoted.group(1), 0, len(quoted.group(1)), info.folded)]]
    else:
        terms = [before[i:] for i in range(max(0, len(before) - 12), len(before))]
        terms += [after[:n] for n in range(min(12, len(after)), 0, -1)]
    haystack = _key_text(text, info.folded)
    stops = STOP_WORDS_FOLDED if info.folded else STOP_WORDS
    terms = [t for t in terms if not all(w in stops or w.isdigit() for w in t)]
    for term in terms:
        pattern = r"(?<!\w)\(?" + r"\s+".join(re.escape(t) for t in term) + r"(?!\w)"
        for m in re.finditer(pattern, haystack[start:end]):
            a = start + m.start()
            if not _ENTRY_OPENS.search(text, max(start, a - 12), a) and a > start:
                continue  # "Hợp đồng lao động là …" defines no "lao động"
            defines = _DEFINES[info.folded].match(haystack, start + m.end())
            if not defines or defines.end() >= end:
                continue
            meaning = defines.end()
            following = _NEXT_ENTRY.search(text, meaning, end)
            stop = following.start() if following else end
            while stop > meaning and text[stop - 1] in " ,:":
                stop -= 1
            # The entry keeps its sentence's full stop; the short answer does not.
            bare = stop - 1 if text[stop - 1] == "." else stop
            if bare - meaning < 3:
                continue
            # An entry near the sentence's head is read from the head ("Học phí học kỳ (HPHK): là …").
            entry_start = start if a - start <= 60 and not re.search(r"[:;]", text[start:a]) else a
            return (entry_start, stop), (meaning, bare)
    return _named_at_the_end(terms, text, haystack, start, end, info.folded)


# A sentence that opens with the term it defines: "Chiếm hữu ngay tình là việc …", "2. Tài sản vô chủ: là …".
_TERM_HEAD = re.compile(r"\W*(?:\d{1,2}\.|[a-zđ]\))?\s*")


def defined_term(asked: Asked, text: str, start: int, end: int) -> tuple[int, int] | None:
    """For "Việc chiếm hữu mà … được gọi là gì?": the question describes and asks for the name, so where
    text[start:end] opens with a term and defines it in the question's words, the term is the answer."""
    info = asked.info
    if info.wh_span is None:
        return None
    question = _tokens(info.text, 0, len(info.text), info.folded)
    if any(a >= info.wh_span[1] for a, _, _ in question):
        return None  # "thế nào là X": the term is asked about, not for
    stops = STOP_WORDS_FOLDED if info.folded else STOP_WORDS
    described = {t for _, b, t in question if b <= info.wh_span[0]} - stops - {"gọi", "goi", "hiểu", "hieu"}
    head = _TERM_HEAD.match(text, start).end()
    defines = _DEFINES[info.folded].search(_key_text(text, info.folded), head, end)
    if not described or defines is None or not 0 < defines.start() - head <= 60:
        return None
    term = _tokens(text, head, defines.start(), info.folded)
    if not 0 < len(term) <= 8 or re.search(r"[,;]", text[head : defines.start()]):
        return None
    meaning = {t for _, _, t in _tokens(text, defines.end(), end, info.folded)}
    a, b = term[0][0], term[-1][1]
    # The question says the meaning, most of it, and not the term: that would be "X là gì", asked the other way.
    if len(described & meaning) < 0.7 * len(described) or asked.said(text[a:b]):
        return None
    return a, b


# "Những sinh viên theo học cùng một học phần … tạo thành một lớp học phần": the term named by what precedes it.
_NAMES = r"(?:được gọi là|gọi là|được hiểu là|tạo thành|hợp thành)\s+(?:một\s+|các\s+|những\s+)?"


def _named_at_the_end(
    terms: list[list[str]], text: str, haystack: str, start: int, end: int, folded: bool
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The sentence that defines a term by naming it last, and the description before the naming words."""
    names = fold(_NAMES) if folded else _NAMES
    for term in terms:
        pattern = names + r"\s+".join(re.escape(t) for t in term) + r"(?!\w)"
        m = re.search(pattern, haystack[start:end])
        if m and m.start() >= 12:
            return (start, end), (start, start + len(text[start : start + m.start()].rstrip(" ,")))
    return None


def items_left(asked: Asked, items: list[tuple[int, int]], text: str) -> tuple[int, int] | None:
    """For "… bao gồm quyền chiếm hữu, quyền sử dụng và quyền nào?": the items the question does not name, from the
    first of them to the last, when it names one or more; None when it names none (the whole list is asked)."""
    left = [(a, b) for a, b in items if not asked.said(text[a:b])]
    if not left or len(left) == len(items):
        return None
    a, b = left[0][0], left[-1][1]
    while b > a and text[b - 1] in " ;.,":
        b -= 1
    return a, b


def _ordinal_item(asked: Asked, text: str, start: int, end: int) -> tuple[int, int] | None:
    assert asked.info.ordinal is not None
    _, n = asked.info.ordinal
    items = list_items(text, start, end)
    if len(items) >= n:
        return items[n - 1]
    return None


# What a rule says of its subject, in the words before the predicate the question repeats: "được công nhận", "bị
# cảnh báo học vụ", "phải nộp lệ phí".
_MODAL = re.compile(r"(?<!\w)(?:được|bị|phải|cần|có thể)\s+$", re.IGNORECASE)


def _predicate(asked: Asked, text: str, start: int, end: int) -> tuple[int, int] | None:
    """For "… có được tính trong ĐTBHK không?": the run of the question's words in the clause with the negation
    before it ("không được tính"), else with the modal before it that says yes ("được công nhận", "bị cảnh báo học
    vụ"); its first words, not everything the question repeats. None when neither stands before it (the sentence
    answers)."""
    question = _tokens(asked.info.text, 0, len(asked.info.text), asked.info.folded)
    words = [t for _, _, t in question]
    clause = _tokens(text, start, end, asked.info.folded)
    runs = []
    for i in range(len(clause)):
        for j in range(len(words)):
            n = 0
            while i + n < len(clause) and j + n < len(words) and clause[i + n][2] == words[j + n]:
                n += 1
            if n and any(words[j + k] not in STOP_WORDS for k in range(n)):
                runs.append((n, -i, i, j))
    # The longest run first; a shorter one may be the predicate ("bị cảnh báo học vụ" before the cases it lists).
    for n, _, i, j in sorted(runs, reverse=True):
        a = clause[i][0]
        before = text[max(start, a - 16) : a]
        negation = _NEGATION.search(before)
        if negation and not (j and words[j - 1] in ("không", "chưa", "khong", "chua")):
            # A negation the question says too ("không hoàn thành …") is its condition, not a denial.
            return a - (len(before) - negation.start()), _word_end(text, start, end, clause[i + min(n, 2) - 1][1])
    return None


def _word_end(text: str, start: int, end: int, b: int) -> int:
    """b moved to the end of the word it falls in: "không bị hạn chế", not "không bị hạn"."""
    for x, y, _ in tagged_spans(text[start:end]):
        if start + x < b < start + y:
            return start + y
    return b


def _aligned(asked: Asked, text: str, start: int, end: int) -> tuple[int, int] | None:
    """What stands in the clause where the question word stands in the question: after the question's words
    before it, up to its words after it (or the end of the clause)."""
    info = asked.info
    if info.wh_span is None:
        return None
    question = _tokens(info.text, 0, len(info.text), info.folded)
    preceding = [t for a, b, t in question if b <= info.wh_span[0]]
    after = [t for a, b, t in question if a >= info.wh_span[1]][:3]
    clause = _tokens(text, start, end, info.folded)
    keys = [t for _, _, t in clause]
    fillers = _FILLERS_FOLDED if info.folded else _FILLERS
    names = set(" ".join(asked.entity_keys).split())
    answer_start = _after_left_context(keys, preceding[-4:], names, fillers, 1)
    asks_which = _WHICH.fullmatch(fold(info.text[info.wh_span[0] : info.wh_span[1]]))
    if asks_which and (answer_start is None or answer_start[1] < 2):
        # "… dựa trên chương trình đào tạo nào?", "… kèm theo cái gì?": the noun before "nào"/"gì" names the kind
        # of answer, which the clause replaces ("dựa trên chương trình đại trà"); the words before it place it.
        for skip in (1, 2, 3):
            kind_words, placing = preceding[-skip:], preceding[:-skip][-4:]
            if any(t in STOP_WORDS or t in fillers for t in kind_words) or not placing or placing[-1] in fillers:
                break
            found = _after_left_context(keys, placing, names, fillers, 2)
            if found is not None:
                answer_start = found
                break
    answer_start = answer_start[0] if answer_start else None
    if answer_start is None:
        return _before_right_context(asked, text, start, end, clause, after) or _past_the_question(
            asked, text, clause, preceding, fillers
        )
    while answer_start < len(clause) and clause[answer_start][2] in fillers and not _has_compound(clause, answer_start):
        answer_start += 1
    # The answer is not the question said again: "học kỳ" first places "hè sẽ được tính chung vào kết quả học
    # tập học kỳ 2 …", whose first ten words are the question's own, in its order.
    restated = _restated(keys, answer_start, [t for _, _, t in question])
    if restated >= 5 and answer_start + restated < len(clause):
        answer_start += restated
    if answer_start >= len(clause):
        return None
    stop = len(clause)
    for n in range(len(after), 0, -1):
        head = after[:n]
        if n == 1 and head[0] in STOP_WORDS:
            break
        at = _find(keys[answer_start + 1 :], head)
        if at is not None:
            stop = answer_start + 1 + at
            break
    a = clause[answer_start][0]
    b = clause[stop - 1][1] if stop > answer_start else clause[answer_start][1]
    return _clipped(info.kind, text, a, b)


# "có mặt", "có thể", "có hiệu lực": "có" that makes a verb with the word after it is no filler to skip.
_HAS = _written_or_folded("có")
_HAS_COMPOUNDS = _written_or_folded(
    "mặt", "thể", "ích", "lợi", "hại", "hiệu", "giá", "trách", "nghĩa", "quyền", "lỗi", "tội"
)


def _has_compound(clause: list[tuple[int, int, str]], i: int) -> bool:
    return clause[i][2] in _HAS and i + 1 < len(clause) and clause[i + 1][2] in _HAS_COMPOUNDS


def _after_left_context(
    keys: list[str], before: list[str], names: set[str], fillers: set[str], least: int
) -> tuple[int, int] | None:
    """(where the answer starts, how many words matched): just after the longest tail of `before`, `least`
    words or more, found in the clause; a tail of names and function words alone places nothing."""
    for n in range(len(before), least - 1, -1):
        tail = before[-n:]
        if all(t in names or t in STOP_WORDS or t in fillers for t in tail):
            continue  # "… ở Thanh Hóa là gì": a name says where the answer is, not where it stands
        at = _find(keys, tail)
        if at is not None:
            return at + n, n
    return None


def _past_the_question(asked, text, clause, preceding: list[str], fillers: set[str]) -> tuple[int, int] | None:
    """"Phương thức đào tạo mà trường sử dụng là gì?" in "Phương thức đào tạo của Trường theo học chế tín chỉ, …":
    the words before the question word are not said in one run, but a run of two or more of them places the
    subject; past it and past every word the question also says ("của Trường theo"), the clause says something new,
    and that is the answer, to the end of the clause."""
    keys = [t for _, _, t in clause]
    said = set(preceding) | fillers | STOP_WORDS
    for n in range(len(preceding), 1, -1):
        for i in range(len(preceding) - n + 1):
            run = preceding[i : i + n]
            if all(t in STOP_WORDS or t in fillers for t in run):
                continue
            at = _find(keys, run)
            if at is None:
                continue
            first = at + n
            while first < len(keys) and keys[first] in said:
                first += 1
            if first >= len(keys):
                return None
            return _clipped(asked.info.kind, text, clause[first][0], clause[-1][1])
    return None


def _before_right_context(asked, text, start, end, clause, after) -> tuple[int, int] | None:
    """"Ai sẽ tiến hành xử lý học vụ?": the words before "sẽ tiến hành xử lý học vụ" in the clause."""
    keys = [t for _, _, t in clause]
    for n in range(len(after), 1, -1):
        at = _find(keys, after[:n])
        if at:
            first = at
            while first > 0 and at - first < AGENT_WORDS:
                if _PUNCTUATION.search(text, clause[first - 1][1], clause[first][0]):
                    break  # a clause ends between the two words
                first -= 1
                if keys[first] in _AGENT_MARKS:
                    # "… do khoa/bộ môn quản lý ngành đào tạo phân công": the agent, however many words it has.
                    return _clipped(asked.info.kind, text, clause[first + 1][0], clause[at - 1][1])
            first = max(first, at - NAME_WORDS)
            last = at - 1
            # "… thì công chứng viên là người công bố di chúc": the name, without the clause's "thì" and copula.
            while first < last and keys[first] in _THEN_WORDS:
                first += 1
            while last > first and keys[last] in _COPULA_WORDS:
                last -= 1
            return _clipped(asked.info.kind, text, clause[first][0], clause[last][1])
    return None


# What stands before the question's words after "ai" is a name of at most NAME_WORDS syllables, or, after the
# "do"/"bởi" that marks the agent of a passive, of at most AGENT_WORDS.
NAME_WORDS, AGENT_WORDS = 6, 12
_THEN_WORDS = _written_or_folded("thì")
_COPULA_WORDS = _written_or_folded("là", "người")
_AGENT_MARKS = _written_or_folded("do", "bởi")
_PUNCTUATION = re.compile(r"[,;:.]")


def _clipped(kind: str, text: str, a: int, b: int) -> tuple[int, int]:
    """At most a clause: a name ends before a purpose or condition ("… để nâng cao …"); any span at a ";"."""
    cut = _STOP.search(text, a, b)
    if cut:
        b = cut.start()
    if kind in ("who", "place", "person"):
        # Not inside brackets: "Trưởng khoa (nơi sinh viên theo học)".
        m = next(
            (m for m in _NAME_END.finditer(text, a, b) if text.count("(", a, m.start()) <= text.count(")", a, m.start())),
            None,
        )
        if m:
            b = m.start()
        comma = text.find(",", a, b)
        if comma > a:
            b = comma
    while b > a and text[b - 1] in " ,:":
        b -= 1
    if text.count("(", a, b) > text.count(")", a, b) and text.startswith(")", b):
        b += 1  # "(nơi chuyển đi)": a bracket the span opens, it closes
    last = list(re.finditer(r"\w+", text[a:b]))
    while len(last) > 1 and last[-1].group(0).lower() in _JOINING:
        b = a + last[-2].end()
        last.pop()
    return a, b


def _restated(keys: list[str], at: int, question: list[str]) -> int:
    """How many words from keys[at] on run as in the question, word for word."""
    best = 0
    for j in range(len(question)):
        n = 0
        while at + n < len(keys) and j + n < len(question) and keys[at + n] == question[j + n]:
            n += 1
        best = max(best, n)
    return best


def _find(keys: list[str], needle: list[str]) -> int | None:
    n = len(needle)
    for i in range(len(keys) - n + 1):
        if keys[i : i + n] == needle:
            return i
    return None
