"""The record and administration use cases on the in-memory unit of work (tests/fakes.py).

Each checks the actor's access in the same unit of work as the change: a refused change leaves
nothing behind, and one call opens one unit.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from correspondent.domain.access import OPERATOR, Actor, Depth, Operation
from correspondent.domain.errors import InvalidInput, NotFound, PermissionDenied
from correspondent.domain.records import Record, RecordRef
from correspondent.domain.settings import SettingsRejected
from correspondent.domain.users import User
from correspondent.services.access import actor_of
from correspondent.services.admin import settings, users
from correspondent.services.records import create, imports, queries, update
from tests.fakes import FakeData, FakeUnitOfWorkFactory

NOW = datetime(2026, 1, 5, tzinfo=UTC)


class World:
    def __init__(self) -> None:
        self.uow = FakeUnitOfWorkFactory()
        self.alice = self._user("alice@ourco.example", "salesperson", unit=1)
        self.bob = self._user("bob@ourco.example", "salesperson", unit=2)
        self.admin = self._user("ada@ourco.example", "administrator", unit=1)

    @property
    def data(self) -> FakeData:
        return self.uow.data

    def _user(self, email: str, *roles: str, unit: int) -> User:
        user = User(self.data.new_id(), email, email.split("@")[0], unit, list(roles), True, True)
        self.data.users[user.id] = user
        return user

    def actor(self, user: User) -> Actor:
        return actor_of(user, {})

    def account(self, owner: User, name: str = "Acme") -> RecordRef:
        record = Record(
            self.data.new_id(),
            "account",
            owner.id,
            owner.business_unit_id,
            True,
            NOW,
            NOW,
            {"name": name},
            ["info@acme.example"],
        )
        self.data.records[record.ref] = record
        return record.ref


@pytest.fixture
def world() -> World:
    return World()


def test_create_checks_the_actor_and_stores_in_one_unit(world: World) -> None:
    acme = world.account(world.alice)
    view = create.create_record(
        world.uow,
        world.actor(world.alice),
        "contact",
        {"first_name": "Ann", "last_name": "Lee", "email": "Ann@Customer.example"}
        | {"account": str(acme.id)},
    )
    assert world.uow.opened == 1
    assert (view.type, view.name, view.emails) == ("contact", "Ann Lee", ["ann@customer.example"])
    assert view.owner == world.alice.email and view.owner_id == world.alice.id
    assert view.fields["account"] == acme.id
    assert world.data.records[view.ref].owner_id == world.alice.id


def test_create_for_a_colleague_is_refused_and_stores_nothing(world: World) -> None:
    before = dict(world.data.records)
    with pytest.raises(PermissionDenied, match=r"bob@ourco\.example's account"):
        create.create_record(
            world.uow, world.actor(world.alice), "account", {"name": "X"}, world.bob.id
        )
    assert world.data.records == before
    view = create.create_record(world.uow, OPERATOR, "account", {"name": "X"}, world.bob.email)
    assert view.owner == world.bob.email


def test_create_refuses_a_reference_the_actor_may_not_read(world: World) -> None:
    theirs = world.account(world.bob)
    deals_only = Actor(
        world.alice.id,
        world.alice.business_unit_id,
        {
            ("opportunity", Operation.CREATE): Depth.USER,
            ("opportunity", Operation.READ): Depth.USER,
        },
    )
    with pytest.raises(NotFound, match=f"There is no account with id {theirs.id}"):
        create.create_record(
            world.uow, deals_only, "opportunity", {"name": "Deal", "account": str(theirs.id)}
        )
    assert [r.type for r in world.data.records.values()] == ["account"]
    with pytest.raises(NotFound, match="no account with id 999"):
        create.create_record(
            world.uow, world.actor(world.alice), "opportunity", {"name": "D", "account": "999"}
        )


def test_update_merges_values_and_keeps_the_addresses(world: World) -> None:
    acme = world.account(world.alice)
    view = update.update_record(
        world.uow, world.actor(world.alice), acme, {"phone": "+44 20 7946 0000"}
    )
    assert view.fields == {"name": "Acme", "phone": "+44 20 7946 0000"}
    assert view.emails == ["info@acme.example"] and view.owner == world.alice.email
    assert world.data.records[acme].fields["phone"] == "+44 20 7946 0000"
    assert world.uow.opened == 1


def test_update_by_a_reader_who_may_not_write_changes_nothing(world: World) -> None:
    acme = world.account(world.alice)
    with pytest.raises(PermissionDenied, match="write this account"):
        update.update_record(world.uow, world.actor(world.bob), acme, {"name": "Mine now"})
    assert world.data.records[acme].fields == {"name": "Acme"}
    with pytest.raises(InvalidInput, match="no field colour"):
        update.update_record(world.uow, world.actor(world.alice), acme, {"colour": "red"})


def test_get_is_refused_as_not_found_to_a_user_who_may_not_read(world: World) -> None:
    acme = world.account(world.alice)
    nobody = Actor(world.bob.id, world.bob.business_unit_id, {}, frozenset(), True)
    with pytest.raises(NotFound, match=f"There is no account with id {acme.id}"):
        queries.get_record(world.uow, nobody, acme)
    seen = queries.get_record(world.uow, world.actor(world.bob), acme)
    assert seen.owner == world.alice.email and seen.as_dict()["owner"] == world.alice.email


def test_deactivate_and_delete_need_their_rights(world: World) -> None:
    acme = world.account(world.alice)
    with pytest.raises(PermissionDenied):
        update.set_record_active(world.uow, world.actor(world.bob), acme, False)
    assert not update.set_record_active(world.uow, world.actor(world.alice), acme, False).active
    with pytest.raises(PermissionDenied):
        update.delete_record(world.uow, world.actor(world.bob), acme)
    update.delete_record(world.uow, world.actor(world.alice), acme)
    assert acme not in world.data.records


def test_import_is_all_or_nothing_in_one_unit(world: World) -> None:
    rows = [{"last_name": "Orr", "email": "cy@example.org"}, {"last_name": "", "email": "x"}]
    with pytest.raises(InvalidInput, match="line 3"):
        imports.import_records(world.uow, OPERATOR, "contact", rows, world.alice.email)
    assert not world.data.records
    ids = imports.import_records(world.uow, OPERATOR, "contact", rows[:1], world.alice.email)
    assert [world.data.records[RecordRef("contact", i)].owner_id for i in ids] == [world.alice.id]
    assert world.uow.opened == 2


def test_only_an_administrator_adds_users(world: World) -> None:
    with pytest.raises(PermissionDenied):
        users.add_user(world.uow, world.actor(world.alice), "new@ourco.example", "New")
    with pytest.raises(InvalidInput, match="Unknown role"):
        users.add_user(world.uow, OPERATOR, "new@ourco.example", "New", roles=["wizard"])
    added = users.add_user(world.uow, world.actor(world.admin), "New@OurCo.example", "New")
    assert (added.email, added.roles) == ("new@ourco.example", ["salesperson"])
    assert world.uow.opened == 2  # the refused roles opened one, the addition one


def test_settings_change_all_or_nothing(world: World) -> None:
    with pytest.raises(PermissionDenied):
        settings.change_org_settings(world.uow, world.actor(world.alice), {})
    bad = {"correlation.smart_matching": "on", "attachments.max_bytes": "lots"}
    with pytest.raises(InvalidInput):
        settings.change_org_settings(world.uow, OPERATOR, bad)
    assert world.data.org_settings == {}
    changed = settings.change_org_settings(world.uow, OPERATOR, {"correlation.smart_matching": "1"})
    assert changed["correlation.smart_matching"] == "on"


def test_personal_options_are_the_users_own_or_an_administrators_business(world: World) -> None:
    alice, bob = world.actor(world.alice), world.actor(world.bob)
    settings.change_personal_options(world.uow, alice, {"address_book": "readable"})
    assert settings.personal_options(world.uow, alice)["address_book"] == "readable"
    assert settings.personal_options(world.uow, bob)["address_book"] == "own"
    with pytest.raises(PermissionDenied):
        settings.personal_options(world.uow, bob, world.alice.email)
    assert settings.personal_options(world.uow, OPERATOR, world.alice.email) == (
        settings.personal_options(world.uow, alice)
    )


def test_bad_options_name_every_bad_field_and_change_nothing(world: World) -> None:
    alice = world.actor(world.alice)
    before = settings.personal_options(world.uow, alice)
    wanted = {"track_replies": "off", "time_zone": "Mars/Olympus", "track_keyword": "two words"}
    with pytest.raises(SettingsRejected) as raised:
        settings.change_personal_options(world.uow, alice, wanted)
    assert set(raised.value.problems) == {"time_zone", "track_keyword"}
    assert "Mars/Olympus" in raised.value.problems["time_zone"]
    assert settings.personal_options(world.uow, alice) == before  # not even track_replies
