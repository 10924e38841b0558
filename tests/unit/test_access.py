"""The access model, exhaustively: every built-in role × type × operation × ownership × share.

``may`` (single decisions) and ``scope`` (the SQL filter for lists) must agree, rights must grow
with depth, and a user's rights are the union of their roles.
"""

from __future__ import annotations

import itertools

import pytest

from correspondent.domain.access import (
    ACTIVITY_TYPE,
    BUILTIN_ROLES,
    SECURED_TYPES,
    Actor,
    Depth,
    Operation,
    RecordFacts,
    Role,
    Scope,
    ShareAccess,
    format_privileges,
    may,
    merge_privileges,
    parse_privileges,
    scope,
)
from correspondent.domain.errors import InvalidInput

ME, COLLEAGUE, STRANGER = 1, 2, 3
MY_UNIT, OTHER_UNIT = 10, 20
OWNERSHIPS = {
    "own": (ME, MY_UNIT),
    "same_unit": (COLLEAGUE, MY_UNIT),
    "other_unit": (STRANGER, OTHER_UNIT),
}
SHARES = (None, ShareAccess.READ, ShareAccess.READ_WRITE)


def _actor(privileges: dict[tuple[str, Operation], Depth], active: bool = True) -> Actor:
    return Actor(ME, MY_UNIT, privileges, active=active)


def _in_scope(found: Scope, facts: RecordFacts) -> bool:
    """What the SQL built from ``found`` selects, evaluated in Python."""
    return found.everything or (
        facts.owner_id == found.owner_id
        or facts.business_unit_id in found.business_unit_ids
        or (found.shares and facts.share is not None)
    )


def _expected(depth: Depth, op: Operation, ownership: str, share: ShareAccess | None) -> bool:
    needed = {"own": Depth.USER, "same_unit": Depth.BUSINESS_UNIT, "other_unit": Depth.ORGANISATION}
    if depth is Depth.NONE:
        return False
    if depth >= needed[ownership]:
        return True
    if op is Operation.READ:
        return share is not None
    return op is Operation.WRITE and share is ShareAccess.READ_WRITE


@pytest.mark.parametrize("role_name", sorted(BUILTIN_ROLES))
def test_every_decision_of_every_built_in_role(role_name: str) -> None:
    role = BUILTIN_ROLES[role_name]
    actor = _actor(dict(role.privileges))
    for type_name, op, ownership, share in itertools.product(
        SECURED_TYPES, Operation, OWNERSHIPS, SHARES
    ):
        owner, unit = OWNERSHIPS[ownership]
        facts = RecordFacts(owner, unit, share)
        depth = role.depth(type_name, op)
        wanted = _expected(depth, op, ownership, None if op is Operation.CREATE else share)
        assert may(actor, type_name, op, facts) is wanted, (type_name, op, ownership, share)
        if op is Operation.READ:
            assert _in_scope(scope(actor, type_name), facts) is wanted


@pytest.mark.parametrize("depth", list(Depth))
def test_scope_matches_may_for_every_depth(depth: Depth) -> None:
    actor = _actor({("account", Operation.READ): depth})
    for (owner, unit), share in itertools.product(OWNERSHIPS.values(), SHARES):
        facts = RecordFacts(owner, unit, share)
        assert _in_scope(scope(actor, "account"), facts) is may(
            actor, "account", Operation.READ, facts
        )


def test_rights_grow_with_depth() -> None:
    for op, (owner, unit), share in itertools.product(Operation, OWNERSHIPS.values(), SHARES):
        facts = RecordFacts(owner, unit, share)
        allowed = [may(_actor({("lead", op): d}), "lead", op, facts) for d in Depth]
        assert allowed == sorted(allowed), (op, owner, share)


def test_union_of_roles_takes_the_deepest_grant() -> None:
    a = Role("a", "", {("case", Operation.READ): Depth.USER})
    b = Role("b", "", {("case", Operation.READ): Depth.BUSINESS_UNIT})
    merged = merge_privileges([a, b])
    assert merged[("case", Operation.READ)] is Depth.BUSINESS_UNIT
    assert merge_privileges([b, a]) == merged


def test_deactivated_user_may_do_nothing() -> None:
    actor = _actor(dict(BUILTIN_ROLES["administrator"].privileges), active=False)
    assert not may(actor, "account", Operation.READ, RecordFacts(ME, MY_UNIT))
    assert scope(actor, "account").nothing
    assert not actor.is_administrator


def test_salesperson_reads_customers_but_only_own_activities() -> None:
    actor = _actor(dict(BUILTIN_ROLES["salesperson"].privileges))
    stranger = RecordFacts(STRANGER, OTHER_UNIT)
    assert may(actor, "account", Operation.READ, stranger)
    assert not may(actor, "account", Operation.WRITE, stranger)
    assert not may(actor, ACTIVITY_TYPE, Operation.READ, stranger)
    assert may(
        actor, ACTIVITY_TYPE, Operation.READ, RecordFacts(STRANGER, OTHER_UNIT, ShareAccess.READ)
    )


def test_privileges_round_trip_and_bad_names_are_refused() -> None:
    for role in BUILTIN_ROLES.values():
        assert parse_privileges(format_privileges(role.privileges)) == {
            k: v
            for k, v in {
                **dict.fromkeys(itertools.product(SECURED_TYPES, Operation), Depth.NONE),
                **role.privileges,
            }.items()
        }
    with pytest.raises(InvalidInput):
        parse_privileges({"account": {"read": "galaxy"}})
    with pytest.raises(InvalidInput):
        parse_privileges({"planet": {"read": "user"}})
