"""ISO-2022-JP as Japanese Windows mailers actually write it (Microsoft's CP50220 family).

ISO-2022-JP switches between ASCII/JIS-Roman, JIS X 0208 and (as an extension) half-width
katakana with escape sequences. Outlook and many Japanese mailers also put NEC and IBM extension
characters (circled digits, "(株)"...) into the JIS X 0208 segments; no Python ISO-2022 codec
knows them, but cp932 does, and every JIS X 0208 byte pair maps arithmetically onto a Shift_JIS
pair. So we rewrite the stream as Shift_JIS bytes and let the cp932 codec decode them.
"""

from __future__ import annotations

ISO2022JP_CP932 = "iso2022-jp-cp932"
"""The pseudo-codec name ``charsets`` uses for this decoder."""

_ESCAPES = {
    b"\x1b(B": "ascii",
    b"\x1b(J": "ascii",
    b"\x1b$@": "jis",
    b"\x1b$B": "jis",
    b"\x1b(I": "kana",
}


def decode_iso2022jp_as_cp932(data: bytes, errors: str = "strict") -> str:
    """Decode ISO-2022-JP through cp932; raises UnicodeDecodeError like a codec when strict.

    ISO-2022-JP is a 7-bit encoding: a byte at or above 0x80 is damage. It must not reach the
    cp932 decoder, which would turn 0xA0 and 0xFD-0xFF into private-use characters silently.
    """
    pieces: list[str] = []
    out = bytearray()
    mode = "ascii"
    i, size = 0, len(data)
    while i < size:
        escape = data[i : i + 3]
        if escape in _ESCAPES:
            mode = _ESCAPES[escape]
            i += 3
            continue
        byte = data[i]
        if byte >= 0x80:
            if errors == "strict":
                raise UnicodeDecodeError(
                    "iso2022_jp", data, i, i + 1, "8-bit byte in a 7-bit encoding"
                )
            pieces.append(out.decode("cp932", errors))
            pieces.append("\ufffd")
            out = bytearray()
            i += 1
            continue
        if mode == "jis" and 0x21 <= byte <= 0x7E and i + 1 < size:
            row, cell = byte, data[i + 1]
            lead = ((row - 0x21) >> 1) + 0x81
            lead += 0x40 if lead > 0x9F else 0
            # Odd rows use the low half of the trail-byte range (skipping 0x7F), even the high.
            trail = cell + (0x1F + (cell >= 0x60) if row & 1 else 0x7E)
            out += bytes((lead, trail & 0xFF))
            i += 2
            continue
        out.append(byte + 0x80 if mode == "kana" and 0x21 <= byte <= 0x5F else byte)
        i += 1
    pieces.append(out.decode("cp932", errors))
    return "".join(pieces)
