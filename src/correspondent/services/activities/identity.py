"""The identity key of a message for a user: computed here only, so that tracking, the batch
prefetch and untrack-by-message always agree on which activity a message is."""

from __future__ import annotations

from correspondent.domain.activity import decide_direction, identity_key
from correspondent.domain.settings import OrgSettings
from correspondent.mail.message import ParsedMessage


def message_identity(org: OrgSettings, user_email: str, message: ParsedMessage, raw: bytes) -> str:
    """Normalised Message-ID plus direction as ``user_email`` sees it (BEHAVIOUR §1)."""
    direction = decide_direction([a.address for a in message.from_], user_email)
    return identity_key(
        message.message_id,
        direction,
        raw,
        split_by_direction=org.tracking_internal_as_two_activities,
    )
