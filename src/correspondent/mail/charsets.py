"""Turning the bytes of a message into text when the declared charset cannot be trusted.

Protocol facts this module relies on:

* Mailers declare charsets by IANA name (``charset=`` parameters, encoded-words, RFC 2231
  parameter values) but routinely write a *superset* of what they declare: Outlook labels cp936
  text "gb2312", Japanese phones label cp932 (with NEC/IBM extensions) "Shift_JIS", and almost
  everyone who says "iso-8859-1" or "us-ascii" writes windows-1252. Like the WHATWG Encoding
  Standard, we decode with the superset.
* ISO-2022-JP is 7-bit and stateful; senders mix in JIS X 0212 or half-width katakana, so we try
  the plain codec first and then its extended relatives.
* Text without any declaration (8-bit header bytes, bodies without ``charset``) is most often
  UTF-8 today, so UTF-8 is tried strictly first, then a charset hint from elsewhere in the same
  message, then statistical detection (``charset-normalizer``), and finally windows-1252, which
  (with the WHATWG mapping of its five undefined bytes) can decode any byte string.

Only when a codec had to *replace* bytes with U+FFFD is the result marked ``replaced``; callers
turn that into a decode problem on the activity.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes

from correspondent.mail.iso2022jp import ISO2022JP_CP932, decode_iso2022jp_as_cp932

_WHATWG_1252 = "whatwg-1252"  # a pseudo-codec name handled by _decode


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _aliases(names: str, chain: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return dict.fromkeys(names.split(), chain)


# Declared name (lower-cased, quotes stripped) -> codecs to try strictly, in order.
_SUPERSETS: dict[str, tuple[str, ...]] = {
    **_aliases(
        "gb2312 gbk x-gbk cp936 ms936 windows-936 euc-cn csgb2312 gb_2312-80 chinese gb18030",
        ("gb18030",),
    ),
    **_aliases(
        "shift_jis shift-jis sjis x-sjis s-jis ms_kanji csshiftjis windows-31j cp932 ms932 "
        "x-ms-cp932",
        ("cp932", "shift_jis_2004"),
    ),
    **_aliases("euc-jp x-euc-jp eucjp ujis", ("euc_jp", "euc_jis_2004", "cp932")),
    **_aliases(
        "iso-2022-jp csiso2022jp iso-2022-jp-1 iso-2022-jp-2 iso-2022-jp-3",
        ("iso2022_jp", "iso2022_jp_2", "iso2022_jp_ext", ISO2022JP_CP932),
    ),
    **_aliases(
        "ks_c_5601-1987 ks_c_5601 ksc5601 ksc_5601 euc-kr korean cp949 windows-949 uhc "
        "csksc56011987 iso-ir-149",
        ("cp949",),
    ),
    **_aliases("big5 big-5 cn-big5 x-x-big5 csbig5", ("big5hkscs", "cp950")),
    **_aliases(
        "iso-8859-1 iso_8859-1 latin1 latin-1 l1 cp819 windows-1252 cp1252", (_WHATWG_1252,)
    ),
    **_aliases("iso-8859-9 iso_8859-9 latin5", ("cp1254",)),
    **_aliases("iso-8859-11 tis-620 windows-874", ("cp874",)),
}

# Charsets that say nothing useful when the bytes are 8-bit: treat such text as undeclared.
_WEAK = _names(
    "us-ascii ascii ansi_x3.4-1968 iso646-us us unknown-8bit x-unknown unknown default 8bit "
    "binary x-user-defined"
)

# Codecs that exist in Python but must never be applied to mail text.
_REFUSED = _names("undefined unicode_escape raw_unicode_escape idna punycode mbcs oem palmos")

# Stateful 7-bit encodings: pure-ASCII bytes still need the codec.
_SEVEN_BIT = _names(
    f"iso2022_jp iso2022_jp_1 iso2022_jp_2 iso2022_jp_3 iso2022_jp_ext iso2022_jp_2004 "
    f"iso2022_kr utf_7 hz {ISO2022JP_CP932}"
)

# Candidates for detection: the legacy encodings mail actually uses.
_DETECTION_CANDIDATES = sorted(
    _names(
        "cp1252 cp1250 cp1251 koi8_r cp1253 cp1254 cp1255 cp1256 cp1257 cp932 euc_jp gb18030 "
        "big5 cp949"
    )
)

# windows-1252 as WHATWG defines it: the five bytes Python leaves undefined map to C1 controls.
_WHATWG_1252_TABLE = "".join(
    bytes([i]).decode("cp1252", errors="ignore") or chr(i) for i in range(256)
)


@dataclass(frozen=True)
class DecodedText:
    """Decoded text; ``replaced`` is True when some bytes became U+FFFD."""

    text: str
    replaced: bool = False


def _decode(data: bytes, codec: str, errors: str = "strict") -> str:
    if codec == _WHATWG_1252:
        return codecs.charmap_decode(data, "strict", _WHATWG_1252_TABLE)[0]
    if codec == ISO2022JP_CP932:
        return decode_iso2022jp_as_cp932(data, errors)
    return data.decode(codec, errors)


def codecs_for(declared: str | None) -> tuple[str, ...]:
    """The Python codecs to try for a declared charset; empty when it tells us nothing."""
    if not declared:
        return ()
    name = declared.strip().strip("\"'").lower()
    # RFC 2231 section 5 allows a language suffix inside encoded-words: "utf-8*ja".
    name = name.split("*", 1)[0]
    if name in _SUPERSETS:
        return _SUPERSETS[name]
    if name in _WEAK or not name:
        return ()
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return ()
    # Bytes-to-bytes codecs (zlib, base64...) are not charsets; refuse them.
    if not getattr(info, "_is_text_encoding", True) or info.name in _REFUSED:
        return ()
    return (info.name.replace("-", "_"),)


def _detect(data: bytes) -> str | None:
    matches = list(from_bytes(data, cp_isolation=_DETECTION_CANDIDATES))
    if not matches:
        return None
    # Short Latin text is equally "clean" in several code pages; like browsers, prefer
    # windows-1252 among the equally good candidates.
    cleanest = min(match.chaos for match in matches)
    tied = [str(match.encoding) for match in matches if match.chaos == cleanest]
    return "cp1252" if "cp1252" in tied else tied[0]


def _mostly_utf8(data: bytes) -> DecodedText | None:
    """UTF-8 damaged in a few places (a name cut mid-character): keep it, replace the damage.

    Valid multi-byte UTF-8 sequences hardly ever occur by chance in legacy encodings, so many
    well-formed characters and few bad bytes mean UTF-8, not another charset.
    """
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    well_formed = len(text) - len(text.encode("ascii", "ignore")) - bad
    if well_formed >= 4 and well_formed >= 4 * bad:
        return DecodedText(text, replaced=True)
    return None


def decode_undeclared(data: bytes, hint: str | None = None) -> DecodedText:
    """Decode bytes that carry no (usable) charset declaration; never fails."""
    if data.isascii():
        if b"\x1b$" in data or b"\x1b(" in data:
            # Raw ISO-2022-JP escape sequences: common in old Japanese mail headers.
            for codec in _SUPERSETS["iso-2022-jp"]:
                try:
                    return DecodedText(_decode(data, codec))
                except UnicodeDecodeError:
                    continue
        return DecodedText(data.decode("ascii"))
    try:
        return DecodedText(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        return mostly_utf8
    for codec in codecs_for(hint):
        try:
            return DecodedText(_decode(data, codec))
        except UnicodeDecodeError:
            continue
    detected = _detect(data)
    if detected:
        try:
            return DecodedText(data.decode(detected))
        except (UnicodeDecodeError, LookupError):
            pass
    return DecodedText(_decode(data, _WHATWG_1252))


def decode_declared(data: bytes, declared: str | None, hint: str | None = None) -> DecodedText:
    """Decode bytes whose charset was declared (or not); never fails.

    A declared charset is trusted through its superset codecs; when none of them decodes the
    bytes strictly, the first one decodes with replacement and the result says so.
    """
    chain = codecs_for(declared)
    if not chain:
        return decode_undeclared(data, hint)
    if (
        data.isascii()
        and not _SEVEN_BIT.intersection(chain)
        and not chain[0].startswith(("utf_16", "utf_32"))
    ):
        return DecodedText(data.decode("ascii"))
    for codec in chain:
        try:
            return DecodedText(_decode(data, codec))
        except UnicodeDecodeError:
            continue
    text = _decode(data, chain[0], "replace")
    return DecodedText(text, replaced="\ufffd" in text)
