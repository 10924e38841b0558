"""Settings of a Correspondent installation, from environment variables (and CLI flags).

Nothing is built at import time: ``bootstrap.build`` turns a ``Settings`` into engines and stores.
A plain dataclass, not pydantic-settings: importing pydantic was about a third of every CLI
command's start (docs/benchmarks.md, "CLI start-up"), for six fields.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from correspondent.domain.errors import CorrespondentError

DEFAULT_DATA_DIR = Path("./correspondent-data")
ENV_PREFIX = "CORRESPONDENT_"


class InvalidConfiguration(CorrespondentError):
    """An environment variable or option of the installation has a value it cannot take."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str | None = None
    """Defaults to an SQLite file in the data dir."""
    secret_key: str | None = None
    max_message_bytes: int = 50 * 1024 * 1024
    imap_ca_file: Path | None = None
    """PEM file of a private CA that signed the IMAP servers' certificates (default: system)."""
    public_url: str | None = None
    """The address users reach this server at, e.g. ``https://crm.example.org`` (behind a
    reverse proxy, the proxy's). The Outlook add-in's manifest points Outlook there."""

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, **overrides: Any
    ) -> Settings:
        """``CORRESPONDENT_<FIELD>`` variables, then ``overrides`` (CLI flags) on top of them."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            raw = environ.get(f"{ENV_PREFIX}{field.name.upper()}")
            if raw is not None and raw != "":
                values[field.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**{name: _coerce(name, value) for name, value in values.items()})

    def as_environment(self) -> dict[str, str]:
        """Variables that rebuild these settings in another process (the data dir absolute)."""
        values = dataclasses.asdict(self) | {"data_dir": self.data_dir.resolve()}
        return {f"{ENV_PREFIX}{k.upper()}": str(v) for k, v in values.items() if v is not None}

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'correspondent.sqlite3').resolve()}"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"


def _coerce(name: str, value: Any) -> Any:
    known = {field.name for field in dataclasses.fields(Settings)}
    if name not in known:
        raise InvalidConfiguration(f"Unknown setting {name!r}; known: {', '.join(sorted(known))}.")
    if name in ("data_dir", "imap_ca_file"):
        return Path(value)
    if name == "max_message_bytes":
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if number <= 0:
            raise InvalidConfiguration(
                f"{ENV_PREFIX}MAX_MESSAGE_BYTES must be a positive whole number of bytes, "
                f"not {value!r}."
            )
        return number
    return str(value)
