"""The mailbox use cases on the in-memory unit of work and a fake mail server (tests/fakes.py):
no database, no Dovecot.

Folder changes (track, stop tracking, link to a record), the owner-or-administrator rule
(another user's mailbox is NotFound, exactly like a missing one, and is never connected to),
the owner's-address rule when a mailbox is added, and removal.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from correspondent.domain.access import OPERATOR, Actor
from correspondent.domain.activity import TrackerSource
from correspondent.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from correspondent.domain.folder_messages import FailedMessage, Outcome
from correspondent.domain.mailbox import FolderRole, FolderSyncState, TlsChoice
from correspondent.domain.records import Record, RecordRef
from correspondent.domain.users import User
from correspondent.mail.imap_responses import FolderInfo
from correspondent.services.access import actor_of
from correspondent.services.activities.track import MessageTracker, TrackRequest
from correspondent.services.mailboxes.add import MailboxInput, add_mailbox
from correspondent.services.mailboxes.enable import disable_mailbox, run_mailbox_test
from correspondent.services.mailboxes.failures import retry_failed_message
from correspondent.services.mailboxes.folders import (
    server_folders,
    set_folder_regarding,
    track_folder,
    untrack_folder,
)
from correspondent.services.mailboxes.remove import remove_mailbox
from correspondent.services.mailboxes.status import list_mailboxes, mailbox_status
from tests.builders import address, make_message
from tests.fakes import (
    FakeBlobStore,
    FakeData,
    FakeMailServer,
    FakeSecrets,
    FakeUnitOfWorkFactory,
)

NOW = datetime(2026, 1, 5, tzinfo=UTC)
FOLDER = "Clients/Acme"


def _user(data: FakeData, email: str, *roles: str, unit: int = 1) -> User:
    user = User(data.new_id(), email, email.split("@")[0], unit, list(roles), email_approved=True)
    data.users[user.id] = user
    return user


class World:
    def __init__(self) -> None:
        self.uow = FakeUnitOfWorkFactory()
        self.server = FakeMailServer(FOLDER, "Sent", "Archive")
        data = self.uow.data
        self.alice = _user(data, address("alice", "ourco.example"), "salesperson")
        self.bob = _user(data, address("bob", "ourco.example"), "salesperson", unit=2)
        self.admin = _user(data, address("admin", "ourco.example"), "administrator")
        self.mailbox_id = self.add(self.alice).id or 0
        account = Record(
            data.new_id(), "account", self.bob.id, 2, True, NOW, NOW, {"name": "Acme"}, []
        )
        data.records[account.ref] = account
        self.account = account.ref

    def actor(self, user: User) -> Actor:
        return actor_of(user, {})

    def add(self, owner: User, **overrides: object) -> object:
        values: dict[str, object] = {
            "address": owner.email,
            "host": "imap.ourco.example",
            "port": 993,
            "tls": TlsChoice.IMPLICIT,
            "login": owner.email,
            "secret": "pw",
        }
        values.update(overrides)
        return add_mailbox(self.uow, FakeSecrets(), self.actor(owner), MailboxInput(**values))  # type: ignore[arg-type]

    def folder(self, name: str = FOLDER) -> object:
        with self.uow() as uow:
            found = [f for f in uow.mailboxes.folders(self.mailbox_id, active_only=False)]
        return next((f for f in found if f.name == name), None)

    def tracked_activity_in(self, name: str, uidvalidity: int = 7) -> int:
        """An activity the sync tracked from ``name`` (what a pass leaves behind)."""
        raw = make_message(sender=address("cust"), to=[self.alice.email])
        request = TrackRequest(raw, self.alice.email, source=TrackerSource.FOLDER)
        tracked = MessageTracker(self.uow, FakeBlobStore()).track(request).activity_id
        with self.uow() as uow:
            folder = next(f for f in uow.mailboxes.folders(self.mailbox_id) if f.name == name)
            assert folder.id is not None
            uow.mailboxes.reset_state(folder.id, uidvalidity)
            uow.mailboxes.messages.record(
                self.mailbox_id, folder.id, uidvalidity, 1,
                activity_id=tracked, message_id=None, outcome=Outcome.TRACKED, now=NOW,
            )  # fmt: skip
            uow.commit()
        return tracked


@pytest.fixture
def world() -> World:
    return World()


def test_track_folder_stores_it_tracked_and_linked_in_one_change(world: World) -> None:
    opened = world.uow.opened
    view = track_folder(
        world.uow, world.server, world.actor(world.alice), world.mailbox_id, FOLDER, world.account
    )
    assert (view.name, view.role, view.tracked, view.active) == (FOLDER, "other", True, True)
    assert view.regarding == f"account:{world.account.id}"
    # One unit to check before connecting, one to check again and make the change.
    assert world.uow.opened - opened == 2
    assert world.server.opened == [world.mailbox_id] and world.server.open_sessions == 0
    folder = world.folder()
    assert folder is not None and folder.tracked and folder.regarding == world.account
    assert folder.mailbox_guid == f"guid-{FOLDER}"
    listed = {
        f.name: f for f in server_folders(world.uow, world.server, OPERATOR, world.mailbox_id)
    }
    assert listed[FOLDER].tracked and listed[FOLDER].regarding == view.regarding
    assert not listed["Archive"].tracked and listed["Sent"].special_use == "\\Sent"


def test_track_folder_refuses_a_folder_the_server_does_not_have(world: World) -> None:
    world.server.folder_list.append(
        FolderInfo("Parent", "/", frozenset({"\\Noselect"}), None, None)
    )
    for name in ("No/Such", "Parent"):
        with pytest.raises(NotFound, match="has no folder"):
            track_folder(world.uow, world.server, OPERATOR, world.mailbox_id, name)
    assert world.folder("No/Such") is None and world.folder("Parent") is None


def test_tracking_a_folder_again_reads_it_from_the_start(world: World) -> None:
    track_folder(world.uow, world.server, OPERATOR, world.mailbox_id, FOLDER)
    world.tracked_activity_in(FOLDER)
    folder = world.folder()
    assert folder is not None and folder.id is not None
    # The sync had read up to UID 40 when the folder stopped being tracked.
    world.uow.data.mailbox_folders[folder.id].state = FolderSyncState(7, 40, None)
    untrack_folder(world.uow, OPERATOR, world.mailbox_id, FOLDER)
    track_folder(world.uow, world.server, OPERATOR, world.mailbox_id, FOLDER)
    folder = world.folder()
    assert folder is not None and folder.state == FolderSyncState(7, 0, None)


def test_stop_tracking_keeps_the_tracked_activities_and_tracks_no_new_ones(world: World) -> None:
    track_folder(world.uow, world.server, OPERATOR, world.mailbox_id, FOLDER, world.account)
    activity_id = world.tracked_activity_in(FOLDER)
    opened = world.uow.opened
    untrack_folder(world.uow, world.actor(world.alice), world.mailbox_id, FOLDER)
    assert world.uow.opened - opened == 1  # checked and changed in one unit of work
    folder = world.folder()
    assert folder is not None
    assert (folder.tracked, folder.regarding, folder.active) == (False, None, False)
    assert activity_id in world.uow.data.activities
    with pytest.raises(InvalidInput, match="is not tracked"):
        untrack_folder(world.uow, OPERATOR, world.mailbox_id, FOLDER)


def test_stop_tracking_the_inbox_keeps_it_watched(world: World) -> None:
    with world.uow() as uow:
        from correspondent.domain.mailbox import WatchedFolder

        uow.mailboxes.add_folder(
            WatchedFolder(None, world.mailbox_id, "INBOX", FolderRole.INBOX, tracked=True)
        )
        uow.commit()
    untrack_folder(world.uow, OPERATOR, world.mailbox_id, "INBOX")
    inbox = world.folder("INBOX")
    assert inbox is not None and not inbox.tracked and inbox.active


def test_set_a_folders_regarding_relinks_its_activities(world: World) -> None:
    track_folder(world.uow, world.server, OPERATOR, world.mailbox_id, FOLDER)
    activity_id = world.tracked_activity_in(FOLDER)
    opened = world.uow.opened
    count = set_folder_regarding(
        world.uow, world.actor(world.alice), world.mailbox_id, FOLDER, world.account
    )
    assert count == 1 and world.uow.opened - opened == 1
    assert world.uow.data.activities[activity_id].regarding == world.account
    folder = world.folder()
    assert folder is not None and folder.regarding == world.account
    # Already linked: nothing to re-link. Unlinking keeps the activities' regarding.
    assert set_folder_regarding(world.uow, OPERATOR, world.mailbox_id, FOLDER, world.account) == 0
    assert set_folder_regarding(world.uow, OPERATOR, world.mailbox_id, FOLDER, None) == 0
    assert world.uow.data.activities[activity_id].regarding == world.account
    with pytest.raises(InvalidInput, match="track it first"):
        set_folder_regarding(world.uow, OPERATOR, world.mailbox_id, "Archive", world.account)


def test_a_folder_is_linked_only_to_a_record_the_actor_can_read(world: World) -> None:
    track_folder(world.uow, world.server, OPERATOR, world.mailbox_id, FOLDER)
    no_records = Actor(world.alice.id, world.alice.business_unit_id, {}, frozenset())
    missing = RecordRef("account", 999_999)
    for ref in (world.account, missing):
        with pytest.raises(NotFound) as raised:
            set_folder_regarding(world.uow, no_records, world.mailbox_id, FOLDER, ref)
        assert str(raised.value) == f"There is no account with id {ref.id}."
        with pytest.raises(NotFound):
            track_folder(world.uow, world.server, no_records, world.mailbox_id, FOLDER, ref)
    folder = world.folder()
    assert folder is not None and folder.regarding is None


def test_another_users_mailbox_is_refused_like_a_missing_one(world: World) -> None:
    track_folder(world.uow, world.server, OPERATOR, world.mailbox_id, FOLDER)
    connected = list(world.server.opened)
    bob = world.actor(world.bob)
    calls = (
        lambda mid: track_folder(world.uow, world.server, bob, mid, "Archive"),
        lambda mid: untrack_folder(world.uow, bob, mid, FOLDER),
        lambda mid: set_folder_regarding(world.uow, bob, mid, FOLDER, world.account),
        lambda mid: server_folders(world.uow, world.server, bob, mid),
        lambda mid: run_mailbox_test(world.uow, world.server, bob, mid, enable=True),
        lambda mid: disable_mailbox(world.uow, bob, mid),
        lambda mid: remove_mailbox(world.uow, bob, mid),
        lambda mid: mailbox_status(world.uow, bob, mid),
    )
    for call in calls:
        with pytest.raises(NotFound) as hidden:
            call(world.mailbox_id)
        with pytest.raises(NotFound) as missing:
            call(999_999)
        assert str(hidden.value) == str(missing.value).replace("999999", str(world.mailbox_id))
    assert world.server.opened == connected  # Bob never made us sign in to Alice's mailbox
    assert list_mailboxes(world.uow, bob) == []
    folder = world.folder()
    assert folder is not None and folder.tracked  # nothing changed
    # An administrator manages anyone's mailbox.
    admin = world.actor(world.admin)
    untrack_folder(world.uow, admin, world.mailbox_id, FOLDER)
    assert [m.id for m in list_mailboxes(world.uow, admin)] == [world.mailbox_id]


def test_a_mailbox_is_added_only_for_the_user_whose_address_it_is(world: World) -> None:
    carol = _user(world.uow.data, address("carol", "ourco.example"), "salesperson")
    expected = (
        f"To track email, the mailbox address ({carol.email}) must be the same as your email "
        f"address in the CRM ({world.bob.email})."
    )
    for actor, user in ((world.actor(world.bob), None), (OPERATOR, world.bob.email)):
        item = MailboxInput(carol.email, "h", 993, TlsChoice.IMPLICIT, carol.email, "pw",
                            user_email=user)  # fmt: skip
        with pytest.raises(InvalidInput) as raised:
            add_mailbox(world.uow, FakeSecrets(), actor, item)
        assert str(raised.value) == expected
    assert [m.address for m in list_mailboxes(world.uow, OPERATOR)] == [world.alice.email]
    mailbox = world.add(carol)
    assert mailbox.user_id == carol.id  # type: ignore[attr-defined]
    with pytest.raises(PermissionDenied):
        world.add(world.bob, address=carol.email, login=carol.email)
    with pytest.raises(PermissionDenied, match="Only an administrator"):
        world.add(world.bob, user_email=carol.email)
    with pytest.raises(Conflict):
        add_mailbox(
            world.uow, FakeSecrets(), OPERATOR,
            MailboxInput(carol.email, "h", 993, TlsChoice.IMPLICIT, carol.email, "pw",
                         user_email=world.bob.email),
        )  # fmt: skip


def test_removing_a_mailbox_keeps_its_activities(world: World) -> None:
    track_folder(world.uow, world.server, OPERATOR, world.mailbox_id, FOLDER)
    activity_id = world.tracked_activity_in(FOLDER)
    removed = remove_mailbox(world.uow, world.actor(world.alice), world.mailbox_id)
    assert removed.address == world.alice.email
    data = world.uow.data
    assert world.mailbox_id not in data.mailboxes
    assert data.mailbox_folders == {} and data.mailbox_map == {} and data.mailbox_alerts == []
    assert activity_id in data.activities
    assert world.add(world.alice).id != world.mailbox_id  # type: ignore[attr-defined]


def test_server_folders_show_the_tree_and_the_backlog_of_watched_folders(world: World) -> None:
    track_folder(world.uow, world.server, OPERATOR, world.mailbox_id, FOLDER)
    folder = world.folder()
    assert folder is not None and folder.id is not None
    world.uow.data.mailbox_folders[folder.id].state = FolderSyncState(7, 40, None)
    world.server.statuses[FOLDER] = (7, 46, 30)  # UIDs 41-45 given out since the last look
    world.server.statuses["Archive"] = (3, 900, 500)
    listed = {
        f.name: f for f in server_folders(world.uow, world.server, OPERATOR, world.mailbox_id)
    }
    assert listed[FOLDER].backlog == 5 and listed[FOLDER].delimiter == "/"
    assert listed["Archive"].backlog is None  # not watched: the sync does not read it
    world.server.statuses[FOLDER] = (8, 3, 2)  # a new UIDVALIDITY: all of it is to be read
    listed = {
        f.name: f for f in server_folders(world.uow, world.server, OPERATOR, world.mailbox_id)
    }
    assert listed[FOLDER].backlog == 2


def test_retry_makes_one_failed_message_due_now_from_its_first_attempt(world: World) -> None:
    track_folder(world.uow, world.server, OPERATOR, world.mailbox_id, FOLDER)
    folder = world.folder()
    assert folder is not None and folder.id is not None
    with world.uow() as uow:
        for uid, attempts in ((11, 8), (12, 3)):
            failure = FailedMessage(
                folder.id, 7, uid, "folder", "owner deactivated", attempts, None
            )
            uow.mailboxes.messages.record_failure(world.mailbox_id, failure, NOW)
        uow.commit()
    retry_failed_message(world.uow, world.actor(world.alice), world.mailbox_id, FOLDER, 11)
    failed = {
        f.uid: f for f in mailbox_status(world.uow, OPERATOR, world.mailbox_id).failed_messages
    }
    assert failed[11].attempts == 0 and failed[11].next_retry_at is not None
    assert not failed[11].gave_up
    assert failed[12].attempts == 3 and failed[12].gave_up  # only the one asked for
    with pytest.raises(NotFound, match="not in the failed list"):
        retry_failed_message(world.uow, OPERATOR, world.mailbox_id, FOLDER, 99)
    with pytest.raises(NotFound, match="no watched folder"):
        retry_failed_message(world.uow, OPERATOR, world.mailbox_id, "Archive", 11)
    with pytest.raises(NotFound, match="no mailbox"):
        retry_failed_message(world.uow, world.actor(world.bob), world.mailbox_id, FOLDER, 12)
