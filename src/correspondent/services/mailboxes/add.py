"""Adding a mailbox, or new credentials for one (BEHAVIOUR §2). It stays off until enabled.

The mailbox belongs to a CRM user whose primary address is the mailbox address: anything else is
refused here, when it is added, with the reference's wording (``domain.mailbox.check_identity``),
so nobody can save a colleague's address and block them from adding their own. A user adds
mailboxes for themselves; administrators (and the CLI's operator) may name the owner.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from correspondent.domain.access import Actor
from correspondent.domain.errors import Conflict, InvalidInput, PermissionDenied
from correspondent.domain.mailbox import AuthKind, Mailbox, TlsChoice, check_identity
from correspondent.domain.records import validate_address
from correspondent.services.directory.entries import require_user
from correspondent.services.ports import SecretSealer, UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True)
class MailboxInput:
    address: str
    host: str
    port: int
    tls: TlsChoice
    login: str
    secret: str
    auth_kind: AuthKind = AuthKind.PASSWORD
    user_email: str | None = None
    """The CRM user the mailbox belongs to; defaults to the acting user (for the operator, to
    the user whose address the mailbox has)."""
    process_from: datetime | None = None


def _refuse_existing(uow: UnitOfWork, actor: Actor, existing: Mailbox) -> None:
    """Another user's mailbox has this address."""
    holder = uow.directory.user(existing.user_id)
    if holder is not None and holder.email == existing.address:
        if not actor.is_administrator:
            # Replacing the credentials of someone else's mailbox is never a user's business.
            raise PermissionDenied(f"The mailbox {existing.address} belongs to another user.")
        raise Conflict(f"The mailbox {existing.address} already belongs to another user.")
    # Saved for the wrong user before additions were checked: it can never sync, only go.
    raise Conflict(
        f"The mailbox {existing.address} was added for another user by mistake; an "
        f"administrator must remove it (mailbox {existing.id}) before it can be added again."
    )


def add_mailbox(
    uow_factory: UnitOfWorkFactory, secrets: SecretSealer, actor: Actor, item: MailboxInput
) -> Mailbox:
    """Store a mailbox (or new credentials for an existing one); it stays off until enabled."""
    address = validate_address(item.address)
    if not 0 < item.port < 65536:
        raise InvalidInput(f"{item.port} is not a TCP port.")
    if not item.secret:
        raise InvalidInput("A password or OAuth token is needed (--password-stdin).")
    with uow_factory() as uow:
        acting = uow.directory.user(actor.user_id)  # None for the operator
        owner_email = (item.user_email or (acting.email if acting else address)).strip().lower()
        if not actor.is_administrator and (acting is None or owner_email != acting.email):
            raise PermissionDenied("Only an administrator may add a mailbox for another user.")
        owner = require_user(uow, owner_email)
        existing = uow.mailboxes.by_address(address)
        if existing is not None and existing.user_id != owner.id:
            _refuse_existing(uow, actor, existing)
        check_identity(address, owner.email)
        secret = secrets.encrypt(item.secret)
        if existing is not None:
            mailbox = replace(
                existing,
                host=item.host,
                port=item.port,
                tls=item.tls,
                login=item.login,
                auth_kind=item.auth_kind,
                secret=secret,
                process_from=item.process_from or existing.process_from,
            )
            uow.mailboxes.save(mailbox)
        else:
            mailbox = Mailbox(
                None, owner.id, address, item.host, item.port, item.tls, item.login,
                item.auth_kind, secret, process_from=item.process_from,
            )  # fmt: skip
            mailbox.id = uow.mailboxes.add(mailbox, datetime.now(UTC))
        uow.commit()
        return mailbox
