"""A deterministic generator of realistic RFC 5322 messages for the demo and the benchmark.

The demo organisation needs a believable mailbox and the tracking benchmark the same load every
run, so ``generate_messages`` yields the same bytes for the same arguments (``now`` included: it
defaults to today's midnight UTC, so pass it when bytes must match across days). The mix:

* about 60% HTML with a plain-text alternative (``multipart/alternative``), the rest plain text;
* 20% carry one or two attachments (PDF-, PNG- and .docx-like binaries, CSV), sized so the
  *whole* message averages ``average_size`` bytes: a running measure of the bodies steers the
  attachment budget, so the average holds for any people list or target;
* 5% are Japanese business mail, half ISO-2022-JP (7bit body, ISO-2022-JP encoded-word subject:
  the traditional form), half UTF-8 (base64 body), with RFC 2231 file names;
* a third are replies to a recent generated message: ``In-Reply-To``/``References`` point at its
  Message-ID, the subject gains ``Re: `` (or ``返信: ``), the body quotes the parent;
* ``Date`` headers rise steadily over the 180 days before ``now``, so replies follow parents.

Why not ``email.message.EmailMessage``: building and flattening one costs about 2 ms, so 10,000
messages took 20 s. The MIME skeleton here is regular (known parts; base64, quoted-printable or
7bit bodies; random boundaries), so it is assembled directly, and every piece that needs care is
done by the stdlib: ``email.header.Header`` folds and encodes subjects, ``formataddr`` display
names, ``encode_rfc2231`` file names, ``binascii``/``base64`` the transfer encodings. The tests
parse every message back with ``email.policy.default`` and require no defects.
"""

from __future__ import annotations

import random
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.header import Header
from email.utils import format_datetime, formataddr

from correspondent.demo import sample_mime as mime
from correspondent.demo import sample_text as words
from correspondent.domain.errors import InvalidInput

Person = tuple[str, str]
"""(display name, address)"""

ATTACHMENT_RATE, HTML_RATE, JAPANESE_RATE, REPLY_RATE = 0.20, 0.60, 0.05, 1 / 3
_LEGACY_JAPANESE_RATE = 0.5  # share of Japanese threads sent as ISO-2022-JP
_B64_GROWTH = 78 / 57  # base64 in 76-character lines plus CRLF
_CRLF = "\r\n"
_ZONES = (UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5)))
_JST = timezone(timedelta(hours=9))
_COMPANY_BY_DOMAIN = {domain: name for name, domain in words.COMPANIES} | {
    address.rpartition("@")[2]: company for _, address, company in words.JAPANESE_PEOPLE
}


@dataclass(frozen=True)
class SampleMessage:
    """One generated message and the facts the benchmark and the tests check against."""

    raw: bytes
    message_id: str
    """Without angle brackets, like ``ParsedMessage.message_id``."""
    in_reply_to: str | None
    sent_at: datetime
    is_html: bool
    is_japanese: bool
    attachment_names: tuple[str, ...]


@dataclass(frozen=True)
class _Sent:
    """What a later reply needs to know about an earlier message."""

    message_id: str
    references: tuple[str, ...]
    subject: str
    sender: Person
    recipient: Person
    japanese: bool
    legacy: bool
    quoted: tuple[str, ...]
    sent_at: datetime


