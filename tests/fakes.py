"""An in-memory unit of work: the services' ports without a database, for tests/unit.

It keeps what the activity and mailbox use cases read and write (users, records, settings,
activities, blob references, the quarantine, ownership and shares; mailboxes with their watched
folders, alerts and UID map) in plain dictionaries. ``commit`` makes a unit's changes visible to
the next unit; leaving a unit without committing throws them away, like the real one. The
listing and sign-in repositories, and the sync's leases and positions, are not faked: a use case
that reaches them fails with ``AttributeError`` naming the missing port, so a unit test never
passes by not looking. ``FakeMailServer`` stands in for the IMAP server whose folders the
mailbox use cases list.
"""

from __future__ import annotations

import copy
import dataclasses
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, cast

from correspondent.domain.access import ACTIVITY_TYPE, RecordFacts, Role, Scope, ShareAccess
from correspondent.domain.activity import (
    ActivityDetails,
    ActivityStatus,
    ActivitySummary,
    AttachmentState,
    EmailActivity,
    Party,
    ResolutionMethod,
    Tracker,
)
from correspondent.domain.errors import DuplicateActivity
from correspondent.domain.folder_messages import FailedMessage, MappedMessage, Outcome
from correspondent.domain.mailbox import Alert, AlertLevel, FolderSyncState, Mailbox, WatchedFolder
from correspondent.domain.quarantine import QuarantinedMessage
from correspondent.domain.records import (
    USER_FROM_PRECEDENCE,
    USER_TYPE,
    Record,
    RecordRef,
    record_kind,
)
from correspondent.domain.resolution import Candidate
from correspondent.domain.users import BusinessUnit, User
from correspondent.mail.imap_responses import FolderInfo, FolderStatus
from correspondent.services.ports import (
    AuthRepository,
    ListingRepository,
    MailServerSession,
    UnitOfWork,
)


@dataclass
class FakeData:
    """Everything committed so far."""

    users: dict[int, User] = field(default_factory=dict)
    records: dict[RecordRef, Record] = field(default_factory=dict)
    org_settings: dict[str, str] = field(default_factory=dict)
    personal: dict[int, dict[str, str]] = field(default_factory=dict)
    activities: dict[int, EmailActivity] = field(default_factory=dict)
    blob_refs: Counter[str] = field(default_factory=Counter)
    quarantine: list[QuarantinedMessage] = field(default_factory=list)
    roles: dict[str, Role] = field(default_factory=dict)
    """Roles an administrator saved (the built-in ones are not stored)."""
    shares: dict[tuple[RecordRef, int], ShareAccess] = field(default_factory=dict)
    business_units: dict[int, BusinessUnit] = field(default_factory=dict)
    mailboxes: dict[int, Mailbox] = field(default_factory=dict)
    mailbox_folders: dict[int, WatchedFolder] = field(default_factory=dict)
    mailbox_alerts: list[tuple[int, Alert]] = field(default_factory=list)
    mailbox_map: dict[tuple[int, int, int, int], MappedMessage] = field(default_factory=dict)
    """(mailbox, folder, uidvalidity, uid) → what became of the UID."""
    mailbox_failures: list[tuple[int, FailedMessage]] = field(default_factory=list)
    """(mailbox, failure) in the order recorded."""
    next_id: int = 1

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id


