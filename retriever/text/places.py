"""Vietnam's provinces and centrally governed cities, found in text with or without diacritics.

Capitalization finds most names in a question, but not in one typed without diacritics or capitals
("da nang xep thu may"); this list does. Answers use it to tell a place the corpus never mentions, follow-up
questions to know which part of the previous question a place replaces.
"""
from __future__ import annotations

import re
from functools import lru_cache

from retriever.text.normalize import fold, has_diacritics, normalize

# The 63 provinces and cities before the 2025 merger: the names policy documents of these years use.
PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre", "Bình Dương",
    "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng", "Đắk Lắk", "Đắk Nông",
    "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương",
    "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu",
    "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ",
    "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La",
    "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh",
    "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái", "Hồ Chí Minh",
)  # fmt: skip


def _pattern(name: str) -> str:
    # "Bà Rịa - Vũng Tàu", "Bà Rịa-Vũng Tàu" and "Bà Rịa Vũng Tàu" are one place.
    return r"[\s\-]+".join(re.escape(w) for w in name.split() if w != "-")


@lru_cache(maxsize=2)
def _matcher(folded: bool) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over every name (longest first), and the canonical name of each matched key."""
    names = [normalize(n) for n in PROVINCES]
    key = fold if folded else str.lower
    canonical = {re.sub(r"[\s\-]+", " ", key(n)): n for n in names}
    alternatives = sorted((_pattern(key(n)) for n in names), key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(alternatives) + r")(?!\w)"), canonical


def find_places(text: str) -> list[tuple[int, int, str]]:
    """(start, end, canonical name) of each province or city named in text, in order; offsets are in
    normalize(text).

    Text without diacritics is matched folded ("ha tinh" → Hà Tĩnh); text with them is matched with its marks,
    so "hà năm" is not taken for Hà Nam.
    """
    folded = not has_diacritics(text)
    pattern, canonical = _matcher(folded)
    lowered = fold(normalize(text)) if folded else normalize(text).lower()
    return [
        (m.start(), m.end(), canonical[re.sub(r"[\s\-]+", " ", m.group(0))]) for m in pattern.finditer(lowered)
    ]


def place_names(text: str) -> list[str]:
    """The canonical names of the provinces and cities text names, each once, in order."""
    seen: list[str] = []
    for _, _, name in find_places(text):
        if name not in seen:
            seen.append(name)
    return seen