def generate_messages(
    count: int,
    *,
    seed: int = 0,
    people: Sequence[Person] | None = None,
    internal_domain: str = "example.com",
    average_size: int = 30_000,
    now: datetime | None = None,
) -> Iterator[SampleMessage]:
    """Yield ``count`` messages, the same ones for the same arguments.

    ``people`` are (display name, address) pairs; those at ``internal_domain`` are the
    organisation's users, the others its contacts. By default 8 users and 30 contacts are made up.
    """
    rng = random.Random(seed)
    filler = random.Random(f"attachment-content-{seed}")  # see mime.attachment_part
    end = now or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    internal, external = _split_people(rng, people, internal_domain)
    recent: deque[_Sent] = deque(maxlen=50)
    body_total = 0  # bytes of everything but attachments so far: steers the attachment budget
    step = timedelta(days=180) / max(count, 1)
    for index in range(count):
        sent_at = end - timedelta(days=180) + step * (index + rng.random())
        parent = rng.choice(recent) if recent and rng.random() < REPLY_RATE else None
        if parent:
            japanese, legacy = parent.japanese, parent.legacy
            sender, recipient = parent.recipient, parent.sender
        else:
            japanese = rng.random() < JAPANESE_RATE
            legacy = japanese and rng.random() < _LEGACY_JAPANESE_RATE
            contacts = (
                [p[:2] for p in words.JAPANESE_PEOPLE] if japanese and not people else external
            )
            sender, recipient = rng.choice(internal), rng.choice(contacts)
            if rng.random() < 0.5:
                sender, recipient = recipient, sender
        message_id = f"{seed}.{index}.{rng.getrandbits(40):010x}@{sender[1].rpartition('@')[2]}"
        subject, lines = _subject_and_lines(rng, japanese, sender, recipient, parent)
        head = _headers(
            rng, sender, recipient, subject, sent_at, message_id, parent, legacy, internal
        )
        body = mime.text_part(lines, japanese, legacy)
        is_html = rng.random() < HTML_RATE
        if is_html:
            body = mime.multipart("alternative", rng, [body, mime.html_part(lines, japanese)])
        names: tuple[str, ...] = ()
        if rng.random() < ATTACHMENT_RATE:
            base = body_total / index if index >= 20 else 4_000
            budget = max(2_000.0, (average_size - base) / ATTACHMENT_RATE)
            budget *= rng.uniform(0.25, 1.75) / _B64_GROWTH
            how_many = 1 if rng.random() < 0.8 else 2
            files = [
                mime.attachment_part(rng, filler, japanese, int(budget / how_many))
                for _ in range(how_many)
            ]
            names = tuple(name for name, _ in files)
            body_total -= sum(len(part) for _, part in files)
            body = mime.multipart("mixed", rng, [body, *(part for _, part in files)])
        raw = head + body
        body_total += len(raw)
        references = (*parent.references, parent.message_id)[-10:] if parent else ()
        quoted = tuple(line for line in lines if not line.startswith(">"))[:12]
        recent.append(
            _Sent(
                message_id,
                references,
                subject,
                sender,
                recipient,
                japanese,
                legacy,
                quoted,
                sent_at,
            )
        )
        in_reply_to = parent.message_id if parent else None
        yield SampleMessage(raw, message_id, in_reply_to, sent_at, is_html, japanese, names)


def _split_people(
    rng: random.Random, people: Sequence[Person] | None, internal_domain: str
) -> tuple[list[Person], list[Person]]:
    if people is not None:
        if not people:
            raise InvalidInput("Sample mail needs at least one person (or None for made-up ones).")
        suffix = "@" + internal_domain.lower()
        internal = [p for p in people if p[1].lower().endswith(suffix)]
        external = [p for p in people if not p[1].lower().endswith(suffix)]
        return internal or list(people), external or list(people)
    made_up: list[Person] = []
    for index in range(38):
        first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
        domain = internal_domain if index < 8 else words.COMPANIES[index % len(words.COMPANIES)][1]
        made_up.append((f"{first} {last}", f"{_ascii(first)}.{_ascii(last)}{index}@{domain}"))
    return made_up[:8], made_up[8:]


