"""What a question asks: the kind of fact that answers it (a number, a percentage, an amount of money, a date, a
person, a place, a list, one item of a list, yes or no, a definition, a reason, a comparison) and what it names:
its focus noun ("doanh thu" is not "lượt khách"), the unit a count is asked in, places, bodies and people.
Shared by the answer composer and the follow-up rewriter."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from retriever.text.normalize import fold, has_diacritics, normalize
from retriever.text.numbers import ordinal_value
from retriever.text.places import place_names
from retriever.text.sentences import pos_tags
from retriever.text.tokens import spell_out

# Function words and question words carry no evidence of an answer.
STOP_WORDS = set(
    "là của có và các những được trong cho với về thì sao gì nào ai bao nhiêu mấy không này đó đã sẽ một ở tại "
    "theo từ đến như khi nào hay hoặc cũng vào ra bị do nên mà thế vậy gồm còn đang rằng hãy xin cho biết".split()
)
STOP_WORDS_FOLDED = {fold(w) for w in STOP_WORDS}

# "Khái niệm X là gì", "Định nghĩa của X": words that ask for a definition and are no part of the term (longest
# first). Found in the text, "định nghĩa" or "khái niệm" says nothing about which sentence defines X. A bare "từ"
# opens terms too often ("Từ chối … là gì") to be one.
TERM_OPENERS = ("khái niệm", "thuật ngữ", "cụm từ", "định nghĩa")
_TERM_OPENER = r"^\W*(?:" + "|".join(TERM_OPENERS) + r")(?:\s+của)?\s+"
_TERM_OPENER_RES = (re.compile(_TERM_OPENER, re.IGNORECASE), re.compile(fold(_TERM_OPENER), re.IGNORECASE))


def without_term_opener(question: str) -> str:
    """The question without the words that open a definition question ("Định nghĩa của", "Khái niệm")."""
    for pattern, text in zip(_TERM_OPENER_RES, (question, fold(question))):
        if m := pattern.match(text):
            return question[m.end() :]
    return question

# "Theo Điều 26, Bộ luật dân sự 2015, …", "Trong điều 10 của Bộ luật Lao động, …": where to look, said before the
# question itself; its words ("điều", "bộ luật") are no evidence of which sentence answers.
_SCOPE = re.compile(
    r"^\W*(?:theo|trong|tại|căn cứ|căn cứ vào)\s+(?:quy định\s+(?:tại|của)\s+)?(?=[^,?]*?"
    r"(?:điều|khoản|chương|bộ luật|luật|nghị định|thông tư|quyết định|nghị quyết)(?!\w))[^,?]{3,120},\s*",
    re.IGNORECASE,
)


_LAW_NAME = re.compile(r"^(?:bộ luật|luật|nghị định|thông tư|quyết định|nghị quyết)[^,?]{0,80},\s*", re.IGNORECASE)


# "Bộ luật Dân sự 2015 quy định thế nào về tên gọi của pháp nhân?": the law named, then its topic.
_LAW_ON = re.compile(
    r"^\W*(?:bộ luật|luật|nghị định|thông tư|quyết định|nghị quyết)[^,?]{0,80}?\s+quy định\s+"
    r"(?:(?:như\s+)?thế nào|ra sao|gì|những gì)\s+về\s+",
    re.IGNORECASE,
)


def without_scope(question: str) -> str:
    """The question without a leading "Theo Điều 26, Bộ luật dân sự 2015," or "Bộ luật Dân sự 2015 quy định thế
    nào về" that says where to look."""
    if law_on := _LAW_ON.match(question):
        return question[law_on.end() :]
    m = _SCOPE.match(question)
    if not m:
        return question
    rest = question[m.end() :]
    law = _LAW_NAME.match(rest)
    return rest[law.end() :] if law else rest


