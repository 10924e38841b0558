"""Create contact / Create lead from an unresolved address of an activity (BEHAVIOUR §3): the
new record carries the address, and the activity's parties with that address are resolved
again, so the participant links to it at once."""

from __future__ import annotations

from dataclasses import dataclass

from correspondent.domain.access import ACTIVITY_TYPE, Actor, Operation
from correspondent.domain.activity import ResolutionMethod
from correspondent.domain.errors import InvalidInput, NotFound
from correspondent.domain.records import RecordRef, normalise_address
from correspondent.domain.resolution import AddressToResolve, resolve_parties
from correspondent.domain.settings import OrgSettings
from correspondent.services.access import authorize, authorize_create, describe
from correspondent.services.activities.parties import party_record_fields, resolution_rules
from correspondent.services.activities.views import (
    DOCUMENTED,
    ActivityView,
    RecordLink,
    full_view,
)
from correspondent.services.ports import UnitOfWorkFactory
from correspondent.services.records.create import build_record, record_owner

PARTY_RECORD_TYPES = ("contact", "lead")


@dataclass(frozen=True)
class PartyRecordCreated:
    """The record made for an address, and the activity with that address now linked."""

    __pydantic_config__ = DOCUMENTED

    record: RecordLink
    activity: ActivityView


def create_party_record(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    activity_id: int,
    address: str,
    type_name: str,
) -> PartyRecordCreated:
    """Create a contact or lead of the actor's for ``address``, an unresolved party of the
    activity, and resolve that address's parties again.

    The actor must read the activity and have the right to create the record for themselves;
    re-resolving only fills in a link the resolution rules give anyone, so writing the activity
    is not needed.
    """
    if type_name not in PARTY_RECORD_TYPES:
        raise InvalidInput(f"Create a contact or a lead for an address, not a {type_name!r}.")
    wanted = normalise_address(address)
    ref = RecordRef(ACTIVITY_TYPE, activity_id)
    with uow_factory() as uow:
        authorize(uow, actor, ref, Operation.READ)
        activity = uow.activities.get(activity_id)
        if activity is None:
            raise NotFound(describe(ref))
        unresolved = [
            p
            for p in activity.parties
            if p.address == wanted and p.method is ResolutionMethod.NO_MATCH
        ]
        if not unresolved:
            raise InvalidInput(
                f"{wanted!r} is not an unresolved address of activity {activity_id}; "
                "only an address without a record can be made a contact or lead."
            )
        owner = record_owner(uow, actor, None)
        authorize_create(actor, type_name, owner)
        values = {
            **party_record_fields(type_name, wanted, unresolved[0].display_name),
            "email": wanted,
        }
        record = uow.directory.add_record(build_record(uow, type_name, values, owner))
        org = OrgSettings.from_stored(uow.settings.org())
        items = [AddressToResolve(p.role, p.address, p.display_name) for p in unresolved]
        resolved = resolve_parties(
            items,
            uow.directory.candidates([wanted]),
            tracking_user_id=activity.owner_id,
            rules=resolution_rules(org),
        )
        uow.activities.replace_unresolved_parties(activity_id, wanted, resolved)
        relinked = uow.activities.get(activity_id)
        assert relinked is not None
        view = full_view(uow, actor, relinked)
        uow.commit()
    return PartyRecordCreated(RecordLink(record.type, record.id, record.name), view)
