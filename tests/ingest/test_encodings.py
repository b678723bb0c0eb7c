"""Bytes → Unicode: UTF-8/16, Windows-1258 and the legacy TCVN3 and VNI font encodings of old documents."""
import codecs
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.encodings import (
    TCVN3_TABLE,
    VNI_TABLE,
    decode_tcvn3,
    decode_text,
    decode_vni,
    encode_tcvn3,
    encode_vni,
    is_vietnamese_syllable,
    repair_legacy_font,
)
from ingest.errors import UnreadableFile

TEXT = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc.\n"
    "Quyết định phê duyệt chương trình chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030.\n"
    "Thủ tướng Chính phủ giao Bộ Thông tin và Truyền thông chủ trì, phối hợp với các bộ, ngành và địa phương "
    "hướng dẫn người dân sử dụng dịch vụ công trực tuyến; khuyến khích doanh nghiệp tham gia."
)
TONES = "\u0300\u0301\u0303\u0309\u0323"
# Every lowercase Vietnamese letter that is not plain ASCII: 12 vowels × 6 tones, less a e i o u y, plus đ.
VOWELS = "aăâeêioôơuưy"
LETTERS = {unicodedata.normalize("NFC", v + t) for v in VOWELS for t in ["", *TONES]} - set("aeiouy") | {"đ"}


# --- the tables ----------------------------------------------------------------------------------------------

def test_tcvn3_table_has_every_lowercase_letter_once():
    assert len(LETTERS) == 67
    assert set(TCVN3_TABLE.values()) == LETTERS | set("ĂÂÊÔƠƯĐ")
    assert len(TCVN3_TABLE) == 67 + 7  # no letter has two codes
    assert all(0xA1 <= b <= 0xFE for b in TCVN3_TABLE)


def test_vni_table_has_every_letter_in_both_cases():
    assert set(VNI_TABLE.values()) == LETTERS | {c.upper() for c in LETTERS}
    assert len(set(VNI_TABLE.values())) == len(VNI_TABLE)  # one sequence per letter
    # Single bytes for ơ ư đ and the i's, two bytes (base letter + mark) for the rest.
    assert VNI_TABLE[b"\xf4"] == "ơ" and VNI_TABLE[b"\xf6"] == "ư" and VNI_TABLE[b"\xf1"] == "đ"
    assert VNI_TABLE[b"e\xe4"] == "ệ" and VNI_TABLE[b"a\xea"] == "ă" and VNI_TABLE[b"\xf6\xef"] == "ự"


# --- real-world legacy bytes (written by hand, not made with our own tables) --------------------------------

@pytest.mark.parametrize(
    "raw, expected",
    [
        # The national motto as typed in .VnTime: "Céng hoµ x· héi chñ nghÜa ViÖt Nam" on a Western screen.
        (b"C\xe9ng ho\xb5 x\xb7 h\xe9i ch\xf1 ngh\xdca Vi\xd6t Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
        (b"\xa7\xe9c l\xcbp - T\xf9 do - H\xb9nh ph\xf3c", "Độc lập - Tự do - Hạnh phúc"),
        # ư is 0xAD, a soft hyphen on a Western screen: "M­êng Kh­¬ng" is Mường Khương (Lào Cai).
        (b"M\xad\xeang Kh\xad\xacng, B\xb6o Th\xbeng", "Mường Khương, Bảo Thắng"),
    ],
)
def test_known_tcvn3_bytes(raw, expected):
    assert decode_text(raw) == expected


def test_tcvn3_heading_typed_in_a_capitals_font():
    # .VnTimeH draws the lowercase codes as capitals: "CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM".
    raw = b"C\xe9NG HO\xb5 X\xb7 H\xe9I CH\xf1 NGH\xdcA VI\xd6T NAM\n\xa7\xe9c l\xcbp - T\xf9 do - H\xb9nh ph\xf3c"
    assert decode_text(raw) == "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b"Co\xe4ng ho\xf8a xa\xf5 ho\xe4i chu\xfb ngh\xf3a Vie\xe4t Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        (b"\xd1o\xe4c la\xe4p - T\xf6\xef do - Ha\xefnh phu\xf9c", "Độc lập - Tự do - Hạnh phúc"),
        (b"Xin cha\xf8o ca\xf9c ba\xefn", "Xin chào các bạn"),
        (b"Tr\xf6\xf4\xf8ng ho\xefc", "Trường học"),  # ư, then ơ carrying the tone
    ],
)
def test_known_vni_bytes(raw, expected):
    assert decode_text(raw) == expected