class FakeDirectory:
    def __init__(self, data: FakeData) -> None:
        self.data = data

    def business_unit_by_name(self, name: str) -> BusinessUnit | None:
        return next((b for b in self.data.business_units.values() if b.name == name), None)

    def add_business_unit(self, name: str, parent_id: int | None) -> BusinessUnit:
        unit = BusinessUnit(self.data.new_id(), name, parent_id)
        self.data.business_units[unit.id] = unit
        return unit

    def business_units(self) -> list[BusinessUnit]:
        return sorted(self.data.business_units.values(), key=lambda b: b.id)

    def add_user(self, user: User, password_hash: str | None = None) -> User:
        added = dataclasses.replace(user, id=self.data.new_id())
        self.data.users[added.id] = added
        return added

    def user(self, user_id: int) -> User | None:
        return self.data.users.get(user_id)

    def user_by_email(self, email: str) -> User | None:
        return next((u for u in self.data.users.values() if u.email == email), None)

    def list_users(self) -> list[User]:
        return list(self.data.users.values())

    def update_user(self, user: User) -> None:
        self.data.users[user.id] = user

    def user_names(self, ids: Iterable[int]) -> dict[int, str]:
        return {i: self.data.users[i].email for i in ids if i in self.data.users}

    def add_record(self, record: Record) -> Record:
        record_kind(record.type)
        added = dataclasses.replace(record, id=self.data.new_id())
        self.data.records[added.ref] = added
        return added

    def add_records_bulk(self, items: Sequence[Record]) -> None:
        for item in items:
            item.id = self.add_record(item).id  # as the real one: ids are filled in

    def record(self, ref: RecordRef) -> Record | None:
        return self.data.records.get(ref)

    def records_by_ids(self, type_name: str, ids: Sequence[int]) -> list[Record]:
        refs = [RecordRef(type_name, i) for i in ids]
        return [self.data.records[r] for r in refs if r in self.data.records]

    def list_records(self, type_name: str, *, limit: int = 1000) -> list[Record]:
        return [r for r in self.data.records.values() if r.type == type_name][:limit]

    def update_record(self, record: Record) -> None:
        self.data.records[record.ref] = record

    def names(self, refs: Iterable[RecordRef]) -> dict[RecordRef, str]:
        found: dict[RecordRef, str] = {}
        for ref in refs:
            if ref.type == USER_TYPE and ref.id in self.data.users:
                found[ref] = self.data.users[ref.id].name
            elif ref in self.data.records:
                found[ref] = self.data.records[ref].name
        return found

    def candidates(self, addresses: Iterable[str]) -> dict[str, list[Candidate]]:
        found: dict[str, list[Candidate]] = {}
        for address in addresses:
            hits = [
                Candidate(RecordRef(USER_TYPE, u.id), None, u.active, USER_FROM_PRECEDENCE)
                for u in self.data.users.values()
                if u.email == address
            ] + [
                Candidate(r.ref, r.owner_id, r.active, r.kind.from_precedence)
                for r in self.data.records.values()
                if address in r.emails
            ]
            if hits:
                found[address] = hits
        return found


class FakeSettings:
    def __init__(self, data: FakeData) -> None:
        self.data = data

    def org(self) -> dict[str, str]:
        return dict(self.data.org_settings)

    def set_org(self, key: str, value: str) -> None:
        self.data.org_settings[key] = value

    def personal(self, user_id: int) -> dict[str, str]:
        return dict(self.data.personal.get(user_id, {}))

    def set_personal(self, user_id: int, key: str, value: str) -> None:
        self.data.personal.setdefault(user_id, {})[key] = value


