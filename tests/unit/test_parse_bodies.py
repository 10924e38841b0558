"""Bodies and attachments of parse_message: charsets, transfer encodings, MIME structure."""

from __future__ import annotations

import base64
import re
import urllib.parse

from correspondent.mail.parse import parse_message

_HEAD = b"From: a@x.example\r\nTo: b@x.example\r\nSubject: test\r\nMIME-Version: 1.0\r\n"


def _single(content_type: bytes, body: bytes, cte: bytes = b"8bit") -> bytes:
    return (
        _HEAD
        + b"Content-Type: "
        + content_type
        + b"\r\nContent-Transfer-Encoding: "
        + cte
        + b"\r\n\r\n"
        + body
    )


def _multipart(subtype: bytes, *parts: bytes, boundary: bytes = b"XyZ") -> bytes:
    out = _HEAD + b"Content-Type: multipart/" + subtype + b'; boundary="' + boundary + b'"\r\n\r\n'
    for part in parts:
        out += b"--" + boundary + b"\r\n" + part + b"\r\n"
    return out + b"--" + boundary + b"--\r\n"


def _part(headers: bytes, body: bytes) -> bytes:
    return headers.rstrip(b"\r\n") + b"\r\n\r\n" + body


def test_shift_jis_body() -> None:
    text = "お世話になっております。①の件です。"
    parsed = parse_message(_single(b'text/plain; charset="Shift_JIS"', text.encode("cp932")))
    assert parsed.text_body == text
    assert parsed.decode_problems == ()


def test_euc_jp_body() -> None:
    text = "日本語の本文です。"
    parsed = parse_message(_single(b"text/plain; charset=EUC-JP", text.encode("euc_jp")))
    assert parsed.text_body == text


def test_iso_2022_jp_body() -> None:
    text = "すみません。\n"
    body = text.encode("iso2022_jp").replace(b"\n", b"\r\n")
    parsed = parse_message(_single(b"text/plain;\r\n charset=iso-2022-jp", body, b"7bit"))
    assert parsed.text_body == text


def test_gb2312_base64_body() -> None:
    text = "您好，关于朱镕基的会议纪要。"
    body = base64.encodebytes(text.encode("gbk"))
    parsed = parse_message(_single(b"text/plain; charset=gb2312", body, b"base64"))
    assert parsed.text_body == text


def test_undeclared_8bit_windows_1252_body() -> None:
    body = "Dear Ren\u00e9, the caf\u00e9 costs \u20ac5 \u2013 thanks.".encode("cp1252")
    parsed = parse_message(_HEAD + b"\r\n" + body)
    assert parsed.text_body == "Dear René, the café costs €5 – thanks."
    assert parsed.decode_problems == ()


def test_undecodable_body_is_replaced_and_reported() -> None:
    parsed = parse_message(_single(b"text/plain; charset=utf-8", b"fine \xff\xfe fine"))
    assert "\ufffd" in parsed.text_body
    assert any("text/plain body" in problem for problem in parsed.decode_problems)


def test_broken_quoted_printable_is_decoded_leniently() -> None:
    body = b"caf=C3=A9 =ZZ price=3D5 soft=\r\nbreak trailing=\r\n="
    parsed = parse_message(_single(b"text/plain; charset=utf-8", body, b"quoted-printable"))
    assert parsed.text_body.startswith("café =ZZ price=5 softbreak trailing")


def test_quoted_printable_with_raw_8bit_bytes() -> None:
    body = "Grüße =E2=82=AC".encode()
    parsed = parse_message(_single(b"text/plain; charset=utf-8", body, b"Quoted-Printable"))
    assert parsed.text_body == "Grüße €"


def test_base64_without_padding_and_with_junk_is_decoded() -> None:
    encoded = base64.b64encode("héllo wörld!".encode()).rstrip(b"=")
    damaged = encoded[:6] + b"!*\r\n" + encoded[6:]
    parsed = parse_message(_single(b"text/plain; charset=utf-8", damaged, b"base64"))
    assert parsed.text_body == "héllo wörld!"


def test_truncated_base64_attachment_keeps_what_it_can_and_says_so() -> None:
    payload = bytes(range(256)) * 4
    encoded = base64.b64encode(payload)[:-5]  # cut mid-quantum
    raw = _multipart(
        b"mixed",
        _part(b"Content-Type: text/plain", b"see file"),
        _part(
            b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
            b'Content-Disposition: attachment; filename="data.bin"',
            encoded,
        ),
    )
    parsed = parse_message(raw)
    (attachment,) = parsed.attachments
    assert payload.startswith(attachment.content) and len(attachment.content) > 1000
    assert any("data.bin" in problem for problem in parsed.decode_problems)


