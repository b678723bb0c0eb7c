"""Bytes → NFC Unicode for Vietnamese documents, including the legacy TCVN3 (ABC) and VNI font encodings.

Old government documents were typed with 8-bit "font encodings": the file (or a Word/PDF text layer) holds
Windows-1252 codes that only the special font draws as Vietnamese letters. Read naively they come out as
mojibake ("Céng hoµ x· héi", "Coäng hoøa xaõ hoäi"). We try every plausible decoding and keep the one whose
words are valid Vietnamese syllables; when none is, we refuse rather than index mojibake.
"""
from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from pathlib import Path

from ingest.errors import UnreadableFile

UNKNOWN_ENCODING = "unreadable: unknown encoding"
BINARY_CONTENT = "unreadable: binary content"

# A decoding is accepted when at least this share of its non-ASCII words are Vietnamese syllables.
# Correct decodings of real text score above 0.9 (foreign names are the misses); wrong ones below 0.5.
MIN_SCORE = 0.8
_SAMPLE_CHARS = 200_000  # enough words to judge; keeps detection fast on very long files

_HERE = Path(__file__).resolve().parent


# --- Windows-1252, the byte view that legacy font encodings are defined on ---------------------------------

def _cp1252_chars() -> str:
    """The 256 characters of Windows-1252; its five undefined bytes keep their Latin-1 (C1 control) meaning."""
    chars = []
    for b in range(256):
        try:
            chars.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(b))
    return "".join(chars)


_CP1252 = _cp1252_chars()
_CP1252_BYTE = {c: b for b, c in enumerate(_CP1252)}


def _cp1252_bytes(text: str) -> bytes | None:
    """The bytes that a legacy-font text was typed as, or None when text has a character Windows-1252 lacks."""
    try:
        return bytes(_CP1252_BYTE[c] for c in text)
    except KeyError:
        return None


# --- the legacy tables (data files next to this module) ----------------------------------------------------

def _read_table(name: str) -> list[tuple[bytes, str]]:
    """Rows of a TSV table: hex bytes, then the Unicode letter; further columns and '#' lines are comments."""
    rows = []
    for line in (_HERE / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            cols = line.split("\t")
            rows.append((bytes.fromhex(cols[0]), unicodedata.normalize("NFC", cols[1])))
    return rows


TCVN3_TABLE: dict[int, str] = {seq[0]: letter for seq, letter in _read_table("tcvn3.tsv")}
VNI_TABLE: dict[bytes, str] = dict(_read_table("vni.tsv"))

_TCVN3_TRANSLATE = {b: TCVN3_TABLE.get(b, _CP1252[b]) for b in range(256)}
_C1_TO_CP1252 = {b: _CP1252[b] for b in range(0x80, 0xA0)}
_VNI_SEQUENCES = {seq.decode("latin-1"): letter for seq, letter in VNI_TABLE.items()}
# Longest first, so that a vowel with its marks wins over the lone mark byte ("ôù" = ớ before "ô" = ơ).
_VNI_PATTERN = re.compile("|".join(re.escape(s) for s in sorted(_VNI_SEQUENCES, key=len, reverse=True)))
_ASCII_LETTERS = re.compile(r"[A-Za-z]")


def decode_tcvn3(data: bytes) -> str:
    """TCVN3 bytes → Unicode.

    TCVN3 has no codes for capitals with tone marks: headings were typed with the lowercase codes in a .VnTimeH
    font that draws them as capitals. A line whose plain letters are all capitals is such a heading.
    """
    text = data.decode("latin-1").translate(_TCVN3_TRANSLATE)
    lines = text.split("\n")
    for i, line in enumerate(lines):
        ascii_letters = _ASCII_LETTERS.findall(line)
        if len(ascii_letters) >= 4 and all(c.isupper() for c in ascii_letters):
            lines[i] = line.upper()
    return "\n".join(lines)


def decode_vni(data: bytes) -> str:
    """VNI-Windows bytes → Unicode: base letters followed by mark bytes become precomposed letters."""
    text = _VNI_PATTERN.sub(lambda m: _VNI_SEQUENCES[m.group(0)], data.decode("latin-1"))
    # Bytes outside any sequence (quotes, dashes in 0x80-0x9F) mean what Windows-1252 says.
    return text.translate(_C1_TO_CP1252)


def encode_tcvn3(text: str) -> bytes:
    """Unicode → TCVN3 bytes (the inverse of the table); for making test files and for checking the table.

    Capitals with tone marks get the lowercase code, as typists did: they read back as capitals only in a line
    that is all capitals."""
    inverse = {letter: b for b, letter in TCVN3_TABLE.items()}
    out = bytearray()
    for c in unicodedata.normalize("NFC", text):
        code = inverse.get(c, inverse.get(c.lower()))
        out += bytes([code]) if code is not None else c.encode("cp1252")
    return bytes(out)


def encode_vni(text: str) -> bytes:
    """Unicode → VNI-Windows bytes (the inverse of the table); for making test files and for checking it."""
    inverse = {letter: seq for seq, letter in VNI_TABLE.items()}
    out = bytearray()
    for c in unicodedata.normalize("NFC", text):
        out += inverse[c] if c in inverse else c.encode("cp1252")
    return bytes(out)


# --- how Vietnamese does a text look -----------------------------------------------------------------------

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_STOP_TONES = {"\u0301", "\u0323"}  # the only tones a syllable ending in c, ch, p, t can carry
_SYLLABLE = re.compile(
    r"(?P<onset>ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    # Nuclei that end in a glide take no final consonant.
    r"(?:(?P<open>oai|oao|oay|oeo|uây|uôi|uya|uyu|ươi|ươu|iêu|yêu|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi"
    r"|ua|ui|ưa|ưi|ưu|uơ)"
    r"|(?P<nucleus>uyê|iê|yê|uô|ươ|oa|oă|oe|oo|uâ|uê|uy|[aăâeêioôơuưy])(?P<coda>ch|nh|ng|[cmnpt])?)"
)
_LETTER_RUN = re.compile(r"[^\W\d_]+")
# Non-letters that a wrong single-byte decoding produces (µ ¶ · ¸ ¹ ¼ ½ ¾ ¿ ...); real text rarely has them.
_HARMLESS_LATIN1 = set("\xa0©®°«»±§")


@functools.lru_cache(maxsize=65536)
def is_vietnamese_syllable(word: str) -> bool:
    """Whether a word (any case, NFC) is spelled like a Vietnamese syllable, tone mark included."""
    nfd = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in nfd if c in _TONE_MARKS]
    if len(tones) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONE_MARKS))
    m = _SYLLABLE.fullmatch(base)
    if m is None:
        return False
    onset, vowels, coda = m.group("onset") or "", m.group("open") or m.group("nucleus"), m.group("coda") or ""
    front = vowels[0] in "ieêy"
    # Spelling rules that mojibake breaks: k/gh/ngh only before front vowels, c/ng/g never before them.
    if onset in ("k", "gh", "ngh") and not front or onset in ("c", "ng") and front:
        return False
    if onset == "g" and vowels[0] in "eê":
        return False
    return not (tones and coda in ("c", "ch", "p", "t") and tones[0] not in _STOP_TONES)


