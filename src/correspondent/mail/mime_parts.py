"""Choosing the bodies and attachments of a parsed MIME tree.

Protocol facts:

* ``multipart/alternative`` holds renderings of one content, best last; we keep the first
  ``text/plain`` and the first ``text/html`` of each. ``multipart/mixed`` and ``related`` hold
  successive content: Apple Mail, for one, splits a body around inline images into several
  text parts, so later inline text parts are appended to the body rather than lost.
* A leaf is a file when it says so (``Content-Disposition: attachment``), when it has a name
  (``filename=``, or the older ``name=`` on Content-Type; RFC 2231 ``*0*=`` continuations and
  charsets, or encoded-words that mailers put there against the rules), or when it is not
  text at all (images, application/*).
* ``message/rfc822`` (and ``message/global``) is a whole forwarded message: it is kept as an
  ``.eml`` file and its bodies are *not* merged into ours. ``message/delivery-status`` is a
  list of header blocks; it is kept as a file too.
* Transfer encodings are decoded leniently: damaged base64 yields what it can, and that is
  noted; quoted-printable never fails (bad escapes stay as they are).
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass, field
from email.headerregistry import ParameterizedMIMEHeader
from email.message import EmailMessage, Message
from email.policy import EmailPolicy
from email.policy import default as _HEADER_REGISTRY_POLICY
from typing import cast

from correspondent.mail.charsets import decode_declared
from correspondent.mail.headers import decode_text, without_nul
from correspondent.mail.html_text import html_to_text
from correspondent.mail.limits import Deadline
from correspondent.mail.message import MailAttachment

_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")
# type "/" subtype, both RFC 2045 tokens (the stdlib lower-cases them and checks only the "/").
_MEDIA_TYPE = re.compile(r"^[!#$%&'*+\-.^_`|~0-9a-z]+/[!#$%&'*+\-.^_`|~0-9a-z]+$")
_EXTENSIONS = {
    "text/plain": ".txt",
    "text/html": ".html",
    "text/calendar": ".ics",
    "text/csv": ".csv",
    "text/rfc822-headers": ".txt",
    "message/delivery-status": ".txt",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "application/pdf": ".pdf",
    "message/rfc822": ".eml",
    "message/global": ".eml",
}
# Regenerating a forwarded message must give back its bytes, not a refolded version.
_GENERATOR_POLICY = EmailPolicy(refold_source="none", cte_type="8bit", linesep="\r\n")


@dataclass
class Bodies:
    """What ``collect_bodies`` found; ``problems`` collects decode notes as it goes."""

    hint: str | None
    deadline: Deadline
    problems: list[str]
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[MailAttachment] = field(default_factory=list)

    @property
    def html_body(self) -> str | None:
        return "\n".join(self.htmls) if self.htmls else None

    @property
    def text_body(self) -> str:
        if self.texts:
            # Successive inline text parts read as one body; each starts on a new line.
            pieces = [text if text.endswith("\n") else text + "\n" for text in self.texts[:-1]]
            return "".join([*pieces, self.texts[-1]])
        return html_to_text("\n".join(self.htmls)) if self.htmls else ""


ParamValue = str | tuple[str | None, str | None, str]


def get_param(part: Message, name: str, header: str = "content-type") -> ParamValue | None:
    """``Message.get_param``, also for headers that give one parameter in both RFC 2231 forms.

    ``filename*=...`` next to ``filename*0*=...`` makes the stdlib sort ``None`` against a
    continuation number (TypeError); the header registry's parser notes it as a defect instead.
    """
    try:
        return part.get_param(name, header=header)
    except TypeError:
        parsed = cast(
            ParameterizedMIMEHeader,
            _HEADER_REGISTRY_POLICY.header_factory(header, str(part[header])),
        )
        value = parsed.params.get(name)
        return value if isinstance(value, str) else None


def _param(part: Message, name: str, header: str, hint: str | None, problems: list[str]) -> str:
    value = get_param(part, name, header)
    if value is None:
        return ""
    if isinstance(value, tuple):  # RFC 2231 extended value: (charset, language, latin-1 text)
        charset, _language, text = value
        decoded = decode_declared(
            str(text).encode("latin-1", "surrogateescape"), charset or None, hint
        )
        if decoded.replaced:
            problems.append(f"{name} parameter: undecodable characters replaced")
        return without_nul(decoded.text, problems, f"{name} parameter").strip()
    return decode_text(value, hint, problems, f"{name} parameter").strip()


def _content_type(part: Message) -> str:
    ctype = part.get_content_type()
    return ctype if _MEDIA_TYPE.match(ctype) else "application/octet-stream"


def _generate(message: Message) -> bytes:
    from email.generator import BytesGenerator
    from io import BytesIO

    buffer = BytesIO()
    generator = BytesGenerator(buffer, mangle_from_=False, policy=_GENERATOR_POLICY)
    # Parsed with an EmailPolicy, every part is an EmailMessage; the stubs cannot know that.
    generator.flatten(cast(EmailMessage, message))
    return buffer.getvalue()


def _lenient_base64(data: bytes) -> bytes:
    cleaned = _NOT_BASE64.sub(b"", data)
    if len(cleaned) % 4 == 1:  # a lone sextet carries no byte
        cleaned = cleaned[:-1]
    return binascii.a2b_base64(cleaned + b"=" * (-len(cleaned) % 4))


def _ascii_payload(part: Message) -> str | None:
    """The undecoded payload of a leaf part when it is ASCII (nearly always), else None.

    ``get_payload()`` hands an ASCII payload back untouched; only a payload with 8-bit bytes is
    decoded by the charset parameter, and a damaged parameter makes that raise (a codec name
    with 8-bit bytes, RFC 2231 forms the stdlib cannot sort). Such a payload is not ASCII.
    """
    try:
        payload = part.get_payload()
    except (ValueError, TypeError):
        return None
    return payload if isinstance(payload, str) and payload.isascii() else None


def _payload_bytes(part: Message, label: str, problems: list[str]) -> bytes:
    cte = str(part.get("content-transfer-encoding", "")).split(";")[0].strip().lower()
    payload = _ascii_payload(part)
    if cte in ("base64", "quoted-printable") and payload is not None:
        # One copy of the ASCII payload, decoded by C code; avoids the stdlib's line split.
        encoded = payload.encode("ascii")
        if cte == "quoted-printable":
            return binascii.a2b_qp(encoded)
        try:
            return binascii.a2b_base64(encoded)
        except binascii.Error:
            problems.append(f"{label}: damaged base64, decoded as far as possible")
            return _lenient_base64(encoded)
    decoded = part.get_payload(decode=True)
    return decoded if isinstance(decoded, bytes) else b""


class _Collector:
    def __init__(self, bodies: Bodies) -> None:
        self.bodies = bodies

    def visit(self, part: Message, alternative_seen: set[str] | None) -> None:
        self.bodies.deadline.check("reading MIME parts")
        ctype = _content_type(part)
        maintype, subtype = ctype.split("/", 1)
        if part.is_multipart():
            payload = part.get_payload()
            if maintype == "message":
                messages = [child for child in payload if isinstance(child, Message)]
                self._keep_message(part, ctype, messages)
                return
            seen: set[str] | None = set() if subtype == "alternative" else None
            for child in payload:
                if isinstance(child, Message):
                    self.visit(child, seen)
            return
        problems, hint = self.bodies.problems, self.bodies.hint
        filename = _param(part, "filename", "content-disposition", hint, problems) or _param(
            part, "name", "content-type", hint, problems
        )
        disposition = part.get_content_disposition()
        is_text = maintype == "text" and subtype in ("plain", "html")
        if is_text and not filename and disposition != "attachment":
            self._keep_text(part, subtype, alternative_seen)
            return
        self._keep_file(part, ctype, filename, disposition)

    def _keep_text(self, part: Message, subtype: str, alternative_seen: set[str] | None) -> None:
        if alternative_seen is not None:
            if subtype in alternative_seen:
                return  # another rendering of the same content
            alternative_seen.add(subtype)
        label = f"text/{subtype} body"
        data = _payload_bytes(part, label, self.bodies.problems)
        charset = _param(part, "charset", "content-type", None, self.bodies.problems)
        decoded = decode_declared(data, charset or None, self.bodies.hint)
        if decoded.replaced:
            self.bodies.problems.append(
                f"{label}: undecodable characters replaced (charset {charset or 'undeclared'})"
            )
        text = without_nul(decoded.text, self.bodies.problems, label)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        (self.bodies.texts if subtype == "plain" else self.bodies.htmls).append(text)

    def _fallback_name(self, ctype: str) -> str:
        number = len(self.bodies.attachments) + 1
        return f"attachment-{number}{_EXTENSIONS.get(ctype, '.bin')}"

    def _keep_file(self, part: Message, ctype: str, filename: str, disposition: str | None) -> None:
        name = filename or self._fallback_name(ctype)
        content_id = _content_id(part, self.bodies)
        self.bodies.attachments.append(
            MailAttachment(
                filename=name,
                content_type=ctype,
                content=_payload_bytes(part, f"attachment {name!r}", self.bodies.problems),
                content_id=content_id,
                inline=disposition == "inline" or (disposition is None and content_id is not None),
            )
        )

    def _keep_message(self, part: Message, ctype: str, payload: list[Message]) -> None:
        hint, problems = self.bodies.hint, self.bodies.problems
        name = _param(part, "filename", "content-disposition", hint, problems)
        if ctype == "message/delivery-status":
            content = b"".join(_generate(block) for block in payload)
            name = name or f"delivery-status-{len(self.bodies.attachments) + 1}.txt"
        else:
            inner = payload[0] if payload else Message()
            content = _generate(inner)
            subject = decode_text(
                str(inner.get("subject", "")), hint, problems, "forwarded subject"
            )
            name = name or f"{' '.join(subject.split()) or 'forwarded message'}.eml"
        self.bodies.attachments.append(
            MailAttachment(
                filename=name,
                content_type=ctype,
                content=content,
                content_id=_content_id(part, self.bodies),
                inline=part.get_content_disposition() == "inline",
            )
        )


def _content_id(part: Message, bodies: Bodies) -> str | None:
    value = part.get("content-id")
    if value is None:
        return None
    text = decode_text(str(value), bodies.hint, bodies.problems, "Content-ID")
    return text.strip().strip("<>").strip() or None


def collect_bodies(message: Message, bodies: Bodies) -> Bodies:
    """Walk the tree (its size was checked already) and fill ``bodies``."""
    _Collector(bodies).visit(message, None)
    return bodies