class FakeActivities:
    defer_children = False

    def __init__(self, data: FakeData) -> None:
        self.data = data

    def flush(self) -> None:
        """Children are stored with their activity at once."""

    def id_for_identity(self, key: str) -> int | None:
        return next((i for i, a in self.data.activities.items() if a.identity_key == key), None)

    def lock(self, activity_id: int, *, exclusive: bool) -> bool:
        return activity_id in self.data.activities

    def ids_for_identities(self, keys: Sequence[str]) -> dict[str, int]:
        return {k: i for k in keys if (i := self.id_for_identity(k)) is not None}

    def add(self, activity: EmailActivity) -> int:
        if self.id_for_identity(activity.identity_key) is not None:
            raise DuplicateActivity(activity.identity_key)
        new_id = self.data.new_id()
        activity.id = new_id
        activity.attachments = [
            dataclasses.replace(a, id=new_id * 1000 + number)
            for number, a in enumerate(activity.attachments)
        ]
        self.data.activities[new_id] = copy.deepcopy(activity)
        return new_id

    def add_tracker(self, activity_id: int, tracker: Tracker) -> bool:
        trackers = self.data.activities[activity_id].trackers
        if any((t.user_id, t.source) == (tracker.user_id, tracker.source) for t in trackers):
            return False
        trackers.append(tracker)
        return True

    def remove_trackers(self, activity_id: int, user_id: int) -> int:
        activity = self.data.activities[activity_id]
        kept = [t for t in activity.trackers if t.user_id != user_id]
        removed = len(activity.trackers) - len(kept)
        activity.trackers = kept
        return removed

    def set_status(self, activity_id: int, status: ActivityStatus) -> None:
        self.data.activities[activity_id].status = status

    def add_notification(self, activity_id: int, text: str) -> None:
        self.data.activities[activity_id].notifications.append(text)

    def set_regarding(self, activity_id: int, regarding: RecordRef | None) -> None:
        self.data.activities[activity_id].regarding = regarding

    def details(self, activity_ids: Sequence[int]) -> dict[int, ActivityDetails]:
        found = {}
        for i in activity_ids:
            a = self.data.activities[i]
            people = list(dict.fromkeys((p.role, p.address, p.display_name) for p in a.parties))
            kept = [f for f in a.attachments if f.status is AttachmentState.SAVED and not f.inline]
            found[i] = ActivityDetails(tuple(people), len(kept))
        return found

    def replies(self, activity_id: int, limit: int) -> list[ActivitySummary]:
        return [
            ActivitySummary(
                i,
                a.subject,
                a.direction.value,
                a.sent_at,
                a.status.value,
                a.owner_id,
                a.regarding,
                a.raw_size,
            )
            for i, a in sorted(self.data.activities.items())
            if a.correlation is not None and a.correlation.parent_id == activity_id
        ][:limit]

    def replace_unresolved_parties(
        self, activity_id: int, address: str, parties: Sequence[Party]
    ) -> None:
        activity = self.data.activities[activity_id]
        kept = [
            p
            for p in activity.parties
            if p.address != address or p.method is not ResolutionMethod.NO_MATCH
        ]
        activity.parties = kept + list(parties)

    def mark_attachment_removed(self, attachment_id: int, reason: str) -> bool:
        raise NotImplementedError("attachments are not faked")

    def delete(self, activity_id: int) -> None:
        del self.data.activities[activity_id]

    def get(self, activity_id: int) -> EmailActivity | None:
        found = self.data.activities.get(activity_id)
        return copy.deepcopy(found)

    def list_ids(
        self,
        *,
        regarding: RecordRef | None = None,
        party: RecordRef | None = None,
        owner_id: int | None = None,
        limit: int = 200,
    ) -> list[int]:
        raise NotImplementedError("listing is not faked")

    def trackers_of(self, activity_id: int) -> list[Tracker]:
        return list(self.data.activities[activity_id].trackers)

    def by_message_ids(self, message_ids: Sequence[str]) -> dict[str, tuple[int, RecordRef | None]]:
        found: dict[str, tuple[int, RecordRef | None]] = {}
        for activity_id, activity in sorted(self.data.activities.items()):
            key = activity.message_id
            if key is not None and key in message_ids and key not in found:
                found[key] = (activity_id, activity.regarding)
        return found

    def regarding_of(self, activity_id: int) -> tuple[bool, RecordRef | None]:
        activity = self.data.activities.get(activity_id)
        return (activity is not None, activity.regarding if activity else None)

    def smart_match_candidates(
        self, normalised_subject: str, since: datetime, until: datetime
    ) -> list[tuple[int, RecordRef | None, set[str]]]:
        return [
            (i, a.regarding, a.participant_addresses())
            for i, a in self.data.activities.items()
            if a.normalised_subject == normalised_subject
            and a.sent_at is not None
            and since <= a.sent_at <= until
        ]


class FakeBlobReferences:
    def __init__(self, data: FakeData) -> None:
        self.data = data

    def acquire(self, references: dict[str, tuple[int, int]]) -> None:
        for digest, (_size, count) in references.items():
            self.data.blob_refs[digest] += count

    def release(self, digest: str) -> None:
        self.data.blob_refs[digest] -= 1

    def lock_if_unused(self, digest: str) -> int | None:
        if digest in self.data.blob_refs and self.data.blob_refs[digest] <= 0:
            del self.data.blob_refs[digest]
            return 0
        return None

    def keep_unused(self, digest: str, size: int) -> None:
        self.data.blob_refs[digest] = 0

    def claim_orphan(self, digest: str) -> bool:
        return False

    def unused(self, limit: int = 1000) -> list[str]:
        return [d for d, n in self.data.blob_refs.items() if n <= 0][:limit]

    def known(self, digests: Iterable[str]) -> set[str]:
        return {d for d in digests if d in self.data.blob_refs}


class FakeQuarantine:
    def __init__(self, data: FakeData) -> None:
        self.data = data

    def add(self, item: QuarantinedMessage) -> int:
        stored = dataclasses.replace(item, id=self.data.new_id())
        self.data.quarantine.append(stored)
        return stored.id

    def list(self, limit: int = 1000) -> list[QuarantinedMessage]:
        return self.data.quarantine[::-1][:limit]

    def get(self, item_id: int) -> QuarantinedMessage | None:
        return next((q for q in self.data.quarantine if q.id == item_id), None)

    def set_reason(self, item_id: int, reason: str) -> None:
        self.data.quarantine = [
            dataclasses.replace(q, reason=reason) if q.id == item_id else q
            for q in self.data.quarantine
        ]

    def remove(self, item_id: int) -> QuarantinedMessage | None:
        found = self.get(item_id)
        self.data.quarantine = [q for q in self.data.quarantine if q.id != item_id]
        return found


