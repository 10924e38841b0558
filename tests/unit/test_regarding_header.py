"""The Set Regarding header's signature (``domain.regarding_header``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from correspondent.domain.records import RecordRef
from correspondent.domain.regarding_header import (
    HeaderRefused,
    RegardingClaim,
    derive_key,
    sign,
    verify,
)

KEY = derive_key(b"secret")
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
CLAIM = RegardingClaim(7, RecordRef("account", 12), NOW + timedelta(days=1))


def test_a_signed_header_verifies_even_folded() -> None:
    value = sign(KEY, CLAIM)
    assert verify(KEY, value, user_id=7, now=NOW) == CLAIM
    folded = value[:30] + "\r\n " + value[30:]
    assert verify(KEY, folded, user_id=7, now=NOW) == CLAIM


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("nonsense", "not one Correspondent writes"),
        ("v1.7.account:12.1796000000.AAAA", "forged"),
        (sign(KEY, CLAIM).replace("account:12", "account:13"), "forged"),
        (sign(KEY, CLAIM).replace("v1.7.", "v1.8."), "forged"),
        (sign(derive_key(b"other"), CLAIM), "another Correspondent server"),
        (sign(KEY, RegardingClaim(8, CLAIM.regarding, CLAIM.expires_at)), "another user"),
        (sign(KEY, RegardingClaim(7, CLAIM.regarding, NOW - timedelta(seconds=1))), "expired"),
    ],
)
def test_refusals_name_their_reason(value: str, reason: str) -> None:
    with pytest.raises(HeaderRefused, match=reason):
        verify(KEY, value, user_id=7, now=NOW)
