"""What access control and sign-in need from storage: roles, shares, credentials."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from correspondent.domain.access import RecordFacts, Role, Scope, ShareAccess
from correspondent.domain.credentials import Credential, TokenRow
from correspondent.domain.records import RecordRef


class AccessRepository(Protocol):
    """Stored roles, record ownership facts, shares and what a scope may read."""

    def stored_roles(self) -> dict[str, Role]: ...

    def save_role(self, role: Role) -> None: ...

    def facts(self, ref: RecordRef, user_id: int) -> RecordFacts | None:
        """Owner, business unit and ``user_id``'s share of one record; None if it does not exist."""

    def readable(self, refs: Iterable[RecordRef], scopes: dict[str, Scope]) -> set[RecordRef]:
        """Those of ``refs`` that exist and fall in the scope given for their type."""

    def readable_names(
        self, refs: Iterable[RecordRef], scopes: dict[str, Scope], user_ids: Iterable[int]
    ) -> dict[RecordRef, str]:
        """Names of those record ``refs`` in their type's scope, and users' emails: one query."""

    def share_of(self, ref: RecordRef, user_id: int) -> ShareAccess | None: ...

    def shares(self, ref: RecordRef) -> list[tuple[int, ShareAccess]]: ...

    def share(self, ref: RecordRef, user_id: int, access: ShareAccess, granted_by: int) -> None: ...

    def unshare(self, ref: RecordRef, user_id: int) -> bool: ...

    def assign(self, ref: RecordRef, owner_id: int, business_unit_id: int) -> None: ...

    def delete_record(self, ref: RecordRef) -> None:
        """Delete a CRM record; activities keep their text but lose the links to it."""

    def delete_shares(self, ref: RecordRef) -> None: ...


class AuthRepository(Protocol):
    """Password hashes, API tokens, browser sessions and failed sign-ins."""

    def password_hash(self, user_id: int) -> str | None: ...

    def set_password_hash(self, user_id: int, password_hash: str) -> None: ...

    def add_token(
        self,
        user_id: int,
        name: str,
        token_hash: str,
        prefix: str,
        created_at: datetime,
        expires_at: datetime | None,
    ) -> int: ...

    def token_credential(self, token_hash: str) -> Credential | None: ...

    def tokens_of(self, user_id: int) -> list[TokenRow]: ...

    def revoke_token(self, token_id: int, user_id: int, at: datetime) -> bool: ...

    def add_session(
        self, id_hash: str, user_id: int, csrf_token: str, created: datetime, expires: datetime
    ) -> None: ...

    def session_credential(self, id_hash: str) -> Credential | None: ...

    def delete_session(self, id_hash: str) -> None: ...

    def delete_sessions_of(self, user_id: int) -> None: ...

    def record_failure(self, key: str, at: datetime) -> None: ...

    def failures_since(self, key: str, since: datetime) -> int: ...

    def clear_failures(self, key: str) -> None: ...