# A question about the basis of a rule ("… dựa vào đâu?", "… trên cơ sở nào?", "căn cứ nào …?").
BASIS_QUESTION = r"\b(dựa (vào|trên) (đâu|gì|cơ sở nào|căn cứ nào)|căn cứ (vào )?(đâu|gì|nào)|cơ sở nào)\b"
# Checked in order: "bao nhiêu nhiệm vụ … gồm những gì" asks first for a number, "xếp thứ mấy" for a rank before
# any number, "có … gì không" for a thing rather than yes or no.
_QUESTION_TYPES = [
    ("rank", r"\b(xếp thứ|đứng thứ|xếp hạng|thứ hạng|đứng hạng|hạng)\s*(thứ\s*)?(mấy|bao nhiêu|nào)\b|\bthứ (mấy|bao nhiêu)\b"),
    ("date", r"\b(tháng|ngày|quý) (mấy|bao nhiêu)\b"),
    ("percent", r"(bao nhiêu|mấy|bao)\s*(%|phần trăm)|\b(tỷ lệ|tỉ lệ|tốc độ tăng trưởng|tăng trưởng)\b.*\b(bao nhiêu|mấy)\b"),
    ("money", r"(bao nhiêu|mấy)\s*(tiền|đồng|tỷ đồng|tỉ đồng|triệu đồng|usd)\b"
              r"|\b(doanh thu|thu ngân sách|kinh phí|chi phí|học phí|lệ phí|mức phí|giá|số tiền|tiền|mức lương|lương"
              r"|thu nhập|vốn|mức phạt tiền|phạt tiền|ngân sách|mức hỗ trợ)\b.*\b(bao nhiêu|mấy)\b"),
    ("duration", r"\b(bao lâu|mấy năm|bao nhiêu năm|mấy tháng|bao nhiêu tháng|mấy ngày|bao nhiêu ngày|mấy tuần"
                 r"|bao nhiêu tuần|mấy giờ|bao nhiêu giờ|thời hạn bao nhiêu)\b"),
    ("number", r"\b(bao nhiêu|mấy)\b|(^|\s)(nhiêu)(\s|\?|$)"),
    ("date", r"\b(khi nào|ngày nào|năm nào|tháng nào|quý nào|bao giờ|lúc nào|thời gian nào|thời điểm nào"
             r"|giai đoạn nào|hôm nào|dịp nào|hạn chót|ngày bao nhiêu|thời hạn nào)\b"),
    ("compare", r"\b(khác nhau|khác biệt|giống nhau|phân biệt|so sánh|khác gì)\b"),
    # "dựa vào đâu", "trên cơ sở nào", "căn cứ nào": the basis of a rule is a thing, not a place or a body.
    ("what", BASIS_QUESTION),
    ("who", r"(^|\s)(ai|người nào|cơ quan nào|đơn vị nào|tổ chức nào|bộ nào|sở nào|phòng nào|ban nào|những ai"
            r"|doanh nghiệp nào|trường nào)(\s|\?|$)|\b(tên là gì|tên gì|họ tên)\b"),
    ("reason", r"\b(vì sao|tại sao|lý do|lí do|nguyên nhân|để làm gì|nhằm mục đích gì|mục đích gì|nhằm gì|do đâu)\b"),
    ("place", r"\b(ở đâu|tại đâu|nơi nào|đâu|địa điểm nào|tỉnh nào|thành phố nào|huyện nào|địa phương nào"
              r"|quốc gia nào|nước nào)\b"),
    ("definition", r"\b(là gì|nghĩa là gì|là như thế nào|là thế nào|thế nào là|được hiểu là|hiểu như thế nào"
                   r"|định nghĩa|khái niệm)\b"),
    ("manner", r"\b(như thế nào|thế nào|ra sao|bằng cách nào|cách nào|làm sao|làm thế nào|làm gì|thủ tục)\b"),
    ("list", r"\b(gồm|những gì|những \w+( \w+)? (nào|gì)|các \w+( \w+)? (nào|gì))\b"),
    ("what", r"\b(gì|nào)\b"),
    ("yesno", r"\b(không|chưa)\s*[?.!]*$|\b(phải không|hay không|đúng không|có phải|có đúng|hay chưa)\b"),
]
# A question with no question word that opens with what it measures ("Số tín chỉ tối đa … được đăng ký?",
# "Thời hạn có hiệu lực của chứng chỉ?", "Tỷ lệ … ?") asks for that figure. The kind is only implied: a sentence
# without such a figure may still answer ("Thời gian tối đa … là thời gian quy định cho chương trình thứ nhất").
_IMPLIED_TYPES = [
    ("percent", r"^\W*(tỷ lệ|tỉ lệ)\s"),
    ("number", r"^\W*(số lượng|tổng số|số)\s+(?!(hiệu|điện thoại|ký hiệu|hóa)(\s|$))\w"),
    ("duration", r"^\W*(thời hạn|thời gian)\s"),
]
# What a number, a date or a name answers: the short answer is a span of that kind. Reasons and ways are answered
# by a whole sentence, so they have no short answer.
NUMERIC_KINDS = frozenset({"number", "percent", "money", "duration", "rank"})
SENTENCE_KINDS = frozenset({"reason", "manner", "compare"})
# The question words, where the answer stands in the sentence that answers (see QuestionInfo.wh_span).
_WH = (
    r"(?:bao nhiêu|mấy|khi nào|bao giờ|bao lâu|lúc nào|như thế nào|thế nào|ra sao|vì sao|tại sao|ở đâu|tại đâu"
    r"|những gì|những ai|là gì|(?:làm )?thủ tục gì|làm gì|gì|nào|ai|đâu|nhiêu)"
)
_WH_PATTERNS = {folded: re.compile(rf"(?<!\w){fold(_WH) if folded else _WH}(?!\w)") for folded in (False, True)}
# "giải pháp thứ sáu", "nhiệm vụ thứ 2", "lần thứ XIX": one item of a list. Not a rank: "xếp thứ sáu".
_ORDINAL = re.compile(
    r"(?<!\w)(\w+(?: \w+)?) thứ (nhất|nhì|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười|\d{1,2}|[IVX]{1,5})(?!\w)"
)
_NOT_ITEMS = {"xếp", "đứng", "hạng", "ngày", "tuần", "lần", "xep", "dung", "hang", "ngay", "tuan", "lan"}
# A "who" question about an office wants a person's name ("Ai là Giám đốc Sở …?"), not any body's.
_OFFICE = (
    r"\b(giám đốc|chủ tịch|bộ trưởng|thứ trưởng|cục trưởng|vụ trưởng|trưởng phòng|trưởng ban|bí thư|thủ tướng"
    r"|người đứng đầu)\b"
)
_SURNAMES = set(
    "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý mai đinh lâm trương đào cao hà "
    "đoàn vương trịnh tô tạ lưu lương chu châu quách thái kiều la nông triệu tăng lại đàm phùng khúc thân mạc "
    "tôn hứa diệp".split()
)
# Questions typed without diacritics are matched folded ("bao nhieu", "khi nao").
_TYPE_PATTERNS = {
    folded: [(name, re.compile(fold(p) if folded else p)) for name, p in _QUESTION_TYPES] for folded in (False, True)
}
_IMPLIED_PATTERNS = {
    folded: [(name, re.compile(fold(p) if folded else p)) for name, p in _IMPLIED_TYPES] for folded in (False, True)
}
_OFFICE_PATTERNS = {folded: re.compile(fold(_OFFICE) if folded else _OFFICE) for folded in (False, True)}
# Title words that start a question or a clause without naming anything, and words capitalized only because a
# question starts with them ("Ngoài IELTS, …", "Em IELTS 8.0 …").
_CAPITALIZED_NOT_NAMES = {
    "tỉnh", "thành", "tp", "huyện", "quận", "xã", "phường", "ông", "bà", "anh", "chị", "em", "tôi", "mình", "ngoài",
    "trong", "theo", "với", "khi", "nếu", "sau", "trước", "đối", "về", "từ", "mọi", "mỗi", "tại", "ở", "năm",
}
# The country every document of a Vietnamese corpus speaks of, said or not.
_IMPLIED = {"việt nam", "viet nam"}


