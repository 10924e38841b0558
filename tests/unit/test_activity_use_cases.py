"""The activity use cases on the in-memory unit of work (tests/fakes.py): no database.

Each change is checked, and made, in one unit of work; an actor who may not read an activity or
record gets NotFound, one who may read but not change it PermissionDenied.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from correspondent.domain.access import ACTIVITY_TYPE, OPERATOR, Actor
from correspondent.domain.activity import ActivityStatus, ResolutionMethod
from correspondent.domain.errors import InvalidInput, NotFound, PermissionDenied
from correspondent.domain.records import USER_TYPE, Record, RecordRef
from correspondent.domain.users import User
from correspondent.services.access import actor_of
from correspondent.services.activities.queries import get_activity
from correspondent.services.activities.regarding import set_regarding
from correspondent.services.activities.track import MessageTracker, TrackRequest
from correspondent.services.activities.track_for_user import outcome_message
from correspondent.services.activities.untrack import untrack, untrack_message
from correspondent.services.ports import UnitOfWorkFactory
from tests.builders import address, make_message
from tests.fakes import FakeBlobStore, FakeData, FakeUnitOfWorkFactory

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def _user(data: FakeData, email: str, *roles: str, unit: int = 1) -> User:
    user = User(data.new_id(), email, email.split("@")[0], unit, list(roles), email_approved=True)
    data.users[user.id] = user
    return user


def _record(data: FakeData, type_name: str, owner: User, **fields: str) -> RecordRef:
    emails = [fields.pop("email")] if "email" in fields else []
    record = Record(
        data.new_id(), type_name, owner.id, owner.business_unit_id, True, NOW, NOW, fields, emails
    )
    data.records[record.ref] = record
    return record.ref


class World:
    def __init__(self) -> None:
        self.uow = FakeUnitOfWorkFactory()
        self.blobs = FakeBlobStore()
        self.tracker = MessageTracker(self.uow, self.blobs)
        self.alice = _user(self.uow.data, address("alice"), "salesperson")
        self.bob = _user(self.uow.data, address("bob"), "salesperson", unit=2)

    def actor(self, user: User) -> Actor:
        return actor_of(user, {})

    def activities_only(self, user: User) -> Actor:
        """``user`` with their activity privileges and none on records (no built-in role)."""
        full = self.actor(user)
        kept = {k: v for k, v in full.privileges.items() if k[0] == ACTIVITY_TYPE}
        return Actor(full.user_id, full.business_unit_id, kept, full.roles)

    def track(self, user: User, raw: bytes, regarding: RecordRef | None = None) -> int:
        return self.track_as(self.actor(user), user, raw, regarding)

    def track_as(
        self, actor: Actor, user: User, raw: bytes, regarding: RecordRef | None = None
    ) -> int:
        request = TrackRequest(raw, user.email, regarding, actor=actor)
        return self.tracker.track(request).activity_id


@pytest.fixture
def world() -> World:
    return World()


def test_track_creates_one_activity_and_a_second_user_adds_a_tracker(world: World) -> None:
    raw = make_message(sender=address("customer"), to=[world.alice.email, world.bob.email])
    first = world.tracker.track(TrackRequest(raw, world.alice.email))
    again = world.tracker.track(TrackRequest(raw, world.bob.email))
    assert first.created and not again.created
    assert again.activity_id == first.activity_id
    stored = world.uow.data.activities[first.activity_id]
    assert {t.user_id for t in stored.trackers} == {world.alice.id, world.bob.id}
    assert world.blobs.exists(stored.raw_blob_hash)
    assert world.uow.data.blob_refs[stored.raw_blob_hash] == 1


def test_track_resolves_parties_to_users_and_records(world: World) -> None:
    contact = address("carol")
    ref = _record(world.uow.data, "contact", world.alice, first_name="Carol", email=contact)
    raw = make_message(sender=world.alice.email, to=[contact, address("stranger")])
    activity_id = world.track(world.alice, raw)
    activity = world.uow.data.activities[activity_id]
    by_address = {p.address: p for p in activity.parties}
    assert by_address[world.alice.email].record == RecordRef(USER_TYPE, world.alice.id)
    assert by_address[contact].record == ref
    assert by_address[contact].method is ResolutionMethod.UNIQUE_MATCH
    unresolved = [p for a, p in by_address.items() if a not in (world.alice.email, contact)]
    assert [p.record for p in unresolved] == [None]


def test_track_refuses_a_regarding_record_the_actor_cannot_read(world: World) -> None:
    hidden = _record(world.uow.data, "account", world.bob, name="Bob's")
    raw = make_message(sender=world.alice.email)
    with pytest.raises(NotFound):
        world.track_as(world.activities_only(world.alice), world.alice, raw, regarding=hidden)
    assert world.uow.data.activities == {}
    activity_id = world.track(world.alice, raw, regarding=hidden)  # salespeople read accounts
    assert world.uow.data.activities[activity_id].regarding == hidden


def test_set_regarding_checks_and_changes_in_one_unit_of_work(world: World) -> None:
    activity_id = world.track(world.alice, make_message(sender=world.alice.email))
    account = _record(world.uow.data, "account", world.alice, name="Acme")
    opened = world.uow.opened
    set_regarding(world.uow, world.actor(world.alice), activity_id, account, world.alice.email)
    assert world.uow.opened == opened + 1
    assert world.uow.data.activities[activity_id].regarding == account


def test_set_regarding_refuses_what_the_actor_may_not_see(world: World) -> None:
    activity_id = world.track(world.alice, make_message(sender=world.alice.email))
    account = _record(world.uow.data, "account", world.bob, name="Bob's")
    with pytest.raises(NotFound):  # Bob cannot read Alice's activity
        set_regarding(world.uow, world.actor(world.bob), activity_id, account, world.bob.email)
    with pytest.raises(NotFound):  # this Alice cannot read Bob's account
        alice = world.activities_only(world.alice)
        set_regarding(world.uow, alice, activity_id, account, world.alice.email)
    assert world.uow.data.activities[activity_id].regarding is None


def test_set_regarding_without_write_privilege_is_permission_denied(world: World) -> None:
    activity_id = world.track(world.alice, make_message(sender=world.alice.email))
    full = world.actor(world.alice)
    reads_only = Actor(
        full.user_id,
        full.business_unit_id,
        {k: v for k, v in full.privileges.items() if k[1].value == "read"},
        full.roles,
    )
    with pytest.raises(PermissionDenied):
        set_regarding(world.uow, reads_only, activity_id, None, world.alice.email)


def test_untrack_keeps_the_activity_while_someone_tracks_it(world: World) -> None:
    raw = make_message(sender=address("customer"), to=[world.alice.email, world.bob.email])
    activity_id = world.track(world.alice, raw)
    world.tracker.track(TrackRequest(raw, world.bob.email))
    assert not untrack(world.uow, world.blobs, OPERATOR, activity_id, world.alice.email,
                       delete_activity=True)  # fmt: skip
    assert activity_id in world.uow.data.activities
    with pytest.raises(InvalidInput):
        untrack(world.uow, world.blobs, OPERATOR, activity_id, world.alice.email)
    digest = world.uow.data.activities[activity_id].raw_blob_hash
    assert untrack(world.uow, world.blobs, OPERATOR, activity_id, world.bob.email,
                   delete_activity=True)  # fmt: skip
    assert activity_id not in world.uow.data.activities
    assert not world.blobs.exists(digest)  # the last reference went, so did the file


def test_untrack_of_an_unreadable_activity_is_not_found(world: World) -> None:
    activity_id = world.track(world.alice, make_message(sender=world.alice.email))
    with pytest.raises(NotFound):
        untrack(world.uow, world.blobs, world.actor(world.bob), activity_id, world.bob.email)
    assert world.uow.data.activities[activity_id].trackers


def test_untrack_message_finds_the_activity_by_the_same_identity_key(world: World) -> None:
    raw = make_message(sender=address("customer"), to=[world.alice.email, world.bob.email])
    activity_id = world.track(world.alice, raw)
    world.tracker.track(TrackRequest(raw, world.bob.email))
    untrack_message(world.uow, world.blobs, world.bob, raw)
    trackers = world.uow.data.activities[activity_id].trackers
    assert [t.user_id for t in trackers] == [world.alice.id]
    with pytest.raises(NotFound):
        untrack_message(world.uow, world.blobs, world.bob, raw)


def test_a_failed_check_changes_nothing(world: World) -> None:
    factory: UnitOfWorkFactory = world.uow
    activity_id = world.track(world.alice, make_message(sender=world.alice.email))
    before = world.uow.data.activities[activity_id].trackers
    with pytest.raises(NotFound):
        set_regarding(factory, OPERATOR, activity_id, RecordRef("account", 999), world.alice.email)
    assert world.uow.data.activities[activity_id].trackers == before


def test_tracking_again_says_whether_a_tracker_was_added(world: World) -> None:
    raw = make_message(sender=address("customer"), to=[world.alice.email, world.bob.email])
    first = world.tracker.track(TrackRequest(raw, world.alice.email))
    again = world.tracker.track(TrackRequest(raw, world.alice.email))
    assert not again.created and not again.tracker_added and not again.regarding_changed
    assert outcome_message(again) == "Already tracked by you; nothing changed."
    assert len(world.uow.data.activities[first.activity_id].trackers) == 1
    by_bob = world.tracker.track(TrackRequest(raw, world.bob.email))
    assert by_bob.tracker_added
    assert outcome_message(by_bob) == "Already tracked; tracker added."
    account = _record(world.uow.data, "account", world.alice, name="Acme")
    relinked = world.tracker.track(TrackRequest(raw, world.alice.email, account))
    assert not relinked.tracker_added and relinked.regarding_changed
    assert outcome_message(relinked) == "Already tracked by you; regarding record set."


def test_an_activity_nobody_tracks_any_more_is_untracked_until_tracked_again(
    world: World,
) -> None:
    raw = make_message(sender=address("customer"), to=[world.alice.email])
    activity_id = world.track(world.alice, raw)
    assert world.uow.data.activities[activity_id].status is ActivityStatus.TRACKED
    untrack(world.uow, world.blobs, world.actor(world.alice), activity_id, world.alice.email)
    kept = world.uow.data.activities[activity_id]
    assert kept.trackers == [] and kept.status is ActivityStatus.UNTRACKED
    view = get_activity(world.uow, world.actor(world.alice), activity_id).as_json()
    assert view["status"] == "untracked" and view["trackers"] == []
    assert world.track(world.alice, raw) == activity_id
    assert world.uow.data.activities[activity_id].status is ActivityStatus.TRACKED


def test_a_party_that_is_a_user_shows_the_users_name(world: World) -> None:
    raw = make_message(sender=world.alice.email, to=[world.bob.email])
    activity_id = world.track(world.alice, raw)
    view = get_activity(world.uow, world.actor(world.alice), activity_id).as_json()
    names = {p["address"]: p["record"]["name"] for p in view["parties"]}
    assert names == {world.alice.email: world.alice.name, world.bob.email: world.bob.name}
    assert view["owner"] == world.alice.email  # owner and trackers stay addresses
