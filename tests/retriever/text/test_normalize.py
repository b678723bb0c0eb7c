import unicodedata

from retriever.text.normalize import fold, has_diacritics, normalize
from retriever.text.sentences import sentence_spans


def test_normalize_composes_unicode():
    decomposed = unicodedata.normalize("NFD", "Thanh Hóa chuyển đổi số")
    assert decomposed != "Thanh Hóa chuyển đổi số"
    assert normalize(decomposed) == "Thanh Hóa chuyển đổi số"


def test_one_tone_mark_placement():
    assert normalize("Thanh Hoá") == normalize("Thanh Hóa") == "Thanh Hóa"
    assert normalize("thuỷ lợi") == normalize("thủy lợi")
    assert normalize("khoẻ") == normalize("khỏe")
    assert normalize("HOÁ ĐƠN") == "HÓA ĐƠN"


def test_tone_mark_rule_leaves_unambiguous_syllables_alone():
    # "qu" is a consonant, so "quý" has only one correct spelling; closed syllables are unambiguous too.
    for word in ["quý", "quỳnh", "hoàn", "thuyết", "người", "hoạt"]:
        assert normalize(word) == word


def test_whitespace_and_invisible_characters():
    assert normalize("a\u00a0\u00a0b\u200b c \r\n\r\n\r\n\r\nd  ") == "a b c\n\nd"


def test_fold_strips_every_diacritic():
    assert fold("Thanh Hóa xếp thứ 15") == "thanh hoa xep thu 15"
    assert fold("Đường") == "duong"
    assert has_diacritics("Hà Tĩnh") and not has_diacritics("ha tinh")


def test_sentence_spans_keep_abbreviations_and_offsets():
    text = "Từ năm 2021, TP. Sầm Sơn đã hoàn tất. Tỷ lệ đạt 98,7%.\n\nÔng nói: \"Đây là việc bắt buộc.\" Hết"
    spans = sentence_spans(text)
    sentences = [text[a:b] for a, b in spans]
    assert sentences == [
        "Từ năm 2021, TP. Sầm Sơn đã hoàn tất.",
        "Tỷ lệ đạt 98,7%.",
        "Ông nói: \"Đây là việc bắt buộc.\"",
        "Hết",
    ]


def test_loading_the_sentence_splitter_does_not_import_torch():
    """underthesea's package import would pull torch and transformers in for its translator (3 s of start-up)."""
    import subprocess
    import sys

    code = "import sys; from retriever.text.sentences import underthesea_tools; underthesea_tools(); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
