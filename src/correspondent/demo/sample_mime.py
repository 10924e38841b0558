"""The MIME pieces of the sample mail: text and HTML bodies, multiparts and attachments.

Each function returns one body part as bytes: its headers, a blank line, its encoded content,
all with CRLF line ends. ``sample_mail`` explains why they are assembled by hand rather than by
``email.message.EmailMessage`` (speed), and its tests parse the result back with the stdlib.
Attachment contents only look like their type (a PDF header, PNG chunks, a real ZIP for .docx)
and are filled with random bytes, which do not compress, like real PDFs and images.
"""

from __future__ import annotations

import binascii
import html
import io
import random
import struct
import zipfile
import zlib
from email.header import Header
from email.utils import encode_rfc2231

from correspondent.demo import sample_text as words

_CRLF = "\r\n"
_MIME = {
    "pdf": "application/pdf",
    "png": "image/png",
    "csv": "text/csv",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _part(headers: list[str], body: bytes) -> bytes:
    return (_CRLF.join(headers) + _CRLF * 2).encode("ascii") + body


def _base64(data: bytes) -> bytes:
    """Base64 in 76-character CRLF lines (``base64.encodebytes`` is slower: it loops in Python)."""
    encoded = binascii.b2a_base64(data, newline=False)
    return b"\r\n".join([encoded[i : i + 76] for i in range(0, len(encoded), 76)]) + b"\r\n"


def text_part(lines: list[str], japanese: bool, legacy: bool) -> bytes:
    """A text/plain part: ISO-2022-JP when ``legacy`` and possible, else UTF-8."""
    text = "\n".join(lines) + "\n"
    if legacy:  # the classic Japanese form: 7-bit JIS, every line back in ASCII at its end
        try:
            body = text.encode("iso-2022-jp").replace(b"\n", b"\r\n")
        except UnicodeEncodeError:  # a name outside JIS X 0208: clients fall back to UTF-8
            return _encoded_text("plain", text, japanese)
        return _part(
            ['Content-Type: text/plain; charset="iso-2022-jp"', "Content-Transfer-Encoding: 7bit"],
            body,
        )
    return _encoded_text("plain", text, japanese)


def _encoded_text(subtype: str, text: str, japanese: bool) -> bytes:
    data = text.encode("utf-8")
    if japanese:
        encoding, body = "base64", _base64(data)
    else:
        encoding, body = "quoted-printable", binascii.b2a_qp(data).replace(b"\n", b"\r\n")
    return _part(
        [
            f'Content-Type: text/{subtype}; charset="utf-8"',
            f"Content-Transfer-Encoding: {encoding}",
        ],
        body,
    )


def html_part(lines: list[str], japanese: bool) -> bytes:
    out = [
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        '</head><body><div style="font-family:Calibri,Arial,sans-serif;font-size:11pt">'
    ]
    quoted = [html.escape(line[1:].removeprefix(" ")) for line in lines if line.startswith(">")]
    for line in lines:
        if line and not line.startswith(">"):
            out.append(f'<p style="margin:0 0 8px 0">{html.escape(line)}</p>')
    if quoted:
        out.append(
            '<blockquote style="margin:0 0 0 6px;border-left:2px solid #ccc;'
            'padding-left:8px">' + "<br>".join(quoted) + "</blockquote>"
        )
    out.append(
        '<table cellpadding="0" cellspacing="0" width="100%"><tr><td style="color:#777;'
        'font-size:8pt">This message is confidential.</td></tr></table></div></body></html>'
    )
    return _encoded_text("html", "\n".join(out) + "\n", japanese)


def multipart(subtype: str, rng: random.Random, parts: list[bytes]) -> bytes:
    boundary = f"----=_Part_{rng.getrandbits(64):016x}".encode("ascii")
    head = f'Content-Type: multipart/{subtype};{_CRLF} boundary="{boundary.decode()}"'
    chunks = [_part([head], b"")]
    for part in parts:
        chunks += [b"--", boundary, b"\r\n", part, b"\r\n"]
    chunks += [b"--", boundary, b"--\r\n"]
    return b"".join(chunks)


def attachment_part(
    rng: random.Random, filler: random.Random, japanese: bool, size: int
) -> tuple[str, bytes]:
    """An attachment of about ``size`` bytes and its file name.

    ``rng`` picks the kind and name; ``filler`` makes the content. Two streams, so that content
    sizes (which follow the bodies) never shift the choices made for later messages.
    """
    kind = rng.choice(("pdf", "png", "csv", "docx"))
    stems = words.JAPANESE_FILE_STEMS if japanese else words.FILE_STEMS
    name = f"{rng.choice(stems[kind])}_{rng.randint(100, 999)}.{kind}"
    content = _CONTENT[kind](filler, max(size, 64))
    if name.isascii():
        params = [
            f'Content-Type: {_MIME[kind]}; name="{name}"',
            f'Content-Disposition: attachment; filename="{name}"',
        ]
    else:  # what common clients send: an encoded-word name and RFC 2231 continuations
        encoded = encode_rfc2231(name, "utf-8")
        pieces = [encoded[i : i + 60] for i in range(0, len(encoded), 60)]
        pieces = _keep_escapes_whole(pieces)
        continued = "".join(f";{_CRLF} filename*{i}*={p}" for i, p in enumerate(pieces))
        if len(pieces) == 1:
            continued = f";{_CRLF} filename*={encoded}"
        word = Header(name, "utf-8").encode(maxlinelen=0)
        params = [
            f'Content-Type: {_MIME[kind]};{_CRLF} name="{word}"',
            f"Content-Disposition: attachment{continued}",
        ]
    return name, _part([*params, "Content-Transfer-Encoding: base64"], _base64(content))


def _keep_escapes_whole(pieces: list[str]) -> list[str]:
    """Move a %XX escape cut by a split into the next piece (RFC 2231 forbids splitting it)."""
    for i in range(len(pieces) - 1):
        cut = pieces[i].rfind("%", len(pieces[i]) - 2)
        if cut >= 0:
            pieces[i], pieces[i + 1] = pieces[i][:cut], pieces[i][cut:] + pieces[i + 1]
    return pieces


def _pdf(rng: random.Random, size: int) -> bytes:
    return (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Filter /FlateDecode >>\nstream\n"
        + rng.randbytes(size)
        + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def _png(rng: random.Random, size: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", rng.randint(200, 1600), rng.randint(200, 1200), 8, 2, 0, 0, 0)
    idat = chunk(b"IDAT", rng.randbytes(size))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + idat + chunk(b"IEND", b"")


def _csv(rng: random.Random, size: int) -> bytes:
    rows = [
        f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},{c},{p},{rng.randint(1, 500)},"
        f"{rng.randint(100, 99999)}.{rng.randint(0, 99):02d}\n"
        for c, _ in words.COMPANIES[:4]
        for p in words.PRODUCTS[:4]
    ]
    body = "".join(rng.choices(rows, k=max(1, size // 60)))
    return ("date,customer,product,quantity,amount_eur\n" + body).encode("utf-8")


def _docx(rng: random.Random, size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in (
            (
                "[Content_Types].xml",
                b'<?xml version="1.0"?><Types xmlns="http://schemas.'
                b'openxmlformats.org/package/2006/content-types"/>',
            ),
            ("word/document.xml", b"<w:document><w:body><w:p>Notes</w:p></w:body></w:document>"),
            ("word/media/image1.png", rng.randbytes(size)),
        ):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


_CONTENT = {"pdf": _pdf, "png": _png, "csv": _csv, "docx": _docx}