def capitalized_names(text: str) -> list[str]:
    """Runs of two or more capitalized words: a place, a body or a person ("Hà Tĩnh", "Đỗ Hữu Quyết").
    Punctuation ends a run: "Ông Đỗ Hữu Quyết, Giám đốc" names one person, not "Đỗ Hữu Quyết Giám"."""
    names, run = [], []
    for token in re.findall(r"[\w&]+|[^\w\s]", text):
        if token[0].isupper():
            run.append(token)
            continue
        if len(run) >= 2:
            names.append(" ".join(run))
        run = []
    if len(run) >= 2:
        names.append(" ".join(run))
    return names


# A legal document named by its type ("Bộ luật Hình sự năm 2017", "Luật An ninh mạng 2018", "Nghị định
# 13/2023/NĐ-CP"): it says which text to look in, and an article seldom names the law it belongs to.
LEGAL_DOCUMENT = re.compile(
    r"\b(?:Bộ luật|Luật|Hiến pháp|Pháp lệnh|Nghị định|Nghị quyết|Thông tư|Quyết định|Chỉ thị)"
    r"(?:\s+(?:số\s+)?[\w/.-]+){0,6}?(?:\s+năm)?\s+((?:19|20)\d{2})(?!\d)",
    re.IGNORECASE,
)
_LEGAL_HEAD = re.compile(r"^(?:bộ luật|luật|hiến pháp|pháp lệnh|nghị định|nghị quyết|thông tư|quyết định|chỉ thị)\b")


