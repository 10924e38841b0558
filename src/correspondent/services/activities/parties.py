"""Resolving a message's addresses to CRM records, with the personal auto-create option."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Protocol

from correspondent.domain.activity import Party, PartyRole, ResolutionMethod
from correspondent.domain.records import Record
from correspondent.domain.resolution import (
    AddressToResolve,
    Candidate,
    ResolutionRules,
    resolve_parties,
)
from correspondent.domain.settings import OrgSettings, PersonalOptions
from correspondent.domain.users import User
from correspondent.mail.message import MailAddress, ParsedMessage
from correspondent.services.ports import UnitOfWork

MAX_ADDRESS_LENGTH = 320


def addresses_of(message: ParsedMessage) -> list[AddressToResolve]:
    items: list[AddressToResolve] = []
    groups: list[tuple[PartyRole, tuple[MailAddress, ...]]] = [
        (PartyRole.FROM, message.from_[:1]),
        (PartyRole.TO, message.to),
        (PartyRole.CC, message.cc),
        (PartyRole.BCC, message.bcc),
    ]
    for role, addresses in groups:
        for mail_address in addresses:
            if len(mail_address.address) > MAX_ADDRESS_LENGTH:
                continue  # not a deliverable address (RFC 5321 allows 254); nothing to link
            items.append(AddressToResolve(role, mail_address.address, mail_address.display_name))
    return items


class CandidateSource(Protocol):
    """Where resolution gets the records behind addresses (a transaction's cache)."""

    uow: UnitOfWork

    def candidates(self, addresses: Iterable[str]) -> Mapping[str, list[Candidate]]: ...

    def forget_candidates(self, address: str) -> None: ...


def resolution_rules(org: OrgSettings) -> ResolutionRules:
    return ResolutionRules(
        from_first_match=org.resolution_from_multiple == "first",
        recipients_unresolved_on_multiple=org.resolution_recipients_unresolved_on_multiple,
        match_inactive=org.resolution_match_inactive,
    )


def resolve_message_parties(
    source: CandidateSource,
    message: ParsedMessage,
    user: User,
    org: OrgSettings,
    options: PersonalOptions,
) -> list[Party]:
    items = addresses_of(message)
    rules = resolution_rules(org)
    candidates = source.candidates(item.address for item in items)
    parties = resolve_parties(items, candidates, tracking_user_id=user.id, rules=rules)
    create_as = options.auto_create
    if create_as == "none":
        return parties
    created: dict[str, Party] = {}
    result: list[Party] = []
    for party in parties:
        if party.method is ResolutionMethod.NO_MATCH and party.address != user.email:
            if party.address not in created:
                record = _create_for(source.uow, create_as, party, user)
                source.forget_candidates(party.address)
                created[party.address] = Party(
                    party.role,
                    party.address,
                    party.display_name,
                    record.ref,
                    ResolutionMethod.AUTO_CREATED,
                )
            first = created[party.address]
            party = Party(
                party.role,
                party.address,
                party.display_name,
                first.record,
                ResolutionMethod.AUTO_CREATED,
            )
        result.append(party)
    return result


def party_record_fields(type_name: str, address: str, display_name: str) -> dict[str, str]:
    """A contact's or lead's name from a display name ("Ann Lee"), else the address's local
    part; a lead also needs a topic."""
    first, _, last = display_name.strip().rpartition(" ")
    if not last:
        last = address.split("@", 1)[0]
    fields = {"first_name": first, "last_name": last} if first else {"last_name": last}
    if type_name == "lead":
        fields["topic"] = "Created from tracked email"
    return fields


def _create_for(uow: UnitOfWork, type_name: str, party: Party, user: User) -> Record:
    fields = party_record_fields(type_name, party.address, party.display_name)
    now = datetime.now(UTC)
    return uow.directory.add_record(
        Record(
            id=0,
            type=type_name,
            owner_id=user.id,
            business_unit_id=user.business_unit_id,
            active=True,
            created_at=now,
            modified_at=now,
            fields=fields,
            emails=[party.address],
        )
    )
