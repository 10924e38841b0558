"""Repository for credentials: password hashes, API tokens, web sessions and login failures.

``token_credential`` and ``session_credential`` answer everything authenticating a request needs
(the credential's validity, its user, and the stored definitions of that user's roles) in one
query: they run on every API request, where each round trip to the database shows in latency.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from correspondent.domain.access import Role, parse_privileges
from correspondent.domain.credentials import Credential, TokenRow
from correspondent.storage.access_tables import api_tokens, login_failures, roles, web_sessions
from correspondent.storage.directory import user_from_row
from correspondent.storage.tables import users


class AuthRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- passwords ----------------------------------------------------------------------------
    def password_hash(self, user_id: int) -> str | None:
        return self.conn.execute(
            sa.select(users.c.password_hash).where(users.c.id == user_id)
        ).scalar_one_or_none()

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self.conn.execute(
            sa.update(users).where(users.c.id == user_id).values(password_hash=password_hash)
        )

    # -- API tokens ---------------------------------------------------------------------------
    def add_token(
        self,
        user_id: int,
        name: str,
        token_hash: str,
        prefix: str,
        created_at: datetime,
        expires_at: datetime | None,
    ) -> int:
        return int(
            self.conn.execute(
                sa.insert(api_tokens)
                .values(
                    user_id=user_id,
                    name=name,
                    token_hash=token_hash,
                    prefix=prefix,
                    created_at=created_at,
                    expires_at=expires_at,
                )
                .returning(api_tokens.c.id)
            ).scalar_one()
        )

    def token_credential(self, token_hash: str) -> Credential | None:
        return self._credential(_credential_query(self.conn.dialect.name, "token"), token_hash)

    def tokens_of(self, user_id: int) -> list[TokenRow]:
        rows = self.conn.execute(
            sa.select(api_tokens).where(api_tokens.c.user_id == user_id).order_by(api_tokens.c.id)
        )
        return [_token(r) for r in rows]

    def revoke_token(self, token_id: int, user_id: int, at: datetime) -> bool:
        result = self.conn.execute(
            sa.update(api_tokens)
            .where(
                api_tokens.c.id == token_id,
                api_tokens.c.user_id == user_id,
                api_tokens.c.revoked_at.is_(None),
            )
            .values(revoked_at=at)
        )
        return bool(result.rowcount)

    # -- web sessions -------------------------------------------------------------------------
    def add_session(
        self, id_hash: str, user_id: int, csrf_token: str, created: datetime, expires: datetime
    ) -> None:
        self.conn.execute(
            sa.insert(web_sessions).values(
                id_hash=id_hash,
                user_id=user_id,
                csrf_token=csrf_token,
                created_at=created,
                expires_at=expires,
            )
        )

    def session_credential(self, id_hash: str) -> Credential | None:
        return self._credential(_credential_query(self.conn.dialect.name, "session"), id_hash)

    def _credential(self, query: sa.Select[Any], key_hash: str) -> Credential | None:
        rows = self.conn.execute(query, {"key_hash": key_hash}).all()
        if not rows:
            return None
        first = rows[0]._mapping
        return Credential(
            user_from_row(rows[0]),
            {
                r.role_name: Role(
                    r.role_name, r.role_description, parse_privileges(r.role_privileges)
                )
                for r in rows
                if r.role_name is not None
            },
            first["expires_at"],
            first.get("revoked_at"),
            first.get("csrf_token", ""),
        )

    def delete_session(self, id_hash: str) -> None:
        self.conn.execute(sa.delete(web_sessions).where(web_sessions.c.id_hash == id_hash))

    def delete_sessions_of(self, user_id: int) -> None:
        self.conn.execute(sa.delete(web_sessions).where(web_sessions.c.user_id == user_id))

    # -- login throttling ---------------------------------------------------------------------
    def record_failure(self, key: str, at: datetime) -> None:
        self.conn.execute(sa.insert(login_failures).values(key=key[:400], at=at))

    def failures_since(self, key: str, since: datetime) -> int:
        return int(
            self.conn.execute(
                sa.select(sa.func.count())
                .select_from(login_failures)
                .where(login_failures.c.key == key[:400], login_failures.c.at >= since)
            ).scalar_one()
        )

    def clear_failures(self, key: str) -> None:
        self.conn.execute(sa.delete(login_failures).where(login_failures.c.key == key[:400]))


def _token(row: sa.Row[object]) -> TokenRow:
    return TokenRow(
        row.id,
        row.user_id,
        row.name,
        row.prefix,
        row.created_at,
        row.expires_at,
        row.revoked_at,
        row.last_used_at,
    )


@lru_cache(maxsize=8)
def _credential_query(dialect: str, kind: str) -> sa.Select[Any]:
    """A token's or session's row (parameter ``key_hash``), its user and the user's stored roles.

    One row per stored role the user holds (or one with NULL role columns): roles are few,
    and this saves a second round trip on every request. Built once: it runs on every request.
    """
    source: sa.Table
    extra: tuple[ColumnElement[Any], ...]
    if kind == "token":
        source = api_tokens
        match = api_tokens.c.token_hash == sa.bindparam("key_hash")
        extra = (api_tokens.c.expires_at, api_tokens.c.revoked_at)
    else:
        source = web_sessions
        match = web_sessions.c.id_hash == sa.bindparam("key_hash")
        extra = (
            web_sessions.c.expires_at,
            sa.null().label("revoked_at"),
            web_sessions.c.csrf_token,
        )
    # The names in ``users.roles`` (a JSON array) as rows, correlated to the outer query.
    if dialect == "postgresql":
        names = sa.func.json_array_elements_text(users.c.roles).table_valued("value")
    else:
        names = sa.func.json_each(users.c.roles).table_valued("value")
    return (
        sa.select(
            *(c for c in users.c if c.name != "password_hash"),
            *extra,
            roles.c.name.label("role_name"),
            roles.c.description.label("role_description"),
            roles.c.privileges.label("role_privileges"),
        )
        .select_from(
            source.join(users, users.c.id == source.c.user_id).outerjoin(
                roles, roles.c.name.in_(sa.select(names.c.value))
            )
        )
        .where(match)
    )
