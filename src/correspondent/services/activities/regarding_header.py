"""Set Regarding before sending: the signed header a draft carries (``domain.regarding_header``).

The add-in asks for the header's value here and writes it into the draft; the sync honours it
when the sent copy reaches the sender's Sent folder. Issuing checks what tracking with that
record would: the record exists and the user may read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from correspondent.domain.access import Actor
from correspondent.domain.errors import NotFound
from correspondent.domain.records import RecordRef
from correspondent.domain.regarding_header import HEADER_NAME, LIFETIME, RegardingClaim, sign
from correspondent.services.access import describe, readable_refs
from correspondent.services.directory.entries import require_record, require_user
from correspondent.services.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class RegardingHeader:
    """An internet header to write into a draft."""

    name: str
    """The header's name (``X-Correspondent-Regarding``)."""
    value: str
    """The signed value; valid for this user and this record only, until ``expires_at``."""
    expires_at: datetime


def issue_regarding_header(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    user_email: str,
    regarding: RecordRef,
    *,
    key: bytes,
    now: datetime,
) -> RegardingHeader:
    with uow_factory() as uow:
        user = require_user(uow, user_email)
        require_record(uow, regarding)
        if regarding not in readable_refs(uow, actor, [regarding]):
            raise NotFound(describe(regarding))
    expires_at = (now + LIFETIME).replace(microsecond=0)
    value = sign(key, RegardingClaim(user.id, regarding, expires_at))
    return RegardingHeader(HEADER_NAME, value, expires_at)
