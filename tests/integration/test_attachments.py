"""Attachments through tracking: policy, notifications, one blob per content (BEHAVIOUR §5)."""

from __future__ import annotations

import pytest

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.errors import InvalidInput
from correspondent.services.activities import attachments, queries
from correspondent.services.activities import untrack as untracking
from correspondent.services.admin import settings as configuration
from tests.builders import add_user, address, make_message
from tests.integration.test_tracking import track

PE_HEADER = b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 200


def _states(view: dict) -> dict[str, tuple[str, str | None]]:  # type: ignore[type-arg]
    return {a["filename"]: (a["status"], a["reason"]) for a in view["attachments"]}


def test_blocked_and_disguised_files_are_dropped_with_a_notification(
    installation: Installation,
) -> None:
    user = add_user(installation)
    raw = make_message(
        sender=address(),
        attachments=[
            ("report.pdf", "application/pdf", b"%PDF-1.7 fine"),
            ("run.EXE", "application/octet-stream", PE_HEADER),
            ("invoice.pdf.exe", "application/octet-stream", b"harmless bytes"),
            ("invoice.pdf", "application/pdf", PE_HEADER),
            ("photo\u202egpj.exe", "image/jpeg", b"\xff\xd8\xff\xe0 jpeg"),
        ],
    )
    view = track(installation, raw, user.email)
    states = _states(view)
    assert states["report.pdf"] == ("saved", None)
    assert states["run.EXE"][0] == "blocked"
    assert states["invoice.pdf.exe"][0] == "blocked"
    assert states["invoice.pdf"][0] == "blocked"  # executable content whatever the name
    assert sum(1 for s, _ in states.values() if s == "blocked") == 4
    assert len(view["notifications"]) == 4
    assert all("was not saved" in n for n in view["notifications"])
    # the e-mail itself is always saved
    assert view["subject"] == "Hello"


def test_oversized_attachment_and_the_limit_setting(installation: Installation) -> None:
    user = add_user(installation)
    big = b"a" * (5 * 1024 * 1024 + 1)
    view = track(
        installation,
        make_message(sender=address(), attachments=[("big.csv", "text/csv", big)]),
        user.email,
    )
    assert _states(view)["big.csv"][0] == "too_large"
    configuration.change_org_settings(
        installation.uow, OPERATOR, {"attachments.max_bytes": str(6 * 1024 * 1024)}
    )
    view = track(
        installation,
        make_message(sender=address(), attachments=[("big.csv", "text/csv", big)]),
        user.email,
    )
    assert _states(view)["big.csv"][0] == "saved"
    with pytest.raises(InvalidInput):
        configuration.change_org_settings(
            installation.uow, OPERATOR, {"attachments.max_bytes": str(129 * 1024 * 1024)}
        )


def test_blocked_list_is_editable(installation: Installation) -> None:
    user = add_user(installation)
    configuration.change_org_settings(
        installation.uow, OPERATOR, {"attachments.blocked_extensions": "csv zip"}
    )
    view = track(
        installation,
        make_message(
            sender=address(),
            attachments=[("data.csv", "text/csv", b"a,b"), ("tool.bat", "text/plain", b"echo")],
        ),
        user.email,
    )
    assert _states(view)["data.csv"][0] == "blocked"
    assert _states(view)["tool.bat"][0] == "saved"


def test_one_file_sent_to_many_is_stored_once_and_freed_when_unused(
    installation: Installation,
) -> None:
    user = add_user(installation)
    content = b"%PDF-1.4 shared price list" * 100
    first = track(
        installation,
        make_message(sender=address(), attachments=[("prices.pdf", "application/pdf", content)]),
        user.email,
    )
    second = track(
        installation,
        make_message(
            sender=address(), attachments=[("prices-copy.pdf", "application/pdf", content)]
        ),
        user.email,
    )
    # two raw messages + one shared attachment
    assert len(installation.blobs.all_digests()) == 3
    attachment_id = first["attachments"][0]["id"]
    attachments.remove_attachment(
        installation.uow, installation.blobs, OPERATOR, first["id"], attachment_id, user.email
    )
    assert len(installation.blobs.all_digests()) == 3  # still used by the second activity
    shown = queries.get_activity(installation.uow, OPERATOR, first["id"]).as_json()
    assert shown["attachments"][0]["status"] == "removed"
    assert any("was removed" in n for n in shown["notifications"])
    untracking.untrack(
        installation.uow,
        installation.blobs,
        OPERATOR,
        second["id"],
        user.email,
        delete_activity=True,
    )
    remaining = installation.blobs.all_digests()
    assert len(remaining) == 1  # only the first raw message is left
    with pytest.raises(InvalidInput):
        attachments.remove_attachment(
            installation.uow, installation.blobs, OPERATOR, first["id"], attachment_id, user.email
        )


