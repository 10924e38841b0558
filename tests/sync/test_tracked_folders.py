"""BEHAVIOUR §7: every row of the tracked-folder table, against Dovecot."""

from __future__ import annotations

import pytest

from correspondent.domain.access import OPERATOR
from correspondent.domain.activity import TrackerSource
from correspondent.services.activities.regarding import set_regarding
from correspondent.services.mailboxes import folders as tracked_folders
from correspondent.services.mailboxes.status import mailbox_status
from tests.builders import unique
from tests.sync.harness import SyncEnv

pytestmark = pytest.mark.dovecot


def test_messages_in_a_tracked_folder_and_moved_into_it_are_tracked(env: SyncEnv) -> None:
    folder = f"Clients/{unique('Acme')}/Deals"  # any depth
    env.create(folder)
    before = env.append(folder)
    env.track_folder(folder)
    env.sync()
    activity = env.activity(before)
    assert activity is not None
    assert [t.source for t in env.trackers(activity)] == [TrackerSource.FOLDER]
    assert "$Tracked" in env.keywords(folder, before)

    moved = env.append("INBOX")
    env.sync()
    assert env.activity(moved) is None  # default option: only replies are auto-tracked
    env.move(moved, "INBOX", folder)
    env.sync()
    assert env.activity(moved) is not None
    assert "$Tracked" in env.keywords(folder, moved)


def test_a_message_moved_or_copied_between_tracked_folders_stays_one_activity(
    env: SyncEnv,
) -> None:
    first, second = unique("A"), unique("B")
    env.create(first)
    env.create(second)
    env.track_folder(first)
    env.track_folder(second)
    message_id = env.append(first)
    env.sync()
    activity = env.activity(message_id)
    env.move(message_id, first, second)
    env.copy(message_id, second, "INBOX")
    env.move(message_id, second, first)
    env.sync()
    env.sync()
    assert env.activity(message_id) == activity
    assert env.activity_count(message_id) == 1
    assert "$Tracked" in env.keywords("INBOX", message_id)  # the copy carries the keyword


def test_regarding_of_a_linked_folder(env: SyncEnv) -> None:
    acme, other = env.record(), env.record()
    linked, plain = unique("Linked"), unique("Plain")
    env.create(linked)
    env.create(plain)
    env.track_folder(linked, regarding=acme)
    env.track_folder(plain)
    kept = env.append(plain)
    env.sync()
    kept_activity = env.activity(kept)
    assert kept_activity is not None and env.regarding(kept_activity) is None
    set_regarding(env.installation.uow, OPERATOR, kept_activity, other, env.user.email)

    # Move a message into a folder with a regarding record: it is re-linked.
    env.move(kept, plain, linked)
    env.sync()
    assert env.regarding(kept_activity) == acme

    # Change the regarding by hand inside the linked folder: the folder's record wins.
    set_regarding(env.installation.uow, OPERATOR, kept_activity, other, env.user.email)
    env.sync()
    assert env.regarding(kept_activity) == acme

    # Move it into a folder without regarding: it keeps its regarding.
    env.move(kept, linked, plain)
    env.sync()
    assert env.regarding(kept_activity) == acme

    # Change the folder's regarding record: all its messages are re-linked.
    in_linked = [env.append(linked) for _ in range(3)]
    env.sync()
    relinked = tracked_folders.set_folder_regarding(
        env.installation.uow, OPERATOR, env.mailbox_id, linked, other
    )
    assert relinked == 3
    for message_id in in_linked:
        activity = env.activity(message_id)
        assert activity is not None and env.regarding(activity) == other


def test_stop_tracking_a_folder_keeps_tracked_messages_and_tracks_no_new_ones(
    env: SyncEnv,
) -> None:
    folder = unique("Stop")
    env.create(folder)
    env.track_folder(folder)
    old = env.append(folder)
    env.sync()
    tracked_folders.untrack_folder(env.installation.uow, OPERATOR, env.mailbox_id, folder)
    new = env.append(folder)
    env.sync()
    old_activity = env.activity(old)
    assert old_activity is not None and env.trackers(old_activity)
    assert env.activity(new) is None


def test_renamed_folder_is_still_tracked(env: SyncEnv) -> None:
    folder, renamed = unique("Old"), unique("New")
    env.create(folder)
    env.track_folder(folder)
    first = env.append(folder)
    env.sync()
    env.client.rename_folder(folder, f"Archive/{renamed}")
    second = env.append(f"Archive/{renamed}")
    env.sync()
    assert env.activity(first) is not None
    assert env.activity(second) is not None
    view = mailbox_status(env.installation.uow, OPERATOR, env.mailbox_id)
    names = {f.name for f in view.folders if f.tracked}
    assert names == {f"Archive/{renamed}"}


def test_deleted_folder_keeps_its_activities(env: SyncEnv) -> None:
    folder = unique("Gone")
    env.create(folder)
    env.track_folder(folder)
    message_id = env.append(folder)
    env.sync()
    env.client.delete_folder(folder)
    env.sync()
    activity = env.activity(message_id)
    assert activity is not None and env.trackers(activity)
    view = mailbox_status(env.installation.uow, OPERATOR, env.mailbox_id)
    [row] = [f for f in view.folders if f.name == folder]
    assert not row.active
    assert any("deleted" in a.text for a in view.alerts)


def test_subfolders_are_not_tracked_unless_chosen(env: SyncEnv) -> None:
    parent = unique("Parent")
    child = f"{parent}/Child"
    env.create(parent)
    env.create(child)
    env.track_folder(parent)
    in_child = env.append(child)
    env.sync()
    assert env.activity(in_child) is None
    env.track_folder(child)
    env.sync()
    assert env.activity(in_child) is not None


def test_recreated_folder_uidvalidity_change_causes_no_duplicates(env: SyncEnv) -> None:
    folder = unique("Again")
    env.create(folder)
    env.track_folder(folder)
    ids = [env.append(folder) for _ in range(3)]
    env.sync()
    activities = [env.activity(m) for m in ids]
    # Recreate the folder with the same messages (new UIDVALIDITY, same UIDs).
    raws = []
    env.client.select_folder(folder)
    for data in env.client.fetch(env.client.search(), ["BODY.PEEK[]"]).values():
        raws.append(data[b"BODY[]"])
    env.client.close_folder()
    env.client.delete_folder(folder)
    env.create(folder)
    for raw in raws:
        env.client.append(folder, raw)
    extra = env.append(folder)
    env.sync()
    assert [env.activity(m) for m in ids] == activities
    assert all(env.activity_count(m) == 1 for m in ids)
    assert env.activity(extra) is not None
    assert "$Tracked" in env.keywords(folder, ids[0])
