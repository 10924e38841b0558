"""Record-level access control, modelled on the reference CRM's security roles.

A **role** grants, for each secured record type and each operation, a **depth**: none, the user's
own records, records of the user's business unit, or the whole organisation. A user's rights are
the union (the deepest grant) of their roles. **Shares** give one user read or read/write access
to one record; as in the reference CRM, a share only works when the user's roles grant the
operation at least at user depth (a read-only role cannot write a record shared read/write).

This module is the single place that decides "may U do OP on R". Listing queries do not call it
per row: ``scope`` turns the same rules into a filter that the storage layer pushes into SQL.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from correspondent.domain.errors import InvalidInput

ACTIVITY_TYPE = "activity"
SECURED_TYPES: tuple[str, ...] = ("account", "contact", "lead", "opportunity", "case", "activity")
CUSTOMER_TYPES: tuple[str, ...] = SECURED_TYPES[:-1]
ADMINISTRATOR = "administrator"


class Depth(enum.IntEnum):
    NONE = 0
    USER = 1
    BUSINESS_UNIT = 2
    ORGANISATION = 3


class Operation(enum.StrEnum):
    CREATE = "create"
    READ = "read"
    WRITE = "write"
    DELETE = "delete"
    ASSIGN = "assign"
    SHARE = "share"


class ShareAccess(enum.StrEnum):
    READ = "read"
    READ_WRITE = "read_write"


Privileges = Mapping[tuple[str, Operation], Depth]


@dataclass(frozen=True)
class Role:
    name: str
    description: str
    privileges: Privileges = field(default_factory=dict)

    def depth(self, type_name: str, operation: Operation) -> Depth:
        return self.privileges.get((type_name, operation), Depth.NONE)


@dataclass(frozen=True)
class Actor:
    """The signed-in user as far as access decisions go."""

    user_id: int
    business_unit_id: int
    privileges: Privileges
    roles: frozenset[str] = frozenset()
    active: bool = True

    @property
    def is_administrator(self) -> bool:
        return self.active and ADMINISTRATOR in self.roles

    def depth(self, type_name: str, operation: Operation) -> Depth:
        if not self.active:
            return Depth.NONE
        return self.privileges.get((type_name, operation), Depth.NONE)


@dataclass(frozen=True)
class RecordFacts:
    """What a decision needs to know about one record."""

    owner_id: int
    business_unit_id: int
    share: ShareAccess | None = None
    """The acting user's share on this record, if any."""


def merge_privileges(roles: Iterable[Role]) -> dict[tuple[str, Operation], Depth]:
    """The union of roles: for each type and operation the deepest grant."""
    merged: dict[tuple[str, Operation], Depth] = {}
    for role in roles:
        for key, depth in role.privileges.items():
            if depth > merged.get(key, Depth.NONE):
                merged[key] = depth
    return merged


def depth_needed(actor: Actor, record: RecordFacts) -> Depth:
    """The shallowest depth that covers ``record`` for ``actor``."""
    if record.owner_id == actor.user_id:
        return Depth.USER
    if record.business_unit_id == actor.business_unit_id:
        return Depth.BUSINESS_UNIT
    return Depth.ORGANISATION


def _share_allows(share: ShareAccess | None, operation: Operation) -> bool:
    if share is None:
        return False
    if operation is Operation.READ:
        return True
    return operation is Operation.WRITE and share is ShareAccess.READ_WRITE


def may(actor: Actor, type_name: str, operation: Operation, record: RecordFacts) -> bool:
    """Whether ``actor`` may do ``operation`` on ``record`` (for CREATE: the record to be)."""
    depth = actor.depth(type_name, operation)
    if depth is Depth.NONE:
        return False
    if depth >= depth_needed(actor, record):
        return True
    return operation is not Operation.CREATE and _share_allows(record.share, operation)


@dataclass(frozen=True)
class Scope:
    """Which records of one type an actor may read, in a form SQL can filter on.

    ``everything`` wins; otherwise a record is visible when its owner is ``owner_id``, its business
    unit is in ``business_unit_ids``, or (``shares``) it is shared with ``user_id``.
    """

    user_id: int
    everything: bool = False
    owner_id: int | None = None
    business_unit_ids: frozenset[int] = frozenset()
    shares: bool = False

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.owner_id or self.business_unit_ids or self.shares)


