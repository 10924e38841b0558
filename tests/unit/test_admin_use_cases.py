"""The administration use cases the web pages added, on the in-memory unit of work: the
quarantine's Retry and original, a user's business unit, settings refused per field, roles."""

from __future__ import annotations

import pytest

from correspondent.domain.access import Actor
from correspondent.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from correspondent.domain.settings import SettingsRejected
from correspondent.domain.users import User
from correspondent.services.access import actor_of
from correspondent.services.activities.quarantine import quarantine_message
from correspondent.services.admin import quarantine, roles, settings, users
from tests.builders import address, make_message
from tests.fakes import FakeBlobStore, FakeUnitOfWorkFactory


class World:
    def __init__(self) -> None:
        self.uow = FakeUnitOfWorkFactory()
        self.blobs = FakeBlobStore()
        self.alice = self._user(address("alice", "ourco.example"), "salesperson")
        self.admin = self._user(address("ada", "ourco.example"), "administrator")

    def _user(self, email: str, *roles: str) -> User:
        user = User(self.uow.data.new_id(), email, email.split("@")[0], 1, list(roles), True, True)
        self.uow.data.users[user.id] = user
        return user

    def actor(self, user: User) -> Actor:
        return actor_of(user, {})

    def keep(self, raw: bytes, user: User | None, reason: str = "refused before") -> int:
        return quarantine_message(
            self.uow, self.blobs, raw, reason=reason, user_email=user.email if user else None,
            origin="test",
        )  # fmt: skip


@pytest.fixture
def world() -> World:
    return World()


def test_retry_tracks_the_message_for_its_user_and_empties_the_item(world: World) -> None:
    raw = make_message(sender=world.alice.email, subject="Kept")
    item = world.keep(raw, world.alice)
    admin = world.actor(world.admin)
    with pytest.raises(PermissionDenied):
        quarantine.retry_quarantined(world.uow, world.blobs, world.actor(world.alice), item)
    assert quarantine.quarantined_original(world.uow, world.blobs, admin, item).data == raw
    outcome = quarantine.retry_quarantined(world.uow, world.blobs, admin, item)
    assert outcome.tracked and outcome.reason is None
    activity = world.uow.data.activities[outcome.activity_id]  # type: ignore[index]
    assert activity.subject == "Kept"
    assert [t.user_id for t in activity.trackers] == [world.alice.id]
    assert quarantine.list_quarantine(world.uow, admin) == []
    with pytest.raises(NotFound):
        quarantine.retry_quarantined(world.uow, world.blobs, admin, item)
    # The activity holds the raw message; the quarantine's reference is given back.
    assert world.uow.data.blob_refs[activity.raw_blob_hash] == 1


def test_a_message_refused_again_stays_with_the_new_reason_and_no_copy(world: World) -> None:
    item = world.keep(b"not mail", world.alice, reason="old reason")
    admin = world.actor(world.admin)
    outcome = quarantine.retry_quarantined(world.uow, world.blobs, admin, item)
    assert not outcome.tracked
    assert outcome.reason == "not an email message: no RFC 5322 or MIME header fields"
    [kept] = quarantine.list_quarantine(world.uow, admin)
    assert (kept.id, kept.reason) == (item, outcome.reason)


def test_a_message_kept_for_nobody_cannot_be_retried(world: World) -> None:
    item = world.keep(make_message(sender="x@example.org"), None)
    with pytest.raises(InvalidInput, match="no user"):
        quarantine.retry_quarantined(world.uow, world.blobs, world.actor(world.admin), item)
    assert len(quarantine.list_quarantine(world.uow, world.actor(world.admin))) == 1


def test_a_user_moves_to_a_business_unit_by_name(world: World) -> None:
    admin = world.actor(world.admin)
    changed = users.update_user(
        world.uow, admin, world.alice.id, users.UserChanges(business_unit="Osaka")
    )
    units = {u.id: u.name for u in users.list_business_units(world.uow, admin)}
    assert units[changed.business_unit_id] == "Osaka"
    with pytest.raises(users.UserRejected) as refused:
        users.update_user(world.uow, admin, world.alice.id, users.UserChanges(business_unit=" "))
    assert refused.value.field == "business_unit"
    with pytest.raises(users.UserRejected) as bad_roles:
        users.update_user(world.uow, admin, world.alice.id, users.UserChanges(roles=["wizard"]))
    assert bad_roles.value.field == "roles"
    with pytest.raises(PermissionDenied):
        users.list_business_units(world.uow, world.actor(world.alice))


def test_adding_a_user_names_the_refused_field(world: World) -> None:
    admin = world.actor(world.admin)
    for email, name, password, field in (
        ("not an address", "N", None, "email"),
        (address("n", "ourco.example"), " ", None, "name"),
        (address("n", "ourco.example"), "N", "short", "password"),
    ):
        with pytest.raises(users.UserRejected) as refused:
            users.add_user(world.uow, admin, email, name, password=password)
        assert refused.value.field == field
    with pytest.raises(Conflict):
        users.add_user(world.uow, admin, world.alice.email, "Twin")


def test_settings_name_every_refused_value_and_store_none(world: World) -> None:
    admin = world.actor(world.admin)
    bad = {
        "correlation.token_prefix": "has space",
        "attachments.max_bytes": "0",
        "correlation.smart_matching": "on",
    }
    with pytest.raises(SettingsRejected) as refused:
        settings.change_org_settings(world.uow, admin, bad)
    assert set(refused.value.problems) == {"correlation.token_prefix", "attachments.max_bytes"}
    assert "outside 1..134217728" in refused.value.problems["attachments.max_bytes"]
    assert world.uow.data.org_settings == {}


def test_a_new_role_grants_nothing_and_never_replaces_one(world: World) -> None:
    admin = world.actor(world.admin)
    created = roles.create_role(world.uow, admin, "support_agent", "Cases")
    assert not created.built_in
    assert {d for grants in created.privileges.values() for d in grants.values()} == {"none"}
    for taken in ("support_agent", "salesperson"):
        with pytest.raises(Conflict):
            roles.create_role(world.uow, admin, taken)
    with pytest.raises(InvalidInput, match="role name"):
        roles.create_role(world.uow, admin, "has space")
    with pytest.raises(InvalidInput, match="role name"):
        roles.save_role(world.uow, admin, "bad/name", "", {})