def document_years(question: str) -> set[str]:
    """Years that belong to the name of a legal document the question cites, not to the period it asks about."""
    return {m.group(1) for m in LEGAL_DOCUMENT.finditer(normalize(question))}


def question_entities(question: str) -> list[str]:
    """The places, bodies and people a question names: capitalized runs, lone capitalized words inside the
    sentence that are not Vietnamese syllables ("Vietcombank"), and provinces, which are found even typed in lower
    case without diacritics. The names of legal documents ("Luật An ninh mạng") are not among them."""
    question = normalize(question)
    found = place_names(question)
    words = re.findall(r"[\w&]+", question)
    for name in capitalized_names(question):
        parts = name.split()
        # "Tỉnh Thanh Hóa" names Thanh Hóa; "Còn Hà Tĩnh" and "Tại Hà Tĩnh" are capitalized by the sentence start.
        while parts and (parts[0].lower() in _CAPITALIZED_NOT_NAMES or parts[0].lower() in STOP_WORDS):
            parts = parts[1:]
        name = " ".join(parts)
        if len(name) > 3 and not _LEGAL_HEAD.match(name.lower()) and name.lower() not in _IMPLIED:
            found.append(name)
    for i, word in enumerate(words):
        # A lone capital after the first word, not an acronym (acronyms are matched as terms) and not a syllable
        # that legal text capitalizes ("Điều", "Danh mục", "Nhà nước"): a brand, a body.
        single = 0 < i and word[0].isupper() and not word.isupper() and len(word) > 5 and "&" not in word
        single = single and not has_diacritics(word)
        if single and not (words[i - 1][0].isupper() or (i + 1 < len(words) and words[i + 1][0].isupper())):
            found.append(word)
    unique: list[str] = []
    for name in found:
        if all(fold(name) not in fold(u) for u in unique):
            unique = [u for u in unique if fold(u) not in fold(name)] + [name]
    return unique


# A thing compared: a few words, the last one before punctuation, the end or the rest of the question.
_THING = r"((?!\d)\w[\w-]*(?: [\w-]+){0,5}?)"
_THING_END = r"(?=\s*(?:[?.,;!]|$)|\s+(?:như|thế|ra|là|có|ở|về|khác|giống|trong|theo)(?!\w))"
# "Sự khác nhau giữa X và Y", "So sánh X với Y", "X và Y khác nhau thế nào", "X khác gì với Y".
_COMPARED = [
    re.compile(
        rf"(?:khác nhau|khác biệt|giống nhau|phân biệt|so sánh)(?: giữa)? {_THING} (?:và|với) {_THING}{_THING_END}"
    ),
    re.compile(
        rf"(?:^|[^\w ]\s*){_THING} (?:và|với) {_THING} (?:có gì |có )?(?:khác nhau|khác biệt|giống nhau|khác gì)"
    ),
    re.compile(rf"(?:^|[^\w ]\s*){_THING} khác gì (?:so )?(?:với )?{_THING}{_THING_END}"),
]
_COMPARED_FOLDED = [re.compile(fold(p.pattern)) for p in _COMPARED]
_NOT_THING = re.compile(r"^(?:sự|điểm|những|các|cái|giữa|su|diem|nhung|cac|cai|giua)\s+")


def compared_items(view: str) -> list[str]:
    """The two things a comparison question names, in the question's view (lower-cased, or folded)."""
    for pattern in (_COMPARED_FOLDED if not has_diacritics(view) else _COMPARED):
        if m := pattern.search(view):
            items = [_NOT_THING.sub("", m.group(i)).strip() for i in (1, 2)]
            if all(items):
                return items
    return []


def question_type(question: str) -> str:
    """The kind of fact that answers the question: rank, percent, money, duration, number, date, person (who holds
    an office), who (a person or a body), reason, place, definition, manner, list, what, yesno or other; an
    ordinal question ("giải pháp thứ sáu là gì") is "ordinal", a comparison of two things ("Sự khác nhau giữa
    tạm trú và thường trú") "compare"; one asking by no question word, the figure it opens with (implied_type)."""
    return asked_type(question) or implied_type(question) or "other"


