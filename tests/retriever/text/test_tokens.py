"""Vietnamese tokenization for BM25: each rule has a case that fails without it."""
import unicodedata

from retriever.store.bm25 import FOLDED, query_terms
from retriever.text.diacritics import restore_diacritics
from retriever.text.tokens import lexical_tokens


def unigrams(text: str) -> list[str]:
    return [t for t in lexical_tokens(text) if " " not in t]


def test_one_letter_tokens_and_numbers_are_kept():
    tokens = lexical_tokens("Điều 5 khoản 2 điểm a")
    # Stop-word lists and length filters of English tokenizers drop "a" and single digits.
    assert {"5", "2", "a"} <= set(tokens)
    assert {"điều 5", "khoản 2", "điểm a"} <= set(tokens)


def test_codes_and_figures_stay_whole_and_also_split_into_parts():
    tokens = lexical_tokens("Nghị quyết 58/NQ-TW đạt 98,7% với 1.525.644 văn bản")
    assert {"58/nq-tw", "58", "nq", "tw"} <= set(tokens)
    assert "98,7%" in tokens
    # A full stop between digits is part of the number, not a break.
    assert "1.525.644" in tokens and "525" not in tokens


def test_lower_case_and_unicode_composition():
    decomposed = unicodedata.normalize("NFD", "Thanh Hóa")
    assert unigrams(decomposed) == unigrams("THANH HÓA") == ["thanh", "hóa"]


def test_tone_mark_placement_variants_give_the_same_tokens():
    assert lexical_tokens("Thanh Hoá") == lexical_tokens("Thanh Hóa")
    assert lexical_tokens("thuỷ lợi") == lexical_tokens("thủy lợi")


def test_bigrams_join_neighbours_but_not_across_punctuation():
    tokens = lexical_tokens("Hà Nội, Thanh Hóa")
    assert "hà nội" in tokens and "thanh hóa" in tokens
    assert "nội thanh" not in tokens


def test_bigrams_do_not_cross_line_breaks():
    assert "phạm điều" not in lexical_tokens("Xử lý vi phạm\nĐiều 6. Hiệu lực")


def test_unaccented_query_uses_only_folded_terms():
    exact, folded = query_terms("thanh hoa xep thu")
    assert exact == []
    assert {FOLDED + "thanh hoa", FOLDED + "xep thu"} <= set(folded)


def test_accented_query_keeps_exact_terms_and_adds_folded_ones():
    exact, folded = query_terms("đường phố")
    assert "đường" in exact and "dương" not in exact
    assert FOLDED + "duong" in folded


def test_restore_diacritics_from_passages():
    passages = ["Theo đó, Thanh Hóa xếp thứ 12/63 năm 2021.", "Hoa hồng nở rộ ở Đà Lạt."]
    assert restore_diacritics("thanh hoa xep thu may", passages) == "thanh hóa xếp thứ may"
    # The neighbouring word decides between forms: "hoa" after "thanh" is "hóa", before "hồng" is "hoa".
    assert restore_diacritics("hoa hong", passages) == "hoa hồng"