def test_alternative_gives_both_bodies() -> None:
    parsed = parse_message(
        _multipart(
            b"alternative",
            _part(b"Content-Type: text/plain; charset=utf-8", b"plain version"),
            _part(b"Content-Type: text/html; charset=utf-8", b"<p>html <b>version</b></p>"),
            _part(b"Content-Type: text/plain; charset=utf-8", b"second plain rendering"),
        )
    )
    assert parsed.text_body == "plain version"
    assert parsed.html_body == "<p>html <b>version</b></p>"
    assert parsed.attachments == ()


def test_html_only_message_gets_a_derived_text_body() -> None:
    html = (
        b"<html><head><style>p{color:red}</style><title>t</title></head><body>"
        b"<p>Hello&nbsp;<b>Bob</b>,</p><p>line one<br>line two</p>"
        b"<script>alert(1)</script><ul><li>first</li><li>second &amp; last</li></ul>"
        b"</body></html>"
    )
    parsed = parse_message(_single(b"text/html; charset=utf-8", html))
    assert parsed.html_body == html.decode()
    assert parsed.text_body == "Hello Bob,\n\nline one\nline two\n\nfirst\nsecond & last"


def test_related_inline_image_is_an_inline_attachment() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    parsed = parse_message(
        _multipart(
            b"related",
            _part(b"Content-Type: text/html", b'<img src="cid:logo@x">'),
            _part(
                b"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
                b"Content-ID: < logo@x >",
                base64.encodebytes(png),
            ),
        )
    )
    (image,) = parsed.attachments
    assert image.content == png
    assert image.content_type == "image/png"
    assert image.content_id == "logo@x"
    assert image.inline is True
    assert image.filename == "attachment-1.png"


def test_rfc2231_utf8_filename_with_continuations() -> None:
    name = "Angebot für Müller – Übersicht 2024 (endgültig).pdf"
    # Split between percent-escapes but inside multi-byte characters, as mailers do.
    tokens = re.findall(r"%[0-9A-F]{2}|.", urllib.parse.quote(name.encode()))
    pieces = ["".join(tokens[i : i + 11]) for i in range(0, len(tokens), 11)]
    params = "".join(
        f";\r\n filename*{i}*={'utf-8' + chr(39) * 2 if i == 0 else ''}{p}"
        for i, p in enumerate(pieces)
    )
    parsed = parse_message(
        _multipart(
            b"mixed",
            _part(b"Content-Type: text/plain", b"see attachment"),
            _part(
                b"Content-Type: application/pdf\r\nContent-Disposition: attachment"
                + params.encode(),
                b"%PDF-1.4",
            ),
        )
    )
    assert parsed.text_body == "see attachment"
    (attachment,) = parsed.attachments
    assert attachment.filename == name
    assert attachment.inline is False


def test_rfc2231_shift_jis_filename() -> None:
    name = "見積書①.xlsx"
    quoted = urllib.parse.quote(name.encode("cp932"))
    header = f"Content-Disposition: attachment;\r\n filename*0*=Shift_JIS'ja'{quoted[:12]};"
    header += f"\r\n filename*1*={quoted[12:]}"
    parsed = parse_message(
        _multipart(
            b"mixed",
            _part(b"Content-Type: application/vnd.ms-excel\r\n" + header.encode(), b"xls"),
        )
    )
    assert parsed.attachments[0].filename == name


def test_encoded_word_in_name_parameter() -> None:
    word = base64.b64encode("報告書.pdf".encode("iso2022_jp")).decode()
    parsed = parse_message(
        _multipart(
            b"mixed",
            _part(
                f'Content-Type: application/pdf; name="=?ISO-2022-JP?B?{word}?="'.encode(),
                b"%PDF",
            ),
        )
    )
    assert parsed.attachments[0].filename == "報告書.pdf"


def test_nameless_non_text_parts_get_fallback_names() -> None:
    parsed = parse_message(
        _multipart(
            b"mixed",
            _part(b"Content-Type: text/plain", b"body"),
            _part(b"Content-Type: application/octet-stream", b"\x00\x01"),
            _part(b"Content-Type: text/calendar; method=REQUEST", b"BEGIN:VCALENDAR"),
            _part(b"Content-Type: text/plain\r\nContent-Disposition: attachment", b"notes"),
        )
    )
    names = [attachment.filename for attachment in parsed.attachments]
    assert names == ["attachment-1.bin", "attachment-2.ics", "attachment-3.txt"]
    assert parsed.text_body == "body"