# "Người nào đánh bạc …, thì bị phạt như thế nào?": a question that opens with "Người nào" and asks by another
# question word later says "whoever", as the penal code's own wording does; the later word asks.
_WHOEVER = re.compile(r"^\W*(người nào|nguoi nao)(?=\s)")


def _whoever_end(view: str) -> int:
    """Where a leading "Người nào" that means "whoever" ends in the question's view, or 0."""
    m = _WHOEVER.match(view)
    if m and _WH_PATTERNS[not has_diacritics(view)].search(view, m.end()):
        return m.end()
    return 0


def asked_type(question: str) -> str | None:
    """The kind question_type() reads from the question's words, or None when none says it."""
    folded = not has_diacritics(question)
    q = fold(question) if folded else normalize(question).lower()
    if whoever := _whoever_end(q):
        q = q[:whoever].rsplit(" ", 1)[0] + q[whoever:]  # "người đánh bạc …": no "nào" to ask by
    if ordinal_item(question):
        return "ordinal"
    for name, pattern in _TYPE_PATTERNS[folded]:
        if name == "compare" and not compared_items(q):
            continue  # "Thủ tục … khác nhau ra sao?" names no two things: a question of another kind
        if pattern.search(q):
            return "person" if name == "who" and _OFFICE_PATTERNS[folded].search(q) else name
    return None


def implied_type(question: str) -> str | None:
    """The figure a question asks for by opening with what it measures ("Số tín chỉ tối đa …?": number), or
    None."""
    folded = not has_diacritics(question)
    q = fold(question) if folded else normalize(question).lower()
    return next((name for name, pattern in _IMPLIED_PATTERNS[folded] if pattern.search(q)), None)


def ordinal_item(question: str) -> tuple[str, int] | None:
    """("giải pháp", 6) for "Giải pháp thứ sáu … là gì?": the noun of the list and the place of the item."""
    text = normalize(question).lower()
    for m in _ORDINAL.finditer(text):
        noun, number = m.group(1), m.group(2)
        last = noun.split()[-1]
        if last in _NOT_ITEMS or fold(last) in _NOT_ITEMS or last in STOP_WORDS:
            continue
        if not _asks_for_item(text, m.start(), m.end()):
            continue
        value = ordinal_value(number.upper() if re.fullmatch(r"[ivx]+", number) else number)
        if value:
            return noun, value
    return None


def _asks_for_item(text: str, start: int, end: int) -> bool:
    """Whether the ordinal phrase text[start:end] is what the question asks about ("Giải pháp thứ sáu là gì?",
    "Nhiệm vụ thứ hai?") rather than where it asks ("Ai được học ngành thứ 2?", "Điều kiện để học một chương
    trình thứ hai?": the second major, not the second item of a list)."""
    before = text[:start]
    if _WH_PATTERNS[False].search(before) or re.search(r"(?<!\w)một(?:\s+\w+){0,3}\s*$", before):
        return False
    return not before.strip(" ,.") or _WH_PATTERNS[False].search(text, end) is not None


@dataclass
class QuestionInfo:
    """What the answerer needs to know about a question."""

    text: str  # normalized
    folded: bool  # typed without diacritics: compare folded
    kind: str  # question_type()
    focus: list[str] = field(default_factory=list)  # the noun phrase asked about ("doanh thu"), lower-cased
    units: list[str] = field(default_factory=list)  # what "bao nhiêu" counts ("lượt khách"), one per "bao nhiêu"
    ordinal: tuple[str, int] | None = None  # ("giải pháp", 6)
    wh_span: tuple[int, int] | None = None  # where the question word stands in `text`
    category: str = ""  # what "những X nào" asks for: the answer names its members, seldom X itself
    compared: list[str] = field(default_factory=list)  # "văn bằng", "chứng chỉ": the things a comparison names
    implied: bool = False  # the kind is implied by what the question opens with, not asked by a question word