class FakeAccess:
    """Ownership comes from the records and activities themselves; roles are the built-in ones
    and those saved."""

    def __init__(self, data: FakeData) -> None:
        self.data = data

    def _owner(self, ref: RecordRef) -> tuple[int, int] | None:
        if ref.type == ACTIVITY_TYPE:
            activity = self.data.activities.get(ref.id)
            if activity is None:
                return None
            owner = self.data.users[activity.owner_id]
            return owner.id, owner.business_unit_id
        record = self.data.records.get(ref)
        return (record.owner_id, record.business_unit_id) if record else None

    def stored_roles(self) -> dict[str, Role]:
        return dict(self.data.roles)

    def save_role(self, role: Role) -> None:
        self.data.roles[role.name] = role

    def facts(self, ref: RecordRef, user_id: int) -> RecordFacts | None:
        owner = self._owner(ref)
        if owner is None:
            return None
        return RecordFacts(owner[0], owner[1], self.data.shares.get((ref, user_id)))

    def readable(self, refs: Iterable[RecordRef], scopes: dict[str, Scope]) -> set[RecordRef]:
        return {r for r in refs if r.type in scopes and self._in_scope(r, scopes[r.type])}

    def _in_scope(self, ref: RecordRef, scope: Scope) -> bool:
        owner = self._owner(ref)
        if owner is None:
            return False
        return (
            scope.everything
            or owner[0] == scope.owner_id
            or owner[1] in scope.business_unit_ids
            or (scope.shares and (ref, scope.user_id) in self.data.shares)
        )

    def readable_names(
        self, refs: Iterable[RecordRef], scopes: dict[str, Scope], user_ids: Iterable[int]
    ) -> dict[RecordRef, str]:
        names = FakeDirectory(self.data).names(self.readable(refs, scopes))
        emails = FakeDirectory(self.data).user_names(user_ids)  # users by address, as in SQL
        return names | {RecordRef(USER_TYPE, i): email for i, email in emails.items()}

    def share_of(self, ref: RecordRef, user_id: int) -> ShareAccess | None:
        return self.data.shares.get((ref, user_id))

    def shares(self, ref: RecordRef) -> list[tuple[int, ShareAccess]]:
        return [(u, a) for (r, u), a in self.data.shares.items() if r == ref]

    def share(self, ref: RecordRef, user_id: int, access: ShareAccess, granted_by: int) -> None:
        self.data.shares[(ref, user_id)] = access

    def unshare(self, ref: RecordRef, user_id: int) -> bool:
        return self.data.shares.pop((ref, user_id), None) is not None

    def assign(self, ref: RecordRef, owner_id: int, business_unit_id: int) -> None:
        raise NotImplementedError("assigning is not faked")

    def delete_record(self, ref: RecordRef) -> None:
        del self.data.records[ref]

    def delete_shares(self, ref: RecordRef) -> None:
        for key in [k for k in self.data.shares if k[0] == ref]:
            del self.data.shares[key]


