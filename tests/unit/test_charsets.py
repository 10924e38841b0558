"""Charset aliasing and decoding of declared and undeclared text (mail.charsets)."""

from __future__ import annotations

import pytest

from correspondent.mail.charsets import codecs_for, decode_declared, decode_undeclared
from correspondent.mail.iso2022jp import decode_iso2022jp_as_cp932


def _iso2022jp_from_cp932(text: str) -> bytes:
    """ISO-2022-JP bytes as Outlook writes them, NEC extension characters included."""
    sjis = text.encode("cp932")
    out = bytearray(b"\x1b$B")
    for lead, trail in zip(sjis[::2], sjis[1::2], strict=True):
        row = (lead - (0x70 if lead < 0xA0 else 0xB0)) * 2
        if trail < 0x9F:
            row -= 1
            cell = trail - (0x1F if trail < 0x7F else 0x20)
        else:
            cell = trail - 0x7E
        out += bytes((row, cell))
    return bytes(out + b"\x1b(B")


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("Shift_JIS", "cp932"),
        ("x-sjis", "cp932"),
        ("ks_c_5601-1987", "cp949"),
        ('"ISO-8859-1"', "whatwg-1252"),
        ("windows-1251", "cp1251"),
        ("utf-8*ja", "utf_8"),
    ],
)
def test_declared_charsets_map_to_their_superset(declared: str, expected: str) -> None:
    assert codecs_for(declared)[0] == expected


@pytest.mark.parametrize("declared", [None, "", "us-ascii", "x-unknown", "no-such-charset", "zlib"])
def test_useless_or_dangerous_declarations_mean_undeclared(declared: str | None) -> None:
    assert codecs_for(declared) == ()


def test_gbk_characters_outside_gb2312_decode_under_a_gb2312_label() -> None:
    text = "镕基与喆"  # 镕 and 喆 are GBK-only
    assert decode_declared(text.encode("gbk"), "gb2312").text == text


def test_shift_jis_label_decodes_nec_extension_characters() -> None:
    text = "①②㈱ テスト"
    result = decode_declared(text.encode("cp932"), "Shift_JIS")
    assert result == decode_declared(text.encode("cp932"), "shift_jis")
    assert result.text == text and not result.replaced


def test_euc_jp_decodes() -> None:
    text = "日本語の本文です"
    assert decode_declared(text.encode("euc_jp"), "EUC-JP").text == text


def test_iso_2022_jp_decodes_including_microsoft_extensions() -> None:
    plain = "件名のテスト"
    assert decode_declared(plain.encode("iso2022_jp"), "iso-2022-jp").text == plain
    extended = "会議①㈱"
    raw = _iso2022jp_from_cp932(extended)
    with pytest.raises(UnicodeDecodeError):
        raw.decode("iso2022_jp_2")  # what the stdlib alone would do
    assert decode_declared(raw, "ISO-2022-JP").text == extended
    assert decode_iso2022jp_as_cp932(raw) == extended


def test_half_width_katakana_in_iso_2022_jp() -> None:
    assert decode_declared("ｶﾀｶﾅ".encode("iso2022_jp_ext"), "iso-2022-jp").text == "ｶﾀｶﾅ"


def test_latin1_label_decodes_as_windows_1252_like_whatwg() -> None:
    result = decode_declared(b"\x93quoted\x94 \x80 \x81", "iso-8859-1")
    assert result.text == "\u201cquoted\u201d \u20ac \x81"
    assert not result.replaced


def test_undeclared_utf8_is_tried_first() -> None:
    assert decode_undeclared("Grüße – 日本".encode()).text == "Grüße – 日本"


def test_undeclared_8bit_uses_the_message_hint_before_detection() -> None:
    data = "日本語".encode("cp932")
    assert decode_undeclared(data, hint="shift_jis").text == "日本語"


def test_undeclared_cyrillic_is_detected() -> None:
    text = "Привет, как дела? Это письмо написано в кодировке windows-1251."
    assert decode_undeclared(text.encode("cp1251")).text == text


def test_undeclared_western_text_falls_back_to_windows_1252_without_replacement() -> None:
    result = decode_undeclared(b"caf\xe9")
    assert "caf" in result.text and "\ufffd" not in result.text and not result.replaced


def test_undeclared_raw_iso_2022_jp_is_recognised_by_its_escapes() -> None:
    assert decode_undeclared("見積もり".encode("iso2022_jp")).text == "見積もり"


def test_replacement_is_reported_only_when_it_happens() -> None:
    broken = decode_declared(b"ok \xff\xfe end", "utf-8")
    assert broken.replaced and "\ufffd" in broken.text and broken.text.startswith("ok ")
    assert not decode_declared(b"ok", "utf-8").replaced


def test_utf8_cut_mid_character_stays_utf8_with_a_visible_replacement() -> None:
    data = "Картинка с очень длинным именем".encode()[:-1]
    result = decode_undeclared(data, hint="koi8-r")
    assert result.text.startswith("Картинка с очень длинным имене")
    assert result.text.endswith("\ufffd") and result.replaced
