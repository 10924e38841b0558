"""Settings of a Correspondent installation, from environment variables (and CLI flags).

Nothing is built at import time: ``bootstrap.build`` turns a ``Settings`` into engines and stores.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("./correspondent-data")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CORRESPONDENT_", extra="ignore")

    data_dir: Path = Field(default=DEFAULT_DATA_DIR)
    database_url: str | None = None
    """Defaults to an SQLite file in the data dir."""
    secret_key: str | None = None
    max_message_bytes: int = 50 * 1024 * 1024
    imap_ca_file: Path | None = None
    """PEM file of a private CA that signed the IMAP servers' certificates (default: system)."""
    public_url: str | None = None
    """The address users reach this server at, e.g. ``https://crm.example.org`` (behind a
    reverse proxy, the proxy's). The Outlook add-in's manifest points Outlook there."""

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'correspondent.sqlite3').resolve()}"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"
