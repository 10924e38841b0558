"""Builds test messages and CRM data with random identifiers, so tests never collide."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.users import User
from correspondent.services.admin import users as admin_users
from correspondent.services.records.create import create_record


def unique(prefix: str = "x") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def address(name: str = "p", domain: str = "example.org") -> str:
    return f"{unique(name)}@{domain}"


def make_message(
    *,
    sender: str,
    to: list[str] | None = None,
    cc: list[str] | None = None,
    subject: str = "Hello",
    body: str = "Hi there.",
    message_id: str | None = "auto",
    in_reply_to: str | None = None,
    references: list[str] | None = None,
    html: str | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
    date: datetime | None = None,
    sender_name: str = "",
) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{sender_name} <{sender}>" if sender_name else sender
    msg["To"] = ", ".join(to or [address("to")])
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date or datetime.now(UTC))
    if message_id == "auto":
        message_id = f"<{unique('m')}@test.example>"
    if message_id:
        msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = " ".join(references)
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html")
    for filename, content_type, data in attachments or []:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes(policy=SMTP)


def add_user(inst: Installation, email: str | None = None, name: str = "Test User") -> User:
    return admin_users.add_user(inst.uow, OPERATOR, email or address("user", "ourco.example"), name)


def add_record(inst: Installation, type_name: str, owner: User, **values: str) -> int:
    record = create_record(inst.uow, OPERATOR, type_name, values, owner.email)
    return record.id


@dataclass(frozen=True)
class AccountContact:
    account_id: int
    account_name: str
    contact_id: int
    address: str


def add_account_contact(
    inst: Installation, owner: User, account_name: str, first: str = "Kim", last: str = "Ito"
) -> AccountContact:
    """An account and a contact of it with an address of its own."""
    account_id = add_record(inst, "account", owner, name=account_name)
    person = address(first.lower())
    contact_id = add_record(
        inst,
        "contact",
        owner,
        first_name=first,
        last_name=last,
        email=person,
        account=str(account_id),
    )
    return AccountContact(account_id, account_name, contact_id, person)
