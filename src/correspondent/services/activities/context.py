"""What one tracking transaction knows, so a batch of messages costs few queries.

Tracking a message needs the user, the settings, whether its identity key exists, the records
behind its addresses and the activities its In-Reply-To/References name. For a batch these are
fetched up front with one query each (``prefetch``); later look-ups of anything not prefetched
still go to the database. What the transaction itself adds (new activities, auto-created
records) is remembered, so a message later in the same batch sees it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from correspondent.domain.access import Actor
from correspondent.domain.errors import CorrespondentError
from correspondent.domain.records import RecordRef
from correspondent.domain.resolution import Candidate
from correspondent.domain.settings import OrgSettings, PersonalOptions
from correspondent.domain.users import User
from correspondent.mail.message import ParsedMessage
from correspondent.services.access import readable_refs
from correspondent.services.activities.identity import message_identity
from correspondent.services.activities.parties import addresses_of
from correspondent.services.directory.entries import require_user
from correspondent.services.ports import UnitOfWork

MessageRef = tuple[int, RecordRef | None]
"""An activity found by Message-ID: its id and regarding record."""


class TrackingContext:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.org = OrgSettings.from_stored(uow.settings.org())
        self._users: dict[str, User] = {}
        self._options: dict[int, PersonalOptions] = {}
        self._identities: dict[str, int | None] = {}
        self._candidates: dict[str, list[Candidate]] = {}
        self._messages: dict[str, MessageRef | None] = {}
        self._readable: dict[tuple[int, RecordRef], bool] = {}

    def user(self, email: str) -> User:
        if email not in self._users:
            self._users[email] = require_user(self.uow, email)
        return self._users[email]

    def options(self, user: User) -> PersonalOptions:
        if user.id not in self._options:
            self._options[user.id] = PersonalOptions.from_stored(
                self.uow.settings.personal(user.id)
            )
        return self._options[user.id]

    def identity_key(self, user: User, message: ParsedMessage, raw: bytes) -> str:
        return message_identity(self.org, user.email, message, raw)

    # -- prefetching ------------------------------------------------------------------------
    def prefetch(self, items: Sequence[tuple[str, ParsedMessage, bytes]]) -> None:
        """Load what ``items`` (user email, message, raw) will need, one query per kind."""
        keys: list[str] = []
        addresses: set[str] = set()
        message_ids: set[str] = set()
        for email, message, raw in items:
            try:
                user = self.user(email)
            except CorrespondentError:
                continue  # reported for that message when it is tracked
            keys.append(self.identity_key(user, message, raw))
            addresses.update(item.address for item in addresses_of(message))
            if message.in_reply_to:
                message_ids.add(message.in_reply_to)
            message_ids.update(message.references)
        found_ids = self.uow.activities.ids_for_identities(keys)
        self._identities.update({key: found_ids.get(key) for key in keys})
        self.candidates(addresses)
        self.activities_by_message_ids(message_ids)

    def may_read(self, actor: Actor, ref: RecordRef) -> bool:
        """Whether ``actor`` may read ``ref`` (a batch often names one regarding record)."""
        wanted = (actor.user_id, ref)
        if wanted not in self._readable:
            self._readable[wanted] = ref in readable_refs(self.uow, actor, [ref])
        return self._readable[wanted]

    # -- look-ups that remember -------------------------------------------------------------
    def identity(self, key: str) -> int | None:
        if key not in self._identities:
            self._identities[key] = self.uow.activities.id_for_identity(key)
        return self._identities[key]

    def candidates(self, addresses: Iterable[str]) -> Mapping[str, list[Candidate]]:
        wanted = set(addresses)
        missing = wanted - self._candidates.keys()
        if missing:
            found = self.uow.directory.candidates(missing)
            self._candidates.update({a: list(found.get(a, ())) for a in missing})
        return {a: self._candidates[a] for a in wanted}

    def activities_by_message_ids(self, message_ids: Iterable[str]) -> dict[str, MessageRef]:
        wanted = set(message_ids)
        missing = wanted - self._messages.keys()
        if missing:
            found = self.uow.activities.by_message_ids(sorted(missing))
            self._messages.update({m: found.get(m) for m in missing})
        return {m: ref for m in wanted if (ref := self._messages[m]) is not None}

    # -- what this transaction added --------------------------------------------------------
    def remember_activity(
        self, key: str, activity_id: int, message_id: str | None, regarding: RecordRef | None
    ) -> None:
        self._identities[key] = activity_id
        if message_id and self._messages.get(message_id) is None:
            self._messages[message_id] = (activity_id, regarding)

    def forget_identity(self, key: str) -> None:
        """The activity under ``key`` was deleted meanwhile."""
        self._identities[key] = None

    def relinked(self, activity_id: int, regarding: RecordRef) -> None:
        """An activity got a new regarding record: replies later in the batch inherit it."""
        for message_id, ref in self._messages.items():
            if ref is not None and ref[0] == activity_id:
                self._messages[message_id] = (activity_id, regarding)

    def forget_candidates(self, address: str) -> None:
        """An address gained a record (auto-create): look it up again next time."""
        self._candidates.pop(address, None)
