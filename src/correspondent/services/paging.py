"""Opaque cursors for keyset pagination: the last row's sort value and id, base64-encoded JSON.

Clients must treat a cursor as opaque; a damaged or foreign cursor is refused as bad input.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from correspondent.domain.errors import InvalidInput

MAX_PAGE = 200


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None = None
    """Where the next page starts; None on the last page."""
    extra: dict[str, Any] = field(default_factory=dict)


def encode_cursor(value: Any, last_id: int) -> str:
    kind = "t" if isinstance(value, datetime) else "v"
    payload = [kind, value.isoformat() if isinstance(value, datetime) else value, last_id]
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[Any, int]:
    try:
        padded = text + "=" * (-len(text) % 4)
        kind, value, last_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(last_id, int) or kind not in ("t", "v"):
            raise ValueError(text)
        return (datetime.fromisoformat(value) if kind == "t" else value), last_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("The cursor is not valid; start again without one.") from None


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}.")
    return limit