class FakeMailboxMessages:
    """The UID → activity map; the sync's other message bookkeeping is not faked."""

    def __init__(self, data: FakeData) -> None:
        self.data = data

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"tests/fakes.py does not fake mailbox messages' {name}")

    def record(
        self,
        mailbox_id: int,
        folder_id: int,
        uidvalidity: int,
        uid: int,
        *,
        activity_id: int | None,
        message_id: str | None,
        outcome: Outcome,
        now: datetime,
    ) -> None:
        key = (mailbox_id, folder_id, uidvalidity, uid)
        self.data.mailbox_map[key] = MappedMessage(uid, activity_id, message_id, outcome, False)

    def relink(self, folder_id: int, uidvalidity: int, regarding: RecordRef) -> int:
        relinked = 0
        for (_, folder, validity, _), mapped in self.data.mailbox_map.items():
            if (folder, validity) != (folder_id, uidvalidity) or mapped.outcome != Outcome.TRACKED:
                continue
            activity = self.data.activities.get(mapped.activity_id or 0)
            if activity is not None and activity.regarding != regarding:
                activity.regarding = regarding
                relinked += 1
        return relinked

    def forget_other_uidvalidity(self, folder_id: int, uidvalidity: int) -> None:
        for key in [k for k in self.data.mailbox_map if k[1] == folder_id and k[2] != uidvalidity]:
            del self.data.mailbox_map[key]

    def record_failure(self, mailbox_id: int, failure: FailedMessage, now: datetime) -> None:
        self.data.mailbox_failures.append((mailbox_id, failure))

    def failures(self, mailbox_id: int, folder_id: int | None = None) -> list[FailedMessage]:
        return [
            f
            for owner, f in self.data.mailbox_failures
            if owner == mailbox_id and folder_id in (None, f.folder_id)
        ]

    def retry_now(self, folder_id: int, uid: int, now: datetime) -> int:
        wanted = [
            (owner, f)
            for owner, f in self.data.mailbox_failures
            if (f.folder_id, f.uid) == (folder_id, uid)
        ]
        self.data.mailbox_failures = [
            (owner, dataclasses.replace(f, attempts=0, next_retry_at=now))
            if (owner, f) in wanted
            else (owner, f)
            for owner, f in self.data.mailbox_failures
        ]
        return len(wanted)

    def retry_given_up(self, mailbox_id: int, now: datetime) -> int:
        return 0


class FakeMailboxes:
    """Mailboxes, their alerts and watched folders; leases and sync positions are not faked."""

    def __init__(self, data: FakeData) -> None:
        self.data = data
        self.messages = FakeMailboxMessages(data)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"tests/fakes.py does not fake the mailboxes port's {name}")

    def add(self, mailbox: Mailbox, now: datetime) -> int:
        new_id = self.data.new_id()
        self.data.mailboxes[new_id] = dataclasses.replace(mailbox, id=new_id)
        return new_id

    def save(self, mailbox: Mailbox) -> None:
        assert mailbox.id in self.data.mailboxes
        self.data.mailboxes[mailbox.id] = copy.deepcopy(mailbox)

    def get(self, mailbox_id: int) -> Mailbox | None:
        return copy.deepcopy(self.data.mailboxes.get(mailbox_id))

    def remove(self, mailbox_id: int) -> None:
        """Like ON DELETE CASCADE: the mailbox's folders, alerts and map go with it."""
        del self.data.mailboxes[mailbox_id]
        for folder_id in [
            i for i, f in self.data.mailbox_folders.items() if f.mailbox_id == mailbox_id
        ]:
            del self.data.mailbox_folders[folder_id]
        self.data.mailbox_alerts = [a for a in self.data.mailbox_alerts if a[0] != mailbox_id]
        for key in [k for k in self.data.mailbox_map if k[0] == mailbox_id]:
            del self.data.mailbox_map[key]

    def by_address(self, address: str) -> Mailbox | None:
        found = (m for m in self.data.mailboxes.values() if m.address == address.lower())
        return copy.deepcopy(next(found, None))

    def all(self, user_id: int | None = None) -> list[Mailbox]:
        return [
            copy.deepcopy(m)
            for _, m in sorted(self.data.mailboxes.items())
            if user_id is None or m.user_id == user_id
        ]

    def lease_of(self, mailbox_id: int) -> tuple[str | None, datetime | None]:
        return None, None

    def add_alert(self, mailbox_id: int, alert: Alert) -> None:
        assert mailbox_id in self.data.mailboxes, "alerts belong to an existing mailbox"
        self.data.mailbox_alerts.append((mailbox_id, alert))

    def alerts(self, mailbox_id: int, limit: int = 20) -> list[Alert]:
        return [a for m, a in reversed(self.data.mailbox_alerts) if m == mailbox_id][:limit]

    def recent_alerts(
        self, mailbox_ids: Collection[int], levels: Collection[AlertLevel], limit: int
    ) -> list[tuple[int, Alert]]:
        found = [
            (m, a)
            for m, a in reversed(self.data.mailbox_alerts)
            if m in mailbox_ids and a.level in levels
        ]
        return found[:limit]

    def folders(self, mailbox_id: int, *, active_only: bool = True) -> list[WatchedFolder]:
        return [
            copy.deepcopy(f)
            for _, f in sorted(self.data.mailbox_folders.items())
            if f.mailbox_id == mailbox_id and (f.active or not active_only)
        ]

    def add_folder(self, folder: WatchedFolder) -> int:
        assert folder.mailbox_id in self.data.mailboxes
        new_id = self.data.new_id()
        self.data.mailbox_folders[new_id] = dataclasses.replace(copy.deepcopy(folder), id=new_id)
        return new_id

    def save_folder(self, folder: WatchedFolder) -> None:
        assert folder.id in self.data.mailbox_folders
        # The sync position and skip counts are the sync's, not saved with the folder.
        stored = self.data.mailbox_folders[folder.id]
        self.data.mailbox_folders[folder.id] = dataclasses.replace(
            copy.deepcopy(folder), state=stored.state, skipped=stored.skipped
        )

    def reset_state(self, folder_id: int, uidvalidity: int) -> None:
        folder = self.data.mailbox_folders[folder_id]
        folder.state = FolderSyncState(uidvalidity, 0, None)
        self.messages.forget_other_uidvalidity(folder_id, uidvalidity)