# A question that ends with "là" or a preposition ("… được gọi là?", "… được tính vào?") leaves its object open. A
# final verb does not: "Yêu cầu thêm sau khi nộp đơn bảo lưu?" names a topic.
_OPEN_END_TAGS = {"E"}
_OPEN_END_WORDS = {"là", "gọi là"}
_NOUN_TAGS = {"N", "Np", "Nc", "Nu", "Ny", "Nb"}
# Nouns too general to be what a question is about ("Năm 2020 …", "Số …", "%").
_NOT_FOCUS = {"năm", "tháng", "ngày", "số", "%", "mùa", "lần", "thứ", "việc", "điều", "khoản", "người", "cái", "loại"}
_UNIT_STOP = {"và", "hay", "hoặc", "của", "cho", "trong", "được", "là", "có", "đã", "sẽ", "đến", "ở", "tại"}


def analyse(question: str) -> QuestionInfo:
    """The kind, focus noun, units, ordinal and question-word position of a question."""
    text = normalize(question)
    folded = not has_diacritics(text)
    asked = asked_type(text)
    info = QuestionInfo(text=text, folded=folded, kind=asked or implied_type(text) or "other", ordinal=ordinal_item(text))
    info.implied = asked is None and info.kind != "other"
    view = fold(text) if folded else text.lower()
    wh = list(_WH_PATTERNS[folded].finditer(view, _whoever_end(view)))
    if wh:
        info.wh_span = (wh[0].start(), wh[0].end())
    category = re.search(r"\b(?:những|các|nhung|cac)\s+(\w+(?:\s\w+)?)\s+(?:nào|gì|nao|gi)\b", view)
    if category:
        info.category = category.group(1)
    if info.kind == "compare":
        info.compared = compared_items(view)
    if folded:
        # Without diacritics the tagger is lost: what follows "bao nhieu" is the unit, words before it the focus.
        for m in re.finditer(r"\b(?:bao nhieu|may)\s+(\w+(?: \w+)?)", view):
            info.units.append(m.group(1))
        return info
    tags = pos_tags(spell_out(text))
    words = [w.lower() for w, _ in tags]
    content = [(w, t) for w, t in tags if re.search(r"\w", w)]
    open_end = content and (content[-1][1] in _OPEN_END_TAGS or content[-1][0].lower() in _OPEN_END_WORDS)
    if info.wh_span is None and info.kind == "other" and open_end:
        # "… được gọi là?", "… còn thể hiện?", "… được tính vào?": the question stops where its answer would
        # stand, so the answer is what follows its last words in the sentence.
        end = len(text.rstrip(" ?.!…"))
        info.wh_span = (end, end)
    for i, word in enumerate(words):
        if word in ("bao nhiêu", "mấy", "nhiêu"):
            unit = []
            for w, tag in tags[i + 1 : i + 3]:
                if tag not in _NOUN_TAGS or w.lower() in _UNIT_STOP:
                    break
                unit.append(w.lower())
            if unit:
                info.units.append(" ".join(unit))
    # The focus: the first noun phrase that is not a question word, a place or a name (those are checked apart).
    names = {fold(n) for n in question_entities(text)}
    for i, (word, tag) in enumerate(tags):
        lowered = word.lower()
        if (
            tag in _NOUN_TAGS and tag != "Np" and lowered not in STOP_WORDS and lowered not in _NOT_FOCUS
            and fold(lowered) not in names and not any(c.isdigit() for c in lowered)
        ):
            phrase = [lowered]
            for w, t in tags[i + 1 : i + 2]:
                if t in _NOUN_TAGS and t != "Np" and w.lower() not in STOP_WORDS:
                    phrase.append(w.lower())
            info.focus = [" ".join(phrase)]
            break
    return info


def person_names(text: str) -> list[str]:
    """Capitalized runs that read as a Vietnamese person's name: two to four words, the first a common
    surname, and not a province ("Đỗ Hữu Quyết", not "Hà Tĩnh")."""
    names = []
    for run in capitalized_names(text):
        words = run.split()
        # The name may follow a title or a place in the same run: "Thanh Hóa Mai Xuân Liêm", "Ông Đỗ Hữu Quyết".
        for i, word in enumerate(words):
            name = " ".join(words[i:])
            if word.lower() in _SURNAMES and 2 <= len(words) - i <= 4 and not place_names(name):
                names.append(name)
                break
    return names


def question_offices(question: str) -> list[str]:
    """The offices a question names ("giám đốc", "thứ trưởng"), folded when it is typed without diacritics."""
    folded = not has_diacritics(question)
    return _OFFICE_PATTERNS[folded].findall(fold(question) if folded else normalize(question).lower())