def test_forwarded_message_is_an_eml_attachment_not_part_of_the_body() -> None:
    inner = (
        b"From: c@x.example\r\nSubject: =?utf-8?Q?Original_=E2=80=93_note?=\r\n"
        b"Content-Type: text/plain\r\n\r\ninner body text\r\n"
    )
    parsed = parse_message(
        _multipart(
            b"mixed",
            _part(b"Content-Type: text/plain", b"see forwarded"),
            _part(b"Content-Type: message/rfc822", inner),
        )
    )
    assert parsed.text_body == "see forwarded"
    (forwarded,) = parsed.attachments
    assert forwarded.filename == "Original – note.eml"
    assert forwarded.content_type == "message/rfc822"
    assert b"inner body text" in forwarded.content
    assert forwarded.content.startswith(b"From: c@x.example\r\n")


def test_successive_inline_text_parts_are_joined() -> None:
    parsed = parse_message(
        _multipart(
            b"mixed",
            _part(b"Content-Type: text/plain", b"first half"),
            _part(b"Content-Type: image/jpeg\r\nContent-Disposition: inline", b"\xff\xd8"),
            _part(b"Content-Type: text/plain", b"second half"),
        )
    )
    assert parsed.text_body == "first half\nsecond half"
    assert parsed.attachments[0].inline is True


def test_single_part_attachment_message_has_no_body() -> None:
    parsed = parse_message(
        _single(b'application/pdf; name="scan.pdf"', base64.encodebytes(b"%PDF-1.7"), b"base64")
    )
    assert parsed.text_body == ""
    assert parsed.html_body is None
    assert [(a.filename, a.content) for a in parsed.attachments] == [("scan.pdf", b"%PDF-1.7")]


def test_nested_alternative_inside_mixed() -> None:
    alternative = (
        b'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n'
        b"--alt\r\nContent-Type: text/plain\r\n\r\nplain\r\n"
        b"--alt\r\nContent-Type: text/html\r\n\r\n<i>html</i>\r\n--alt--"
    )
    parsed = parse_message(
        _multipart(
            b"mixed",
            alternative,
            _part(b'Content-Type: application/zip; name="a.zip"', b"PK"),
        )
    )
    assert parsed.text_body == "plain"
    assert parsed.html_body == "<i>html</i>"
    assert [a.filename for a in parsed.attachments] == ["a.zip"]


def test_charset_parameter_with_8bit_bytes_and_an_8bit_body() -> None:
    # The stdlib cannot even name the codec (UnicodeEncodeError): undeclared 8-bit text it is.
    parsed = parse_message(_single(b"text/plain; charset=utf-8\xff", "Grüße".encode()))
    assert parsed.text_body == "Grüße"
    attachment = _part(b"Content-Type: application/pdf; charset=x\x80; name=a.pdf", b"%PDF-\xe2")
    parsed = parse_message(_multipart(b"mixed", attachment))
    assert [(a.filename, a.content) for a in parsed.attachments] == [("a.pdf", b"%PDF-\xe2")]


def test_one_parameter_in_both_rfc2231_forms() -> None:
    # filename*= next to filename*0*= made the stdlib compare None with a number (TypeError).
    part = _part(
        b"Content-Type: text/plain; charset*=utf-8''x; charset*0*=utf-8''y\r\n"
        b"Content-Disposition: attachment; filename*=utf-8''%E6%97%A5.txt;"
        b" filename*0*=utf-8''%E6%97; filename*1*=%A5.txt",
        b"caf\xc3\xa9",
    )
    parsed = parse_message(_multipart(b"mixed", part))
    (attachment,) = parsed.attachments
    assert "日" in attachment.filename and attachment.filename.endswith(".txt")
    assert attachment.content == b"caf\xc3\xa9"


def test_nul_characters_in_bodies_and_names_are_replaced_and_noted() -> None:
    text = _part(b"Content-Type: text/plain; charset=utf-8", b"a\x00b")
    html = _part(b"Content-Type: text/html", b"<p>c\x00d</p>")
    file = _part(b'Content-Type: application/pdf; name="x\x00.pdf"', b"%PDF")
    parsed = parse_message(_multipart(b"mixed", text, html, file))
    assert parsed.text_body == "a\ufffdb"
    assert parsed.html_body == "<p>c\ufffdd</p>"
    assert parsed.attachments[0].filename == "x\ufffd.pdf"
    assert "text/plain body: NUL characters replaced" in parsed.decode_problems
    assert "name parameter: NUL characters replaced" in parsed.decode_problems


def test_media_types_that_are_not_tokens_are_octet_streams() -> None:
    part = _part(b"Content-Type: image/pn\x00g; name=a.png", b"\x89PNG")
    (attachment,) = parse_message(_multipart(b"mixed", part)).attachments
    assert attachment.content_type == "application/octet-stream"
