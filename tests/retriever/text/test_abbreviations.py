"""Administrative abbreviations: expanded into BM25 tokens on both sides, and spelled out for the dense query."""
from retriever.text.tokens import abbreviations, expand_abbreviations, expansion_of, lexical_tokens

REQUIRED = ["UBND", "HĐND", "TP", "TT&TT", "TTTT", "CQĐT", "CNTT", "DTI", "KT-XH", "NQ", "QĐ", "NĐ-CP", "TT-BTC",
            "BCH", "TW", "MTTQ", "ĐBQH"]


def test_table_is_large_enough_and_has_the_common_ones():
    table = abbreviations()
    assert len(table) >= 40
    assert all(key in table for key in REQUIRED)


def test_abbreviation_and_expansion_share_terms():
    short = set(lexical_tokens("UBND tỉnh Thanh Hóa"))
    full = set(lexical_tokens("Ủy ban nhân dân tỉnh Thanh Hóa"))
    assert {"ủy ban", "nhân dân", "dân tỉnh"} <= short & full


def test_long_keys_match_in_any_case_and_without_accents():
    assert expansion_of("hđnd") == expansion_of("HĐND") == expansion_of("hdnd") == "Hội đồng nhân dân"
    assert "hội đồng" in lexical_tokens("hdnd tinh")


def test_short_keys_match_only_as_written():
    # "tp", "tw" in lower case are not taken for abbreviations.
    assert "thành phố" in lexical_tokens("TP. Sầm Sơn")
    assert "phố sầm" in lexical_tokens("TP. Sầm Sơn")  # the abbreviation's full stop does not end the phrase
    assert "thành" not in lexical_tokens("tp sầm sơn")
    assert expansion_of("tw") is None and expansion_of("TW") == "Trung ương"


def test_abbreviations_inside_codes():
    assert {"nghị định", "chính phủ"} <= set(lexical_tokens("Nghị định 15/2020/NĐ-CP"))
    assert {"thông tin", "truyền thông"} <= set(lexical_tokens("Sở TT&TT"))
    assert {"kinh tế", "xã hội"} <= set(lexical_tokens("phát triển KT-XH"))


def test_dense_query_spells_out_abbreviations_once():
    assert expand_abbreviations("UBND tỉnh") == "UBND (Ủy ban nhân dân) tỉnh"
    assert expand_abbreviations("Ủy ban nhân dân (UBND) tỉnh") == "Ủy ban nhân dân (UBND) tỉnh"
    assert expand_abbreviations("tỉnh Thanh Hóa") == "tỉnh Thanh Hóa"