def _is_suspicious(c: str) -> bool:
    if c in _HARMLESS_LATIN1 or c.isascii() or c.isspace():
        return False
    cat = unicodedata.category(c)
    return c == "\ufffd" or cat in ("Cc", "Mn") or ("\x80" <= c <= "\xff" and not cat.startswith("L"))


def vietnamese_score(text: str) -> tuple[float, int]:
    """(share of evidence that looks Vietnamese, amount of evidence).

    Evidence is every word with a non-ASCII letter (is it a valid syllable?) and every stray Latin-1 symbol or
    control character (never valid). Plain ASCII words say nothing: they read the same in every candidate.
    """
    sample = text[:_SAMPLE_CHARS]
    good = bad = 0
    for word in _LETTER_RUN.findall(sample):
        if not word.isascii():
            if is_vietnamese_syllable(word):
                good += 1
            else:
                bad += 1
    bad += sum(1 for c in sample if not c.isascii() and _is_suspicious(c))
    total = good + bad
    return (good / total if total else 1.0), total


# --- decoding ----------------------------------------------------------------------------------------------

_BOMS = [  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _utf8(data: bytes) -> str | None:
    """Strict UTF-8, forgiving only a character cut off at the very end (a truncated download)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data" and e.start >= len(data) - 3:
            return _strict(data[: e.start], "utf-8")
        return None


def _looks_like_latin_text(text: str) -> bool:
    """Most characters are Latin letters, Vietnamese letters, digits, punctuation or spaces."""
    if not text:
        return False
    latin = sum(
        1 for c in text
        if c.isascii() or "\xa0" <= c <= "\u024f" or "\u0300" <= c <= "\u036f" or "\u1e00" <= c <= "\u1eff"
        or "\u2000" <= c <= "\u206f" or c == "\u20ac"
    )
    return latin >= 0.95 * len(text)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: ASCII characters put a zero in every other byte."""
    head = data[:8192]
    if len(data) < 4 or len(data) % 2:
        return None
    half = len(head) / 2
    zeros_even = head[0::2].count(0) / half
    zeros_odd = head[1::2].count(0) / half
    if zeros_odd >= 0.2 and zeros_even <= 0.02:
        text = _strict(data, "utf-16-le")
    elif zeros_even >= 0.2 and zeros_odd <= 0.02:
        text = _strict(data, "utf-16-be")
    else:
        return None
    if text is None or "\x00" in text or not _looks_like_latin_text(text[:_SAMPLE_CHARS]):
        return None
    return text if vietnamese_score(text)[0] >= MIN_SCORE else None


def _best(candidates: list[str]) -> tuple[str, float]:
    """The candidate that looks most Vietnamese; earlier candidates win ties."""
    best, best_score = candidates[0], -1.0
    for text in candidates:
        score = vietnamese_score(text)[0]
        if score > best_score:
            best, best_score = text, score
    return best, best_score


def _single_byte(data: bytes) -> str:
    """Text that is not Unicode: Windows-1258, TCVN3 or VNI, whichever reads as Vietnamese."""
    candidates = [c for c in (_strict(data, "cp1258"), decode_tcvn3(data), decode_vni(data)) if c is not None]
    text, score = _best([unicodedata.normalize("NFC", c) for c in candidates])
    if score < MIN_SCORE:
        raise UnreadableFile(UNKNOWN_ENCODING)
    return text


def _repair_line(line: str) -> str:
    raw = _cp1252_bytes(line)
    if raw is None:  # a character no legacy font could have produced: real Unicode
        return line
    score, evidence = vietnamese_score(line)
    if evidence == 0 or score >= MIN_SCORE:
        return line
    candidates = [decode_tcvn3(raw), decode_vni(raw)]
    utf8 = _strict(raw, "utf-8")  # UTF-8 that was read as Windows-1252 and saved again
    if utf8 is not None:
        candidates.append(utf8)
    fixed, fixed_score = _best([unicodedata.normalize("NFC", c) for c in candidates])
    return fixed if fixed_score >= MIN_SCORE and fixed_score > score else line


def repair_legacy_font(text: str) -> str:
    """Unicode text that still carries a legacy font's codes ("Céng hoµ", from a .doc typed in .VnTime, or a
    PDF made from one) → real Vietnamese, line by line: a document can mix legacy and Unicode fonts.
    Text that already reads as Vietnamese (or as anything without stray Latin-1 letters) is left alone."""
    if text.isascii():
        return text
    return "\n".join(line if line.isascii() else _repair_line(line) for line in text.split("\n"))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def tidy(text: str) -> str:
    """Text pulled out of a PDF/DOCX/HTML structure or read by OCR: NFC, no control characters, legacy fonts
    repaired."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return repair_legacy_font(unicodedata.normalize("NFC", text))


# Characters that text files do not contain but bytes decoded the wrong way do: controls, unassigned and
# private-use code points, lone surrogates, byte-order marks in mid-text, replacement characters.
_JUNK_CATEGORIES = {"Cc", "Cn", "Co", "Cs"}
_JUNK_CHARS = {"\ufeff", "\ufffd", "\ufffe", "\uffff"}


def _is_junk(c: str) -> bool:
    return c not in "\t\n\r\f\v" and (c in _JUNK_CHARS or unicodedata.category(c) in _JUNK_CATEGORIES)


def _clean(text: str) -> str:
    """NFC; refuse binary, drop the odd stray junk character (a control byte, a lost character)."""
    if "\x00" in text:
        raise UnreadableFile(BINARY_CONTENT)
    junk = sum(1 for c in text if not " " <= c <= "~" and _is_junk(c))  # printable ASCII: the fast path
    if junk > 0.01 * len(text):
        raise UnreadableFile(BINARY_CONTENT)
    if junk:
        text = "".join(c for c in text if not _is_junk(c))
    return unicodedata.normalize("NFC", text)


def decode_text(data: bytes) -> str:
    """Bytes of a text file → NFC Unicode, or UnreadableFile saying why.

    Order: a byte-order mark decides; zero bytes mean UTF-16 or binary; valid UTF-8 is UTF-8; anything else is
    Windows-1258, TCVN3 or VNI, by which reads as Vietnamese. Unicode text still gets its legacy-font lines
    repaired: text pasted from a .VnTime document keeps the font's codes whatever encoding the file is saved in.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], encoding)
            if text is None:
                raise UnreadableFile(UNKNOWN_ENCODING)
            return _clean(repair_legacy_font(text))
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise UnreadableFile(BINARY_CONTENT)
        return _clean(repair_legacy_font(text))
    text = _utf8(data)
    if text is not None:
        return _clean(repair_legacy_font(text))
    return _clean(_single_byte(data))