def _ascii(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return plain.lower().replace("'", "")


def _company(address: str) -> str:
    domain = address.rpartition("@")[2]
    return _COMPANY_BY_DOMAIN.get(domain) or domain.split(".")[0].replace("-", " ").title() + " Ltd"


def _surname(name: str) -> str:
    """Japanese names put the family name first, Western names last."""
    parts = name.split() or [name]
    return parts[0] if not parts[0].isascii() else parts[-1]


def _subject_and_lines(
    rng: random.Random, japanese: bool, sender: Person, recipient: Person, parent: _Sent | None
) -> tuple[str, list[str]]:
    fillers: dict[str, Callable[[], object]] = {
        "p": lambda: rng.choice(words.PRODUCTS),
        "n": lambda: rng.randint(1000, 99999),
        "d": lambda: rng.choice(words.DAYS),
        "v": lambda: rng.randint(2, 9),
        "a": lambda: rng.randint(2, 90) * 500,
        "c": lambda: _company(recipient[1]),
    }

    def fill(template: str) -> str:
        if "{" not in template:
            return template
        return template.format_map(
            {key: make() for key, make in fillers.items() if f"{{{key}}}" in template}
        )

    if japanese:
        subject = rng.choice(words.JAPANESE_SUBJECTS)
        sentences = rng.sample(words.JAPANESE_SENTENCES, rng.randint(2, 5))
        lines = [_company(recipient[1]), f"{_surname(recipient[0])}様", ""]
        lines += ["いつも大変お世話になっております。"]
        lines += [f"{_company(sender[1])}の{_surname(sender[0])}です。", "", *sentences, ""]
        lines += ["以上、よろしくお願いいたします。", "", "--", sender[0], _company(sender[1])]
    else:
        subject = fill(rng.choice(words.SUBJECTS))
        lines = [f"{rng.choice(('Hi', 'Hello', 'Dear'))} {recipient[0].split()[0]},", ""]
        for _ in range(rng.randint(2, 5)):
            sentences = rng.sample(words.SENTENCES, rng.randint(2, 4))
            lines += [" ".join(fill(sentence) for sentence in sentences), ""]
        closing = rng.choice(("Best regards,", "Kind regards,", "Thanks,"))
        lines += [closing, sender[0], _company(sender[1])]
    if parent is None:
        return subject, lines
    subject = parent.subject
    if not subject.startswith(("Re: ", "返信: ")):
        subject = (rng.choice(("Re: ", "返信: ")) if japanese else "Re: ") + subject
    who = f"{parent.sender[0]} <{parent.sender[1]}>"
    if japanese:
        when = parent.sent_at.astimezone(_JST)
        attribution = f"{when.year}年{when.month}月{when.day}日 {when:%H:%M} {who}:"
    else:
        attribution = f"On {format_datetime(parent.sent_at)}, {who} wrote:"
    quoted = (f"> {line}" if line else ">" for line in parent.quoted)
    return subject, [*lines, "", attribution, *quoted]


def _headers(
    rng: random.Random,
    sender: Person,
    recipient: Person,
    subject: str,
    sent_at: datetime,
    message_id: str,
    parent: _Sent | None,
    legacy: bool,
    internal: list[Person],
) -> bytes:
    lines = [f"From: {formataddr(sender)}", f"To: {formataddr(recipient)}"]
    colleagues = [p for p in internal if p not in (sender, recipient)]
    if colleagues and rng.random() < 0.25:
        cc = rng.sample(colleagues, min(len(colleagues), rng.randint(1, 2)))
        lines.append("Cc: " + f",{_CRLF} ".join(formataddr(person) for person in cc))
    if subject.isascii() and len(subject) < 68:
        lines.append(f"Subject: {subject}")
    else:
        charset = "iso-2022-jp" if legacy else "us-ascii" if subject.isascii() else "utf-8"
        encoded = Header(subject, charset, header_name="Subject").encode(linesep=_CRLF)
        lines.append(f"Subject: {encoded}")
    zone = _JST if not subject.isascii() else rng.choice(_ZONES)
    lines.append(f"Date: {format_datetime(sent_at.astimezone(zone))}")
    lines.append(f"Message-ID: <{message_id}>")
    if parent:
        lines.append(f"In-Reply-To: <{parent.message_id}>")
        ids = (*parent.references, parent.message_id)[-10:]
        lines.append("References: " + f"{_CRLF} ".join(f"<{i}>" for i in ids))
    lines.append("MIME-Version: 1.0")
    return (_CRLF.join(lines) + _CRLF).encode("ascii")