def test_the_same_file_twice_in_one_message_holds_two_references(
    installation: Installation,
) -> None:
    user = add_user(installation)
    content = b"%PDF-1.4 twice"
    view = track(
        installation,
        make_message(
            sender=address(),
            attachments=[
                ("a.pdf", "application/pdf", content),
                ("b.pdf", "application/pdf", content),
            ],
        ),
        user.email,
    )
    first, second = (a["id"] for a in view["attachments"])
    attachments.remove_attachment(
        installation.uow, installation.blobs, OPERATOR, view["id"], first, user.email
    )
    assert len(installation.blobs.all_digests()) == 2  # raw message + the file, still used
    attachments.remove_attachment(
        installation.uow, installation.blobs, OPERATOR, view["id"], second, user.email
    )
    assert len(installation.blobs.all_digests()) == 1


def test_orphaned_blob_files_are_swept_once_old(installation: Installation) -> None:
    import os
    import time

    from correspondent.services.blob_collection import sweep_orphan_files

    user = add_user(installation)
    track(installation, make_message(sender=address()), user.email)
    kept = set(installation.blobs.all_digests())
    orphan = "ab" * 32  # as a rolled-back transaction leaves it: a file with no row
    installation.blobs.put(orphan, b"left behind")
    assert sweep_orphan_files(installation.uow, installation.blobs, 3600) == 0  # too young
    old = time.time() - 7200
    os.utime(installation.blobs.path_for(orphan), (old, old))
    for digest in kept:
        os.utime(installation.blobs.path_for(digest), (old, old))
    assert sweep_orphan_files(installation.uow, installation.blobs, 3600) == 1
    assert set(installation.blobs.all_digests()) == kept
    with installation.uow() as uow:
        assert uow.blob_refs.known([orphan]) == set()  # the claim row went with the file


def test_a_blob_that_cannot_be_deleted_yet_does_not_undo_the_change(
    installation: Installation, caplog: pytest.LogCaptureFixture
) -> None:
    """The removal is committed before its files are deleted: a failure there is logged, and
    ``collect_blobs`` (run by ``correspondent db sweep-blobs``) deletes the file later."""
    from correspondent.services.blob_collection import collect_blobs

    user = add_user(installation)
    content = b"%PDF-1.4 stubborn" * 50
    view = track(
        installation,
        make_message(sender=address(), attachments=[("s.pdf", "application/pdf", content)]),
        user.email,
    )
    with installation.uow() as uow:
        activity = uow.activities.get(view["id"])
        assert activity is not None
        digest = activity.attachments[0].blob_hash
    assert digest is not None
    path = installation.blobs.path_for(digest)
    path.unlink()
    (path / "in-the-way").mkdir(parents=True)  # unlink() now fails: EISDIR, a real OSError
    with caplog.at_level("WARNING"):
        attachments.remove_attachment(
            installation.uow,
            installation.blobs,
            OPERATOR,
            view["id"],
            view["attachments"][0]["id"],
            user.email,
        )
    assert "stay listed for the next sweep" in caplog.text
    shown = queries.get_activity(installation.uow, OPERATOR, view["id"]).as_json()
    assert shown["attachments"][0]["status"] == "removed"
    with installation.uow() as uow:
        assert digest in uow.blob_refs.unused()

    (path / "in-the-way").rmdir()
    path.rmdir()
    path.write_bytes(content)
    assert collect_blobs(installation.uow, installation.blobs) == 1
    assert not path.exists()
    with installation.uow() as uow:
        assert digest not in uow.blob_refs.unused()


def test_one_blob_file_that_cannot_be_deleted_does_not_hold_up_the_others(
    installation: Installation,
) -> None:
    from correspondent.services.blob_collection import collect_blobs

    stuck, free = "a" * 64, "b" * 64  # sorted: the stuck one comes first
    with installation.uow() as uow:
        uow.blob_refs.acquire({stuck: (5, 1), free: (4, 1)})
        uow.blob_refs.release(stuck)
        uow.blob_refs.release(free)
        uow.commit()
    installation.blobs.put(free, b"free")
    (installation.blobs.path_for(stuck) / "in-the-way").mkdir(parents=True)
    assert collect_blobs(installation.uow, installation.blobs) == 1
    assert not installation.blobs.path_for(free).exists()
    with installation.uow() as uow:
        assert uow.blob_refs.unused() == [stuck]
