"""Party resolution: which CRM records an address of a message stands for (BEHAVIOUR §3).

The rules, in order:
- matching is case-insensitive on the full address; inactive records never match unless the
  organisation allows it;
- From resolves to exactly one record: users, then contacts, accounts, leads, then other
  email-enabled records; among equals the tracking user's own records win; still several (or more
  than ``MAX_MATCHES``) -> the organisation's choice: first match, or unresolved;
- To/Cc/Bcc resolve to every matching record, unless the organisation says to leave an address
  unresolved when several match.

The storage adapter supplies candidates already narrowed to the message's addresses by an index;
this module only decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from correspondent.domain.activity import Party, PartyRole, ResolutionMethod
from correspondent.domain.records import RecordRef

MAX_MATCHES = 100


@dataclass(frozen=True)
class Candidate:
    """A record (or user) that carries an address."""

    ref: RecordRef
    owner_id: int | None
    active: bool
    precedence: int


@dataclass(frozen=True)
class ResolutionRules:
    from_first_match: bool = True
    recipients_unresolved_on_multiple: bool = False
    match_inactive: bool = False


@dataclass(frozen=True)
class AddressToResolve:
    role: PartyRole
    address: str
    display_name: str


def resolve_parties(
    addresses: Sequence[AddressToResolve],
    candidates: Mapping[str, Sequence[Candidate]],
    *,
    tracking_user_id: int,
    rules: ResolutionRules,
) -> list[Party]:
    """Turn each address into one or more parties."""
    parties: list[Party] = []
    for item in addresses:
        found = [c for c in candidates.get(item.address, ()) if c.active or rules.match_inactive]
        if item.role is PartyRole.FROM:
            ref, method = _resolve_sender(found, tracking_user_id, rules)
            parties.append(Party(item.role, item.address, item.display_name, ref, method))
        else:
            parties.extend(_resolve_recipient(item, found, rules))
    return parties


def _stable(found: Sequence[Candidate]) -> list[Candidate]:
    # Oldest record first, so "first match" means the same record every time.
    return sorted(found, key=lambda c: (c.precedence, c.ref.type, c.ref.id))


def _resolve_sender(
    found: Sequence[Candidate], tracking_user_id: int, rules: ResolutionRules
) -> tuple[RecordRef | None, ResolutionMethod]:
    if not found:
        return None, ResolutionMethod.NO_MATCH
    if len(found) == 1:
        return found[0].ref, ResolutionMethod.UNIQUE_MATCH
    if len(found) <= MAX_MATCHES:
        best = min(c.precedence for c in found)
        tier = [c for c in found if c.precedence == best]
        if len(tier) == 1:
            return tier[0].ref, ResolutionMethod.PRECEDENCE
        owned = [c for c in tier if c.owner_id == tracking_user_id]
        if len(owned) == 1:
            return owned[0].ref, ResolutionMethod.OWNER_PREFERRED
        remaining = owned or tier
    else:
        remaining = list(found)
    if rules.from_first_match:
        return _stable(remaining)[0].ref, ResolutionMethod.FIRST_MATCH
    return None, ResolutionMethod.AMBIGUOUS


def _resolve_recipient(
    item: AddressToResolve, found: Sequence[Candidate], rules: ResolutionRules
) -> list[Party]:
    if not found:
        return [Party(item.role, item.address, item.display_name, None, ResolutionMethod.NO_MATCH)]
    if len(found) == 1:
        return [
            Party(
                item.role,
                item.address,
                item.display_name,
                found[0].ref,
                ResolutionMethod.UNIQUE_MATCH,
            )
        ]
    if rules.recipients_unresolved_on_multiple or len(found) > MAX_MATCHES:
        return [Party(item.role, item.address, item.display_name, None, ResolutionMethod.AMBIGUOUS)]
    return [
        Party(item.role, item.address, item.display_name, c.ref, ResolutionMethod.ALL_MATCHES)
        for c in _stable(found)
    ]
