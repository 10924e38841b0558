"""What the activity use cases need from storage: activities and the listing queries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from correspondent.domain.access import Scope
from correspondent.domain.activity import (
    ActivityDetails,
    ActivityStatus,
    ActivitySummary,
    EmailActivity,
    Party,
    Tracker,
)
from correspondent.domain.records import RecordRef


class ActivityRepository(Protocol):
    """Email activities and their children (parties, attachments, trackers, notes)."""

    defer_children: bool
    """Queue child rows until ``flush`` (batch tracking): one insert per table."""

    def flush(self) -> None:
        """Write queued child rows."""

    def id_for_identity(self, key: str) -> int | None: ...

    def lock(self, activity_id: int, *, exclusive: bool) -> bool:
        """Lock the activity's row until commit (no-op on SQLite, whose writers take turns)."""

    def ids_for_identities(self, keys: Sequence[str]) -> dict[str, int]: ...

    def add(self, activity: EmailActivity) -> int:
        """Insert the activity and its children; raise DuplicateActivity on a key clash."""

    def add_tracker(self, activity_id: int, tracker: Tracker) -> bool:
        """Add a tracker unless the same user already tracks it from the same source."""

    def remove_trackers(self, activity_id: int, user_id: int) -> int: ...

    def set_status(self, activity_id: int, status: ActivityStatus) -> None: ...

    def add_notification(self, activity_id: int, text: str) -> None: ...

    def set_regarding(self, activity_id: int, regarding: RecordRef | None) -> None: ...

    def details(self, activity_ids: Sequence[int]) -> dict[int, ActivityDetails]:
        """Participants and the count of kept files of each activity, for a timeline page."""
        ...

    def replies(self, activity_id: int, limit: int) -> list[ActivitySummary]:
        """The activities correlated to this one as their parent, oldest first."""
        ...

    def replace_unresolved_parties(
        self, activity_id: int, address: str, parties: Sequence[Party]
    ) -> None:
        """Put ``parties`` in place of the activity's unresolved (no_match) parties of
        ``address``, resolved again after a record for it was made."""
        ...

    def mark_attachment_removed(self, attachment_id: int, reason: str) -> bool:
        """Mark the attachment removed; False when it already was (someone got there first)."""

    def delete(self, activity_id: int) -> None: ...

    def get(self, activity_id: int) -> EmailActivity | None: ...

    def list_ids(
        self,
        *,
        regarding: RecordRef | None = None,
        party: RecordRef | None = None,
        owner_id: int | None = None,
        limit: int = 200,
    ) -> list[int]: ...

    def trackers_of(self, activity_id: int) -> list[Tracker]: ...

    def by_message_ids(self, message_ids: Sequence[str]) -> dict[str, tuple[int, RecordRef | None]]:
        """Oldest activity per Message-ID: id and regarding record."""

    def regarding_of(self, activity_id: int) -> tuple[bool, RecordRef | None]: ...

    def smart_match_candidates(
        self, normalised_subject: str, since: datetime, until: datetime
    ) -> list[tuple[int, RecordRef | None, set[str]]]: ...


class ListingRepository(Protocol):
    """Pages of records and activities, filtered by the actor's scope in the query."""

    def record_page(
        self,
        type_name: str,
        scope: Scope,
        *,
        text: str | None = None,
        owner_id: int | None = None,
        active: bool | None = None,
        sort: str = "id",
        descending: bool = False,
        after: tuple[Any, int] | None = None,
        limit: int = 50,
    ) -> list[tuple[int, Any]]:
        """Ids of one page of records, each with its sort value (for the next cursor)."""

    def search_contacts(self, scope: Scope, text: str, limit: int) -> list[int]: ...

    def contacts_of_account(self, account_id: int) -> list[int]: ...

    def search_records(
        self, scopes: dict[str, Scope], words: Sequence[str], limit: int
    ) -> list[RecordRef]:
        """Records of the scoped types whose name or an address contains every word, by name."""

    def search_activities(
        self, scope: Scope, words: Sequence[str], limit: int
    ) -> list[ActivitySummary]:
        """Activities whose subject, body or a participant contains every word, newest first."""

    def activity_page(
        self,
        scope: Scope,
        *,
        related: Sequence[RecordRef] = (),
        contacts_of: int | None = None,
        regarding: RecordRef | None = None,
        party: RecordRef | None = None,
        owner_id: int | None = None,
        sent_after: datetime | None = None,
        sent_before: datetime | None = None,
        before_id: int | None = None,
        direction: str | None = None,
        limit: int = 50,
    ) -> list[ActivitySummary]:
        """Newest first (by id); ``related``: regarding or party is any of these records, or
        (``contacts_of``) any contact of that account; ``direction``: incoming or outgoing."""