class _NotFaked:
    def __init__(self, port: str) -> None:
        self._port = port

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"tests/fakes.py does not fake the {self._port} port ({name})")


class FakeUnitOfWork:
    """One unit over a copy of the committed data; ``commit`` publishes the copy."""

    def __init__(self, committed: FakeData) -> None:
        self._committed = committed
        self.commits = 0
        self._begin()

    def _begin(self) -> None:
        data = copy.deepcopy(self._committed)
        self._data = data
        self.directory = FakeDirectory(data)
        self.activities = FakeActivities(data)
        self.settings = FakeSettings(data)
        self.blob_refs = FakeBlobReferences(data)
        self.quarantine = FakeQuarantine(data)
        self.access = FakeAccess(data)
        self.auth = cast(AuthRepository, _NotFaked("auth"))
        self.listing = cast(ListingRepository, _NotFaked("listing"))
        self.mailboxes = FakeMailboxes(data)

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        for name in dataclasses.fields(FakeData):
            setattr(self._committed, name.name, getattr(self._data, name.name))
        self.commits += 1
        self._begin()

    def rollback(self) -> None:
        self._begin()


class FakeUnitOfWorkFactory:
    """Hands out units over one shared store; counts them (a use case should open one)."""

    def __init__(self, data: FakeData | None = None) -> None:
        self.data = data or FakeData()
        self.opened = 0

    def __call__(self) -> UnitOfWork:
        self.opened += 1
        return FakeUnitOfWork(self.data)


class FakeBlobStore:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def put(self, digest: str, data: bytes) -> None:
        self.files[digest] = data

    def put_many(self, items: Mapping[str, bytes]) -> None:
        self.files.update(items)

    def get(self, digest: str) -> bytes:
        return self.files[digest]

    def exists(self, digest: str) -> bool:
        return digest in self.files

    def delete(self, digest: str) -> None:
        del self.files[digest]


class FakeMailSession:
    def __init__(self, server: FakeMailServer) -> None:
        self.server = server

    def capabilities(self) -> frozenset[str]:
        return self.server.capability_set

    def list_folders(self) -> list[FolderInfo]:
        return list(self.server.folder_list)

    def status(self, folder: str) -> FolderStatus:
        uidvalidity, uidnext, exists = self.server.statuses.get(folder, (1, 1, 0))
        return FolderStatus(folder, uidvalidity, uidnext, exists, None, f"guid-{folder}")

    def __enter__(self) -> MailServerSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.open_sessions -= 1


class FakeMailServer:
    """An IMAP server with fixed folders; counts the sessions opened (and still open)."""

    def __init__(self, *names: str, capabilities: Iterable[str] = ("IDLE",)) -> None:
        self.folder_list = [
            FolderInfo(name, "/", frozenset(), "\\Sent" if name == "Sent" else None, f"guid-{name}")
            for name in ("INBOX", *names)
        ]
        self.capability_set = frozenset(capabilities)
        self.statuses: dict[str, tuple[int, int, int]] = {}
        """Folder → (UIDVALIDITY, UIDNEXT, MESSAGES) that STATUS answers."""
        self.opened: list[int] = []
        self.open_sessions = 0

    def open(self, mailbox: Mailbox) -> MailServerSession:
        assert mailbox.id is not None
        self.opened.append(mailbox.id)
        self.open_sessions += 1
        return FakeMailSession(self)


class FakeSecrets:
    def encrypt(self, plain: str) -> str:
        return f"sealed:{plain[::-1]}"
