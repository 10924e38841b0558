"""Organisation settings and personal options, stored as text key/value pairs."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from correspondent.storage.tables import org_settings, personal_options


class SettingsRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def org(self) -> dict[str, str]:
        return {r.key: r.value for r in self.conn.execute(sa.select(org_settings))}

    def set_org(self, key: str, value: str) -> None:
        self.conn.execute(sa.delete(org_settings).where(org_settings.c.key == key))
        self.conn.execute(sa.insert(org_settings).values(key=key, value=value))

    def personal(self, user_id: int) -> dict[str, str]:
        rows = self.conn.execute(
            sa.select(personal_options).where(personal_options.c.user_id == user_id)
        )
        return {r.key: r.value for r in rows}

    def set_personal(self, user_id: int, key: str, value: str) -> None:
        self.conn.execute(
            sa.delete(personal_options).where(
                personal_options.c.user_id == user_id, personal_options.c.key == key
            )
        )
        self.conn.execute(sa.insert(personal_options).values(user_id=user_id, key=key, value=value))
