"""Text rules for Vietnamese names and spreadsheet cells.

Two forms of the same text are used across the project (see IMPORT.md, "Matching headers and
names" and "Cell values"):

* ``clean_text`` is the stored form: NFC, trimmed, inner whitespace collapsed. Case and tone
  placement are kept, so a name re-spelled ``Hoà`` still reads as a change.
* ``fold`` is the comparison form: lower-case, no diacritics, punctuation as spaces. It makes
  ``Song Khê–Nội Hoàng`` and ``song khe noi hoang`` one name, and ``Hoà`` equal to ``Hòa``.

The prefix helpers read and remove the administrative-type words (Huyện, TX., Phường, KCN...)
that files put in front of unit and zone names.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "COMMUNE_PREFIXES",
    "DISTRICT_PREFIXES",
    "ZONE_PREFIXES",
    "clean_text",
    "fold",
    "starts_with_total_word",
    "strip_prefix",
    "unit_kind_from_name",
]

# Folded prefixes. Order does not matter: strip_prefix tries the longest first.
DISTRICT_PREFIXES: tuple[str, ...] = (
    "thanh pho",
    "thi xa",
    "huyen",
    "quan",
    "tp",
    "tx",
    "h",
    "q",
)
COMMUNE_PREFIXES: tuple[str, ...] = ("phuong", "xa", "thi tran", "p", "x", "tt")
ZONE_PREFIXES: tuple[str, ...] = ("khu cong nghiep", "cum cong nghiep", "kcn", "ccn")

# Invisible characters that arrive with text pasted from web pages and PDFs. They are not
# whitespace to str.split(), yet a stored name ending in one looks identical to one without.
_INVISIBLE = "\u200b\u2060\ufeff"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")

# Letters that carry no combining mark to strip but still read as "d". U+00D0/U+00F0 (Icelandic
# eth) is what some legacy-font conversions (TCVN3, VNI) produce instead of Đ/đ.
_STROKED = {"đ": "d", "ð": "d"}

# Bounds the lazily filled fold table, so a hostile file listing every code point cannot make it
# grow without limit; characters past the bound are still folded, just not remembered.
_TABLE_LIMIT = 1 << 16

# What real files hold: ASCII, Latin-1, Latin Extended-A/B, combining marks, the Vietnamese
# precomposed letters (Latin Extended Additional) and general punctuation (dashes, curly quotes).
_COMMON_RANGES = ((0x00, 0x250), (0x300, 0x370), (0x1E00, 0x1F00), (0x2000, 0x2070))


def _fold_once(text: str) -> str:
    out: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        category = unicodedata.category(char)
        if category in ("Mn", "Me", "Cf") or unicodedata.combining(char):
            # Mn/Me are the diacritics NFD split off; Cf are zero-width marks and soft hyphens.
            # Any other mark with a combining class goes too: canonical reordering moves such
            # marks, and dropping them is what makes NFC and NFD input fold alike.
            continue
        if category[0] in "PSZ" or category == "Cc":
            # Z* and Cc cover spaces, NBSP, tabs and line breaks, not only punctuation.
            out.append(" ")
            continue
        lowered = char.lower()
        out.append(_STROKED.get(lowered, lowered))
    return "".join(out)


def _fold_char(char: str) -> str:
    # Lower-casing can expose new combining marks ("İ" -> "i" + U+0307), so repeat until stable;
    # that is what keeps fold() idempotent and indifferent to NFC or NFD input.
    result = _fold_once(char)
    for _ in range(4):
        again = _fold_once(result)
        if again == result:
            break
        result = again
    return result


class _FoldTable(dict[int, str]):
    """A str.translate table that folds each character the first time it is met."""

    def __missing__(self, code_point: int) -> str:
        folded = _fold_char(chr(code_point))
        if len(self) < _TABLE_LIMIT:
            self[code_point] = folded
        return folded


# str.translate is about a third faster with a plain dict than with a subclass, so the common
# characters get one. It leaves a character it has no entry for untouched, and every ASCII
# character has one; so an all-ASCII result is final, and anything else is redone in full.
_COMMON_TABLE: dict[int, str] = {
    code_point: _fold_char(chr(code_point))
    for start, end in _COMMON_RANGES
    for code_point in range(start, end)
}
_FULL_TABLE = _FoldTable(_COMMON_TABLE)


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # A numeric cell holding a whole number is shown by Excel without ".0"; store it so.
        return str(int(value))
    return str(value)


def clean_text(value: object) -> str:
    """The stored form of a text cell: NFC, trimmed, inner whitespace collapsed to one space.

    ``None`` becomes ``""``. Case and tone placement are kept as typed.
    """
    text = unicodedata.normalize("NFC", _as_text(value))
    if any(char in text for char in _INVISIBLE):
        text = _INVISIBLE_RE.sub("", text)
    # str.split() with no argument splits on every Unicode space, NBSP and line break included.
    return " ".join(text.split())


@lru_cache(maxsize=8192)
def _fold_str(text: str) -> str:
    folded = text.translate(_COMMON_TABLE)
    if not folded.isascii():
        folded = text.translate(_FULL_TABLE)
    return " ".join(folded.split())


def fold(value: object) -> str:
    """The comparison form of headers and names (IMPORT.md, "Matching headers and names").

    Lower-case, diacritics removed (đ -> d), every punctuation or symbol character replaced by a
    space, whitespace collapsed and trimmed. NFC and NFD input fold alike, and so do old and new
    tone placement (``Hoà``/``Hòa``, ``Thuỷ``/``Thủy``).
    """
    # Cells repeat a lot (district, commune, ownership columns), hence the cache.
    return _fold_str(_as_text(value))


@lru_cache(maxsize=64)
def _longest_first(prefixes: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    words = (tuple(prefix.split()) for prefix in prefixes)
    return tuple(sorted((w for w in words if w), key=lambda w: (-len(" ".join(w)), w)))


def strip_prefix(folded: str, prefixes: tuple[str, ...]) -> str:
    """Remove one leading type prefix from a folded name, if more words follow it.

    ``strip_prefix("thi xa viet yen", DISTRICT_PREFIXES) == "viet yen"``, while ``"huyen"``
    alone stays as it is and ``"hiep hoa"`` is not mistaken for ``"h"`` + ``"iep hoa"``.
    """
    words = folded.split()
    for prefix in _longest_first(prefixes):
        if len(words) > len(prefix) and tuple(words[: len(prefix)]) == prefix:
            return " ".join(words[len(prefix) :])
    return " ".join(words)


# Full type words are matched with their diacritics: folded, "Tịnh Biên" would read as "Tỉnh",
# "Phương Sơn" as "Phường" and "Quan Hóa" as "Quận". Abbreviations have no diacritics to lose.
_UNIT_KINDS: dict[str, str] = {
    "thành phố": "thanh_pho",
    "thị xã": "thi_xa",
    "thị trấn": "thi_tran",
    "huyện": "huyen",
    "quận": "quan",
    "phường": "phuong",
    "xã": "xa",
    "tỉnh": "tinh",
    "tp": "thanh_pho",
    "tx": "thi_xa",
    "tt": "thi_tran",
    "h": "huyen",
    "q": "quan",
    "p": "phuong",
    "x": "xa",
}
_UNIT_KIND_RE = re.compile(
    # Longest first, so "xã" is not read as "x" and "huyện" not as "h".
    "(?P<prefix>"
    + "|".join(map(re.escape, sorted(_UNIT_KINDS, key=len, reverse=True)))
    + ")"
    # The prefix must end a word and a name must follow: "TP.Bắc Giang", "H. Yên Dũng", "Quận 1".
    + r"(?:\s*\.\s*|\s)(?=\w)"
)


def unit_kind_from_name(name: str) -> str | None:
    """The administrative type a unit's name starts with, or ``None``.

    ``"Thị xã Việt Yên"`` gives ``"thi_xa"``, ``"TP.Bắc Giang"`` ``"thanh_pho"``, ``"Tỉnh Bắc
    Giang"`` ``"tinh"``. Case is ignored; diacritics of the full words are not.
    """
    match = _UNIT_KIND_RE.match(clean_text(name).lower())
    if match is None:
        return None
    return _UNIT_KINDS[match["prefix"]]


# "Cộng" must end a word, so "Cộng:" and "Tổng cộng 25 DN" are totals. Diacritics are kept
# because they are all that tells "Cộng" from "Công ty".
_TOTAL_RE = re.compile(r"(?:tổng\s+)?cộng(?!\w)")


def starts_with_total_word(name: str) -> bool:
    """Whether a name starts with the word "Tổng cộng" or "Cộng", as a totals row's does.

    Case is ignored, diacritics are not, so ``"Công ty ..."`` is a name and ``"TỔNG CỘNG"`` a
    total.
    """
    return _TOTAL_RE.match(clean_text(name).lower()) is not None
