"""The authorisation matrix, generated: role × record type × operation × ownership.

For each built-in role one world is set up (the acting user and a colleague in one business unit,
a stranger in another, a record shared read/write with the actor), then every combination is
asked of the HTTP API and compared with what the role's privilege table says. Expected answers
are computed here from the table, not by calling the code under test.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.domain.access import (
    ACTIVITY_TYPE,
    BUILTIN_ROLES,
    OPERATOR,
    SECURED_TYPES,
    Depth,
    Operation,
    ShareAccess,
)
from correspondent.domain.records import RecordRef
from correspondent.services.activities.track import MessageTracker, TrackRequest
from correspondent.services.records.create import create_record
from tests.api.conftest import make_api_user
from tests.builders import address, make_message

OWNERSHIPS = ("own", "same_unit", "other_unit", "shared")
NEEDED = {
    "own": Depth.USER,
    "same_unit": Depth.BUSINESS_UNIT,
    "other_unit": Depth.ORGANISATION,
    "shared": Depth.ORGANISATION,
}
SUCCESS = {
    Operation.CREATE: 201,
    Operation.READ: 200,
    Operation.WRITE: 200,
    Operation.DELETE: 204,
    Operation.ASSIGN: 204,
    Operation.SHARE: 204,
}
VALUES = {
    "account": {"name": "Acme"},
    "contact": {"last_name": "Smith"},
    "lead": {"last_name": "Jones"},
    "opportunity": {"name": "Deal"},
    "case": {"title": "Broken"},
}


def _allowed(role: str, type_name: str, op: Operation, ownership: str) -> bool:
    depth = BUILTIN_ROLES[role].depth(type_name, op)
    if depth is Depth.NONE:
        return False
    if depth >= NEEDED[ownership]:
        return True
    return ownership == "shared" and op in (Operation.READ, Operation.WRITE)


def _expected_status(role: str, type_name: str, op: Operation, ownership: str) -> int:
    if _allowed(role, type_name, op, ownership):
        return SUCCESS[op]
    if op is Operation.CREATE or _allowed(role, type_name, Operation.READ, ownership):
        return 403
    return 404


class World:
    def __init__(self, inst: Installation, role: str) -> None:
        self.inst = inst
        self.actor = make_api_user(inst, role, "Unit A")
        self.colleague = make_api_user(inst, "salesperson", "Unit A")
        self.stranger = make_api_user(inst, "salesperson", "Unit B")
        self.bystander = make_api_user(inst, "salesperson", "Unit B")
        self.tracker = MessageTracker(inst.uow, inst.blobs)
        self.owners = {
            "own": self.actor,
            "same_unit": self.colleague,
            "other_unit": self.stranger,
            "shared": self.stranger,
        }

    def target(self, type_name: str, ownership: str) -> RecordRef:
        owner = self.owners[ownership].user
        if type_name == ACTIVITY_TYPE:
            raw = make_message(sender=address("c"), to=[owner.email])
            ref = RecordRef(
                type_name, self.tracker.track(TrackRequest(raw, owner.email)).activity_id
            )
        else:
            record = create_record(
                self.inst.uow, OPERATOR, type_name, VALUES[type_name], owner.email
            )
            ref = record.ref
        if ownership == "shared":
            with self.inst.uow() as uow:
                uow.access.share(ref, self.actor.user.id, ShareAccess.READ_WRITE, owner.id)
                uow.commit()
        return ref


def _call(client: TestClient, world: World, op: Operation, type_name: str, ownership: str) -> int:
    headers = world.actor.headers
    if op is Operation.CREATE:
        owner = world.owners[ownership].user
        if type_name == ACTIVITY_TYPE:
            raw = make_message(sender=address("c"), to=[owner.email])
            response = client.post(
                "/api/v1/track",
                content=raw,
                headers={**headers, "Content-Type": "message/rfc822"},
            )
        else:
            body = {"fields": VALUES[type_name], "owner_id": owner.id}
            response = client.post(f"/api/v1/records/{type_name}", json=body, headers=headers)
        return response.status_code
    ref = world.target(type_name, ownership)
    url = (
        f"/api/v1/activities/{ref.id}"
        if type_name == ACTIVITY_TYPE
        else f"/api/v1/records/{type_name}/{ref.id}"
    )
    calls: dict[Operation, Callable[[], Any]] = {
        Operation.READ: lambda: client.get(url, headers=headers),
        Operation.WRITE: lambda: (
            client.put(f"{url}/regarding", json={"regarding": None}, headers=headers)
            if type_name == ACTIVITY_TYPE
            else client.patch(url, json={"fields": {"status": "changed"}}, headers=headers)
        ),
        Operation.DELETE: lambda: client.delete(url, headers=headers),
        Operation.ASSIGN: lambda: client.post(
            f"{url}/assign", json={"owner_id": world.bystander.user.id}, headers=headers
        ),
        Operation.SHARE: lambda: client.post(
            f"{url}/shares", json={"user_id": world.bystander.user.id}, headers=headers
        ),
    }
    return int(calls[op]().status_code)


@pytest.mark.parametrize("role", sorted(BUILTIN_ROLES))
def test_api_allows_exactly_what_the_role_says(
    installation: Installation, client: TestClient, role: str
) -> None:
    world = World(installation, role)
    mismatches = []
    for type_name, op, ownership in itertools.product(SECURED_TYPES, Operation, OWNERSHIPS):
        if op is Operation.CREATE and (
            ownership == "shared" or (type_name == ACTIVITY_TYPE and ownership != "own")
        ):
            continue  # creating a shared record, or tracking for someone else, is not a thing
        expected = _expected_status(role, type_name, op, ownership)
        got = _call(client, world, op, type_name, ownership)
        if got != expected:
            mismatches.append(f"{type_name} {op.value} {ownership}: expected {expected}, got {got}")
    assert not mismatches, "\n".join(mismatches)
