"""The pure resolution rules (BEHAVIOUR §3), without storage."""

from __future__ import annotations

from correspondent.domain.activity import PartyRole, ResolutionMethod
from correspondent.domain.records import RecordRef
from correspondent.domain.resolution import (
    MAX_MATCHES,
    AddressToResolve,
    Candidate,
    ResolutionRules,
    resolve_parties,
)

ME = 7


def c(
    type_: str,
    id_: int,
    *,
    owner: int | None = 1,
    active: bool = True,
    precedence: int | None = None,
) -> Candidate:
    order = {"user": 0, "contact": 10, "account": 20, "lead": 30}
    return Candidate(
        RecordRef(type_, id_), owner, active, precedence if precedence is not None else order[type_]
    )


def resolve(role: PartyRole, found: list[Candidate], **rules: bool):  # type: ignore[no-untyped-def]
    item = AddressToResolve(role, "a@x.org", "A")
    return resolve_parties(
        [item], {"a@x.org": found}, tracking_user_id=ME, rules=ResolutionRules(**rules)
    )


def test_sender_without_match_is_unresolved() -> None:
    [party] = resolve(PartyRole.FROM, [])
    assert party.record is None and party.method is ResolutionMethod.NO_MATCH


def test_sender_precedence_then_owner_then_setting() -> None:
    [p] = resolve(PartyRole.FROM, [c("lead", 1), c("account", 2), c("contact", 3)])
    assert p.record == RecordRef("contact", 3) and p.method is ResolutionMethod.PRECEDENCE
    [p] = resolve(PartyRole.FROM, [c("contact", 5), c("contact", 4, owner=ME)])
    assert p.record == RecordRef("contact", 4) and p.method is ResolutionMethod.OWNER_PREFERRED
    [p] = resolve(PartyRole.FROM, [c("contact", 5), c("contact", 4)])
    assert p.record == RecordRef("contact", 4) and p.method is ResolutionMethod.FIRST_MATCH
    [p] = resolve(PartyRole.FROM, [c("contact", 5), c("contact", 4)], from_first_match=False)
    assert p.record is None and p.method is ResolutionMethod.AMBIGUOUS


def test_sender_with_more_than_the_maximum_matches_follows_the_setting() -> None:
    many = [c("contact", i, owner=ME if i == 50 else 1) for i in range(MAX_MATCHES + 1)]
    [p] = resolve(PartyRole.FROM, many, from_first_match=False)
    assert p.record is None
    [p] = resolve(PartyRole.FROM, many)
    assert p.method is ResolutionMethod.FIRST_MATCH


def test_inactive_records_never_match_unless_allowed() -> None:
    [p] = resolve(PartyRole.TO, [c("contact", 1, active=False)])
    assert p.record is None
    [p] = resolve(PartyRole.TO, [c("contact", 1, active=False)], match_inactive=True)
    assert p.record == RecordRef("contact", 1)


def test_recipients_get_all_matches_or_none_when_ambiguous() -> None:
    found = [c("lead", 9), c("contact", 3)]
    parties = resolve(PartyRole.CC, found)
    assert [p.record for p in parties] == [RecordRef("contact", 3), RecordRef("lead", 9)]
    assert {p.method for p in parties} == {ResolutionMethod.ALL_MATCHES}
    [p] = resolve(PartyRole.CC, found, recipients_unresolved_on_multiple=True)
    assert p.record is None and p.method is ResolutionMethod.AMBIGUOUS
