"""Text folding and cleaning (IMPORT.md, "Matching headers and names" and "Cell values")."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unions.text import (
    COMMUNE_PREFIXES,
    DISTRICT_PREFIXES,
    ZONE_PREFIXES,
    clean_text,
    fold,
    starts_with_total_word,
    strip_prefix,
    unit_kind_from_name,
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- clean_text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("   ", ""),
        ("  Công ty  TNHH   An Phát ", "Công ty TNHH An Phát"),
        ("Công ty\nTNHH\r\nAn\tPhát", "Công ty TNHH An Phát"),
        ("Công\xa0ty\u2003An Phát", "Công ty An Phát"),
        ("\u200bCông ty An Phát\ufeff", "Công ty An Phát"),
        (42, "42"),
        (1250.0, "1250"),
        (1.5, "1.5"),
    ],
)
def test_clean_text_trims_and_collapses_whitespace(value: object, expected: str) -> None:
    assert clean_text(value) == expected


def test_clean_text_returns_nfc() -> None:
    assert clean_text(nfd("Nguyễn Thị Hòa")) == unicodedata.normalize("NFC", "Nguyễn Thị Hòa")
    assert unicodedata.is_normalized("NFC", clean_text(nfd("Đặng Thuỷ")))


@pytest.mark.parametrize("name", ["Hoà", "Hòa", "THUỶ", "Thủy", "Công Ty TNHH", "ĐÀ NẴNG"])
def test_clean_text_keeps_case_and_tone_placement(name: str) -> None:
    assert clean_text(name) == name


def test_clean_text_keeps_old_and_new_tone_placement_apart() -> None:
    # The stored form is compared to tell updates apart: a re-spelled name is a change.
    assert clean_text("Hoà") != clean_text("Hòa")


# --- fold -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "Song Khê–Nội Hoàng",
        "Song Khê - Nội Hoàng",
        "Song Khê—Nội Hoàng",
        "song khe noi hoang",
        "SONG KHÊ - NỘI HOÀNG",
        "  Song  Khê\nNội Hoàng ",
        "Song Khê/Nội Hoàng",
        "Song Khê (Nội Hoàng)",
    ],
)
def test_fold_makes_spelling_variants_one_name(variant: str) -> None:
    assert fold(variant) == "song khe noi hoang"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("TP.Bắc Giang", "tp bac giang"),
        ("TP. Bắc Giang", "tp bac giang"),
        ("H.Hiệp Hoà", "h hiep hoa"),
        ("Đồng Đăng", "dong dang"),
        ("đường", "duong"),
        ("ĐĐ", "dd"),
        ("Mã số\nthuế", "ma so thue"),
        ("Huyện/Thị xã/Thành phố", "huyen thi xa thanh pho"),
        ("Số LĐ", "so ld"),
        ("KCN/CCN", "kcn ccn"),
        ("Ngày cấp GCN (ĐKDN)", "ngay cap gcn dkdn"),
        ("100% vốn nước ngoài", "100 von nuoc ngoai"),
        ("“Công ty” A, B; C: D!", "cong ty a b c d"),
        ("Số\xa0lao\u2003động", "so lao dong"),
        ("Mã\u200bsố thuế", "maso thue"),
        ("a_b", "a b"),
        ("a+b=c", "a b c"),
        ("", ""),
        (None, ""),
        ("   ", ""),
        ("-–—", ""),
        (2024, "2024"),
        (1250.0, "1250"),
    ],
)
def test_fold_examples(value: object, expected: str) -> None:
    assert fold(value) == expected


@pytest.mark.parametrize(
    ("old_style", "new_style"),
    [
        ("Hoà", "Hòa"),
        ("Thuỷ", "Thủy"),
        ("Khoẻ", "Khỏe"),
        ("Hiệp Hoà", "Hiệp Hòa"),
        ("Quý", "Qúy"),
        ("HOÀ", "hòa"),
    ],
)
def test_fold_ignores_tone_placement(old_style: str, new_style: str) -> None:
    assert fold(old_style) == fold(new_style)


@pytest.mark.parametrize(
    "name", ["Nguyễn Đình Hữu", "Hiệp Hòa", "Thủy Nguyên", "Lục Ngạn", "Trường Sơn"]
)
def test_fold_reads_nfd_like_nfc(name: str) -> None:
    decomposed = nfd(name)
    assert decomposed != name
    assert fold(decomposed) == fold(name)


def test_fold_maps_d_with_stroke_to_d() -> None:
    assert fold("đ") == fold("Đ") == "d"
    # Icelandic eth is what legacy Vietnamese font conversions leave in place of Đ.
    assert fold("Ðông") == "dong"


def test_fold_keeps_digits_and_other_scripts() -> None:
    assert fold("Quận 1") == "quan 1"
    assert fold("ΣΩΜΑ") == "σωμα"


def test_fold_of_a_title_is_not_its_alias() -> None:
    # Header detection compares whole folded cells: a title containing an alias is not one.
    assert fold("LIÊN ĐOÀN LAO ĐỘNG HUYỆN") != fold("Huyện")


# Letters a Vietnamese name is made of, upper and lower case, in every tone.
_VIETNAMESE_LETTERS = sorted(
    {
        char
        for base in "aăâeêioôơuưy"
        for tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
        for char in (
            unicodedata.normalize("NFC", base + tone),
            unicodedata.normalize("NFC", base.upper() + tone),
        )
    }
    | set("bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVX0123456789")
    | set(" .,;:-–—/()\n\t\xa0")
)
vietnamese_text = st.text(alphabet=st.sampled_from(_VIETNAMESE_LETTERS), max_size=40)


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_fold_reads_nfd_and_nfc_alike(text: str) -> None:
    assert fold(nfd(text)) == fold(unicodedata.normalize("NFC", text))


@given(st.text())
def test_fold_output_is_trimmed_and_single_spaced(text: str) -> None:
    folded = fold(text)
    assert folded == folded.strip()
    assert "  " not in folded


@given(vietnamese_text)
def test_fold_of_vietnamese_text_is_ascii_lowercase_digits_and_spaces(text: str) -> None:
    assert set(fold(text)) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ")


@given(vietnamese_text)
def test_fold_ignores_case_and_normal_form_of_vietnamese_text(text: str) -> None:
    assert fold(text) == fold(nfd(text.upper())) == fold(text.lower())


# --- clean_text properties ------------------------------------------------------------------


@given(st.text())
def test_clean_text_is_idempotent(text: str) -> None:
    assert clean_text(clean_text(text)) == clean_text(text)


@given(st.text())
def test_clean_text_is_nfc_trimmed_and_single_spaced(text: str) -> None:
    cleaned = clean_text(text)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert cleaned == cleaned.strip()
    assert cleaned == " ".join(cleaned.split())


@given(vietnamese_text)
def test_fold_of_clean_text_is_fold(text: str) -> None:
    assert fold(clean_text(text)) == fold(text)


# --- strip_prefix ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Huyện Việt Yên", "viet yen"),
        ("H. Việt Yên", "viet yen"),
        ("H.Hiệp Hoà", "hiep hoa"),
        ("Thị xã Việt Yên", "viet yen"),
        ("TX Việt Yên", "viet yen"),
        ("TX.Chũ", "chu"),
        ("Thành phố Bắc Giang", "bac giang"),
        ("TP.Bắc Giang", "bac giang"),
        ("TP Bắc Giang", "bac giang"),
        ("Quận Ba Đình", "ba dinh"),
        ("Q. 1", "1"),
        ("Việt Yên", "viet yen"),
        # A name that merely starts with a prefix's letters keeps them.
        ("Hiệp Hoà", "hiep hoa"),
        ("Tân Yên", "tan yen"),
        ("Quang Châu", "quang chau"),
        # A prefix alone is a name, not a prefix.
        ("Huyện", "huyen"),
        ("TP", "tp"),
        # Only one prefix is removed.
        ("Thành phố Thành phố X", "thanh pho x"),
    ],
)
def test_strip_prefix_removes_a_district_type(name: str, expected: str) -> None:
    assert strip_prefix(fold(name), DISTRICT_PREFIXES) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Xã Tân Mỹ", "tan my"),
        ("X. Tân Mỹ", "tan my"),
        ("Phường Trần Phú", "tran phu"),
        ("P.Trần Phú", "tran phu"),
        ("Thị trấn Neo", "neo"),
        ("TT. Neo", "neo"),
        ("TT Neo", "neo"),
        ("Xương Giang", "xuong giang"),
        # Folded, "Phương Sơn" reads as "Phường Sơn": callers try the unstripped name first.
        ("Phương Sơn", "son"),
    ],
)
def test_strip_prefix_removes_a_commune_type(name: str, expected: str) -> None:
    assert strip_prefix(fold(name), COMMUNE_PREFIXES) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Khu công nghiệp Quang Châu", "quang chau"),
        ("KCN Quang Châu", "quang chau"),
        ("Cụm công nghiệp Hợp Thịnh", "hop thinh"),
        ("CCN Hợp Thịnh", "hop thinh"),
        ("Khu công nghiệp", "khu cong nghiep"),
    ],
)
def test_strip_prefix_removes_a_zone_type(name: str, expected: str) -> None:
    assert strip_prefix(fold(name), ZONE_PREFIXES) == expected


def test_strip_prefix_tries_the_longest_prefix_first() -> None:
    assert strip_prefix("thi tran neo", ("thi", "thi tran")) == "neo"
    assert strip_prefix("thi xa viet yen", ("h", "thi", "thi xa")) == "viet yen"


def test_strip_prefix_leaves_names_without_a_prefix() -> None:
    assert strip_prefix("", DISTRICT_PREFIXES) == ""
    assert strip_prefix("viet yen", ()) == "viet yen"


@given(vietnamese_text)
def test_strip_prefix_returns_a_suffix_of_the_folded_name(text: str) -> None:
    folded = fold(text)
    stripped = strip_prefix(folded, DISTRICT_PREFIXES)
    assert folded.endswith(stripped)
    assert stripped or not folded


# --- unit_kind_from_name --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Thành phố Bắc Giang", "thanh_pho"),
        ("TP.Bắc Giang", "thanh_pho"),
        ("Tp Bắc Giang", "thanh_pho"),
        ("THÀNH PHỐ BẮC GIANG", "thanh_pho"),
        ("Thị xã Việt Yên", "thi_xa"),
        ("TX. Việt Yên", "thi_xa"),
        ("Huyện Lục Ngạn", "huyen"),
        ("H. Lục Ngạn", "huyen"),
        ("Quận Ba Đình", "quan"),
        ("Quận 1", "quan"),
        ("Q.1", "quan"),
        ("Phường Trần Phú", "phuong"),
        ("P. Trần Phú", "phuong"),
        ("Xã Tân Mỹ", "xa"),
        ("X.Tân Mỹ", "xa"),
        ("Thị trấn Neo", "thi_tran"),
        ("TT. Neo", "thi_tran"),
        ("Tỉnh Bắc Giang", "tinh"),
        (nfd("Thị trấn Neo"), "thi_tran"),
        ("  Thị   xã\nViệt Yên", "thi_xa"),
    ],
)
def test_unit_kind_from_name_reads_the_type_prefix(name: str, kind: str) -> None:
    assert unit_kind_from_name(name) == kind


@pytest.mark.parametrize(
    "name",
    [
        "Việt Yên",
        "Bắc Giang",
        "",
        "Huyện",  # a type with no name after it
        "TP.",
        # Names that fold like a type word but are not one: diacritics decide.
        "Tịnh Biên",
        "Phương Sơn",
        "Quan Hóa",
        "Xá Lợi",
        # Letters of a longer word are not an abbreviation.
        "Hiệp Hoà",
        "Tân Yên",
        "TPHCM",
    ],
)
def test_unit_kind_from_name_is_none_without_a_type(name: str) -> None:
    assert unit_kind_from_name(name) is None


# --- starts_with_total_word -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Cộng",
        "Cộng:",
        "Cộng: 25 doanh nghiệp",
        "CỘNG",
        "cộng",
        "Tổng cộng",
        "TỔNG CỘNG",
        "Tổng cộng:",
        "Tổng  cộng (25 DN)",
        "  Tổng cộng",
        "Cộng.",
        nfd("Tổng cộng"),
        nfd("Cộng:"),
    ],
)
def test_starts_with_total_word_finds_totals(name: str) -> None:
    assert starts_with_total_word(name)


@pytest.mark.parametrize(
    "name",
    [
        "Công ty TNHH Cộng",
        "Công ty cổ phần An Phát",
        "CÔNG TY TNHH",
        "Cong",
        "Tổng công ty May Bắc Giang",
        "Tổng số",
        "Tổng",
        "Cộngtác",
        "",
        "Nhà máy Cộng",
    ],
)
def test_starts_with_total_word_ignores_names(name: str) -> None:
    assert not starts_with_total_word(name)
