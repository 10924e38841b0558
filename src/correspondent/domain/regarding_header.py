"""The compose-time regarding header: a signed claim, carried in the message itself, that its
sender chose a regarding record for it before sending (the Outlook add-in's Set Regarding).

``X-Correspondent-Regarding: v1.<user id>.<type>:<id>.<expires, Unix seconds>.<signature>``

The signature is HMAC-SHA256 over everything before it, with a key only the server knows, so
nobody can write a header for a record, a user or a date the server did not sign. The user id
binds it to the sender: a header copied into another user's mail is refused as foreign. The
expiry bounds how long a draft may wait (composed offline, sent days later) — ``LIFETIME``.
The header travels to the recipients too; it reveals a record's type and id, nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from correspondent.domain.records import RecordRef

HEADER_NAME = "X-Correspondent-Regarding"
VERSION = "v1"
LIFETIME = timedelta(days=30)
KEY_PURPOSE = b"correspondent/regarding-header/v1"


class HeaderRefused(ValueError):
    """The header cannot be honoured; ``str(error)`` says why, for the user."""


@dataclass(frozen=True)
class RegardingClaim:
    user_id: int
    regarding: RecordRef
    expires_at: datetime


def derive_key(installation_secret: bytes) -> bytes:
    """A key for this purpose only, from the installation's secret."""
    return hmac.new(installation_secret, KEY_PURPOSE, hashlib.sha256).digest()


def _signature(key: bytes, payload: str) -> str:
    digest = hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sign(key: bytes, claim: RegardingClaim) -> str:
    """The header's value for ``claim``."""
    expires = int(claim.expires_at.timestamp())
    payload = f"{VERSION}.{claim.user_id}.{claim.regarding}.{expires}"
    return f"{payload}.{_signature(key, payload)}"


def verify(key: bytes, value: str, *, user_id: int, now: datetime) -> RegardingClaim:
    """The claim in ``value`` if it is genuine, for ``user_id`` and not expired.

    Raises ``HeaderRefused`` naming the reason: not a header we write, forged (the signature
    does not match), issued to another user, or expired.
    """
    text = "".join(value.split())  # a long header may have been folded
    parts = text.split(".")
    if len(parts) != 5 or parts[0] != VERSION:
        raise HeaderRefused(f"the {HEADER_NAME} header is not one Correspondent writes")
    payload, signature = ".".join(parts[:4]), parts[4]
    if not hmac.compare_digest(
        signature.encode("ascii", "replace"), _signature(key, payload).encode()
    ):
        raise HeaderRefused(
            f"the {HEADER_NAME} header is forged or from another Correspondent server "
            "(its signature does not match)"
        )
    try:
        owner = int(parts[1])
        regarding = RecordRef.parse(parts[2])
        expires_at = datetime.fromtimestamp(int(parts[3]), UTC)
    except ValueError as error:  # signed by us, so only an older format could get here
        raise HeaderRefused(f"the {HEADER_NAME} header cannot be read: {error}") from error
    if owner != user_id:
        raise HeaderRefused(
            f"the {HEADER_NAME} header was issued to another user, not to this mailbox's owner"
        )
    if expires_at < now:
        raise HeaderRefused(
            f"the {HEADER_NAME} header expired on {expires_at:%Y-%m-%d %H:%M} UTC "
            f"(Set Regarding is valid for {LIFETIME.days} days)"
        )
    return RegardingClaim(owner, regarding, expires_at)
