"""Repository for credentials: password hashes, API tokens, web sessions and login failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from correspondent.storage.access_tables import api_tokens, login_failures, web_sessions
from correspondent.storage.tables import users


@dataclass(frozen=True)
class TokenRow:
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class SessionRow:
    user_id: int
    csrf_token: str
    expires_at: datetime


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

    def token_by_hash(self, token_hash: str) -> TokenRow | None:
        row = self.conn.execute(
            sa.select(api_tokens).where(api_tokens.c.token_hash == token_hash)
        ).first()
        return _token(row) if row else None

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

    def touch_token(self, token_id: int, at: datetime) -> None:
        self.conn.execute(
            sa.update(api_tokens).where(api_tokens.c.id == token_id).values(last_used_at=at)
        )

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

    def session(self, id_hash: str) -> SessionRow | None:
        row = self.conn.execute(
            sa.select(web_sessions).where(web_sessions.c.id_hash == id_hash)
        ).first()
        return SessionRow(row.user_id, row.csrf_token, row.expires_at) if row else None

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
