"""What a question asks: the kind of fact that answers it (a number, a date, a person, a list, a definition) and
the places, bodies and people it names. Shared by the answer composer and the follow-up rewriter."""
from __future__ import annotations

import re

from retriever.text.normalize import fold, has_diacritics, normalize
from retriever.text.places import place_names

# Function words and question words carry no evidence of an answer.
STOP_WORDS = set(
    "là của có và các những được trong cho với về thì sao gì nào ai bao nhiêu mấy không này đó đã sẽ một ở tại "
    "theo từ đến như khi nào hay hoặc cũng vào ra bị do nên mà thế vậy gồm còn đang rằng hãy xin cho biết".split()
)
STOP_WORDS_FOLDED = {fold(w) for w in STOP_WORDS}

# Checked in order: "bao nhiêu nhiệm vụ … gồm những gì" asks first for a number.
_QUESTION_TYPES = [
    ("number", r"\b(bao nhiêu|mấy|tỷ lệ|tỉ lệ|số lượng|phần trăm|xếp hạng|bao lâu)\b"),
    ("date", r"\b(khi nào|ngày nào|năm nào|tháng nào|bao giờ|lúc nào|thời gian nào|thời điểm nào|giai đoạn nào)\b"),
    ("who", r"(^|\s)(ai|người nào|cơ quan nào|đơn vị nào)(\s|\?|$)|\b(tên là gì|tên gì|họ tên)\b"),
    ("list", r"\b(gồm|những gì|những \w+ nào|các \w+ nào)\b"),
    ("definition", r"\b(là gì|nghĩa là gì|là như thế nào|là thế nào)\b"),
]
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
_OFFICE_PATTERNS = {folded: re.compile(fold(_OFFICE) if folded else _OFFICE) for folded in (False, True)}
# Title words that start a question or a clause without naming anything.
_CAPITALIZED_NOT_NAMES = {"tỉnh", "thành", "tp", "huyện", "quận", "xã", "phường", "ông", "bà", "anh", "chị"}


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


def question_entities(question: str) -> list[str]:
    """The places, bodies and people a question names: capitalized runs, lone capitalized words inside the
    sentence ("Vietcombank"), and provinces, which are found even typed in lower case without diacritics."""
    question = normalize(question)
    found = place_names(question)
    words = re.findall(r"[\w&]+", question)
    for name in capitalized_names(question):
        parts = name.split()
        # "Tỉnh Thanh Hóa" names Thanh Hóa; "Còn Hà Tĩnh" and "Tại Hà Tĩnh" are capitalized by the sentence start.
        while parts and (parts[0].lower() in _CAPITALIZED_NOT_NAMES or parts[0].lower() in STOP_WORDS):
            parts = parts[1:]
        if len(" ".join(parts)) > 3:
            found.append(" ".join(parts))
    for i, word in enumerate(words):
        # A lone capital after the first word, not an acronym (acronyms are matched as terms): a brand, a body.
        single = 0 < i and word[0].isupper() and not word.isupper() and len(word) > 3 and "&" not in word
        if single and not (words[i - 1][0].isupper() or (i + 1 < len(words) and words[i + 1][0].isupper())):
            found.append(word)
    unique: list[str] = []
    for name in found:
        if all(fold(name) not in fold(u) for u in unique):
            unique = [u for u in unique if fold(u) not in fold(name)] + [name]
    return unique


def question_type(question: str) -> str:
    """number, date, person, who, list, definition or other: the kind of fact that answers the question."""
    folded = not has_diacritics(question)
    q = fold(question) if folded else normalize(question).lower()
    for name, pattern in _TYPE_PATTERNS[folded]:
        if pattern.search(q):
            return "person" if name == "who" and _OFFICE_PATTERNS[folded].search(q) else name
    return "other"


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