# --- round trips through our own tables -----------------------------------------------------------------

def test_tcvn3_round_trip():
    assert decode_tcvn3(encode_tcvn3(TEXT)) == TEXT  # TEXT has no capital with a tone mark: TCVN3 has none
    assert decode_text(encode_tcvn3(TEXT)) == TEXT


def test_vni_round_trip():
    assert decode_vni(encode_vni(TEXT)) == TEXT
    assert decode_text(encode_vni(TEXT)) == TEXT


def test_every_letter_round_trips():
    letters = "".join(sorted(LETTERS))
    assert decode_vni(encode_vni(letters + letters.upper())) == letters + letters.upper()
    assert decode_tcvn3(encode_tcvn3(letters)) == letters


# --- Windows-1258 and Unicode encodings --------------------------------------------------------------------

def test_windows_1258_combining_tones_come_out_nfc(encode_cp1258):
    raw = encode_cp1258(TEXT)
    assert b"\xf2" in raw or b"\xec" in raw  # the file really uses combining tone marks
    text = decode_text(raw)
    assert text == TEXT and unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    "raw",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with BOM
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),  # no BOM
        TEXT.encode("utf-16-be"),  # no BOM
        unicodedata.normalize("NFD", TEXT).encode("utf-8"),  # as macOS writes file names and some editors text
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16be-bom", "utf16le", "utf16be", "utf8-nfd"],
)
def test_unicode_encodings(raw):
    assert decode_text(raw) == TEXT


def test_utf8_cut_off_mid_letter_is_still_utf8():
    assert decode_text((TEXT + " Việ").encode("utf-8")[:-1]) == TEXT + " Vi"


def test_english_windows_1252_punctuation_is_fine():
    assert decode_text("The “policy” costs 5 € — see § 3.".encode("cp1252")) == "The “policy” costs 5 € — see § 3."


# --- what must be refused ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "raw",
    [bytes(range(256)) * 4, b"\x89PNG\r\n\x1a\n" + bytes(200), bytes([0xFF, 0xFE, 0xFD, 0xFC] * 50), b"\x00\x01\x02"],
    ids=["all-bytes", "png", "high-bytes", "nul"],
)
def test_binary_is_refused(raw):
    with pytest.raises(UnreadableFile, match="unreadable"):
        decode_text(raw)


def test_undecidable_text_is_refused_not_returned_as_mojibake():
    # Russian in KOI8-R: no candidate reads as Vietnamese.
    with pytest.raises(UnreadableFile, match="unknown encoding"):
        decode_text("Постановление правительства о цифровой трансформации".encode("koi8-r"))


# --- legacy font text that is already Unicode (old .doc files, PDFs made from them) ----------------------

def test_repair_tcvn3_text_inside_unicode():
    text = "Céng hoµ x· héi chñ nghÜa ViÖt Nam\nViệt Nam đã là Unicode\nNaïve café in English"
    expected = "Cộng hoà xã hội chủ nghĩa Việt Nam\nViệt Nam đã là Unicode\nNaïve café in English"
    assert repair_legacy_font(text) == expected


def test_repair_vni_text_inside_unicode():
    assert repair_legacy_font("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == "Cộng hòa xã hội chủ nghĩa Việt Nam"


def test_repair_utf8_read_as_windows_1252():
    mojibake = "Cá»™ng hÃ²a xÃ£ há»™i chá»§ nghÄ©a Viá»‡t Nam"
    assert repair_legacy_font(mojibake) == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert decode_text(mojibake.encode("utf-8")) == "Cộng hòa xã hội chủ nghĩa Việt Nam"


# --- the syllable check that decides ---------------------------------------------------------------------

@pytest.mark.parametrize("word", ["người", "Nghiêng", "khuya", "quốc", "giữ", "gìn", "Thuở", "ngoằn", "kiến", "yêu"])
def test_vietnamese_syllables(word):
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize("word", ["hoµ", "Céng", "héi", "Vieät", "chuû", "café", "ngà̀", "càc", "kan", "policy"])
def test_not_vietnamese_syllables(word):
    assert not is_vietnamese_syllable(word)


# --- arbitrary input ---------------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_decode_text_on_arbitrary_bytes_returns_nfc_text_or_refuses(raw):
    try:
        text = decode_text(raw)
    except UnreadableFile:
        return
    assert "\x00" not in text and unicodedata.is_normalized("NFC", text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500))
def test_repair_never_fails(text):
    assert isinstance(repair_legacy_font(text), str)