def scope(actor: Actor, type_name: str, operation: Operation = Operation.READ) -> Scope:
    depth = actor.depth(type_name, operation)
    if depth is Depth.NONE:
        return Scope(actor.user_id)
    if depth is Depth.ORGANISATION:
        return Scope(actor.user_id, everything=True)
    units = frozenset({actor.business_unit_id}) if depth is Depth.BUSINESS_UNIT else frozenset()
    return Scope(actor.user_id, owner_id=actor.user_id, business_unit_ids=units, shares=True)


def secured_type(type_name: str) -> str:
    if type_name not in SECURED_TYPES:
        raise InvalidInput(
            f"Unknown record type {type_name!r}; use one of: {', '.join(SECURED_TYPES)}."
        )
    return type_name


def parse_privileges(raw: Mapping[str, Mapping[str, str]]) -> dict[tuple[str, Operation], Depth]:
    """Read ``{"account": {"read": "organisation", ...}, ...}`` as written in the API."""
    result: dict[tuple[str, Operation], Depth] = {}
    for type_name, grants in raw.items():
        secured_type(type_name)
        for op_name, depth_name in grants.items():
            try:
                operation = Operation(op_name)
                depth = Depth[depth_name.upper()]
            except (ValueError, KeyError):
                raise InvalidInput(
                    f"{type_name}.{op_name}={depth_name!r}: operations are "
                    f"{', '.join(o.value for o in Operation)}; depths are "
                    f"{', '.join(d.name.lower() for d in Depth)}."
                ) from None
            result[(type_name, operation)] = depth
    return result


def format_privileges(privileges: Privileges) -> dict[str, dict[str, str]]:
    return {
        t: {op.value: privileges.get((t, op), Depth.NONE).name.lower() for op in Operation}
        for t in SECURED_TYPES
    }


def _grants(
    types: Iterable[str], ops: Iterable[Operation], depth: Depth
) -> dict[tuple[str, Operation], Depth]:
    return {(t, op): depth for t in types for op in ops}


_ALL_OPS = tuple(Operation)
_OWN_WORK = (Operation.CREATE, Operation.WRITE, Operation.DELETE, Operation.ASSIGN, Operation.SHARE)

BUILTIN_ROLES: dict[str, Role] = {
    role.name: role
    for role in (
        Role(
            ADMINISTRATOR,
            "Everything in the organisation, plus users, roles and settings.",
            _grants(SECURED_TYPES, _ALL_OPS, Depth.ORGANISATION),
        ),
        Role(
            "sales_manager",
            "Everything in their business unit; reads customers organisation-wide.",
            {
                **_grants(SECURED_TYPES, _ALL_OPS, Depth.BUSINESS_UNIT),
                **_grants(CUSTOMER_TYPES, [Operation.READ], Depth.ORGANISATION),
            },
        ),
        Role(
            "salesperson",
            "Reads customers organisation-wide; works on their own records and activities.",
            {
                **_grants(SECURED_TYPES, _OWN_WORK, Depth.USER),
                **_grants(CUSTOMER_TYPES, [Operation.READ], Depth.ORGANISATION),
                (ACTIVITY_TYPE, Operation.READ): Depth.USER,
            },
        ),
        Role(
            "read_only",
            "Reads customers organisation-wide and their own activities; changes nothing.",
            {
                **_grants(CUSTOMER_TYPES, [Operation.READ], Depth.ORGANISATION),
                (ACTIVITY_TYPE, Operation.READ): Depth.USER,
            },
        ),
    )
}

OPERATOR_USER_ID = 0
"""No user has this id: the operator acts on the installation, not as one of its users."""

OPERATOR = Actor(
    OPERATOR_USER_ID,
    business_unit_id=0,
    privileges=_grants(SECURED_TYPES, _ALL_OPS, Depth.ORGANISATION),
    roles=frozenset({ADMINISTRATOR}),
)
"""The installation's operator (the CLI): may do everything, on every record and mailbox."""
