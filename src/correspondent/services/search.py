"""Search: one box that finds records (name, email address) and activities (subject, body,
participant address or name), each only if the actor may read it.

The same access scopes as the listings filter inside the search statement (``storage/search.py``),
so a result the actor may not read is never loaded. The index matches substrings of three or more
characters (trigrams), Japanese included; shorter words cannot be looked up and are reported back
as not searched rather than silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from correspondent.domain.access import ACTIVITY_TYPE, CUSTOMER_TYPES, Actor, scope
from correspondent.domain.errors import InvalidInput
from correspondent.domain.records import Record, RecordRef
from correspondent.services.access import read_scopes
from correspondent.services.activities.views import ActivitySummaryView, summary_views
from correspondent.services.paging import check_limit
from correspondent.services.ports import UnitOfWork, UnitOfWorkFactory
from correspondent.services.records.views import RecordView, record_views

SHORTEST_WORD = 3
"""A trigram index needs three characters to look anything up."""
MOST_WORDS = 8


class WordsTooShort(InvalidInput):
    """No word of the query is long enough to be looked up."""


class TooManyWords(InvalidInput):
    """The query has more words than one search takes."""


@dataclass(frozen=True)
class SearchWords:
    searched: tuple[str, ...]
    """Every one of these must occur (in any searched field)."""
    ignored: tuple[str, ...]
    """Words too short to look up."""


def search_words(text: str) -> SearchWords:
    """The words of ``text`` (split at white space, repeats dropped, case kept)."""
    words = list(dict.fromkeys(text.split()))
    searched = tuple(w for w in words if len(w) >= SHORTEST_WORD)
    if not searched:
        raise WordsTooShort(
            f"Type a word of at least {SHORTEST_WORD} characters: shorter words cannot be searched."
        )
    if len(searched) > MOST_WORDS:
        raise TooManyWords(f"Search for at most {MOST_WORDS} words at a time.")
    return SearchWords(searched, tuple(w for w in words if len(w) < SHORTEST_WORD))


@dataclass(frozen=True)
class SearchResults:
    records: list[RecordView]
    """Matching records the actor may read, by name."""
    more_records: bool
    """More records match than ``records`` holds."""
    activities: list[ActivitySummaryView]
    """Matching activities the actor may read, newest first."""
    more_activities: bool
    ignored_words: tuple[str, ...]
    """Words shorter than three characters, which were not searched."""


def search(
    uow_factory: UnitOfWorkFactory, actor: Actor, text: str, *, limit: int = 20
) -> SearchResults:
    """Records and activities the actor may read that contain every word of ``text``."""
    check_limit(limit)
    words = search_words(text)
    with uow_factory() as uow:
        refs = uow.listing.search_records(
            read_scopes(actor, CUSTOMER_TYPES), words.searched, limit + 1
        )
        found = uow.listing.search_activities(
            scope(actor, ACTIVITY_TYPE), words.searched, limit + 1
        )
        return SearchResults(
            records=_record_views(uow, refs[:limit]),
            more_records=len(refs) > limit,
            activities=summary_views(uow, actor, found[:limit]),
            more_activities=len(found) > limit,
            ignored_words=words.ignored,
        )


def _record_views(uow: UnitOfWork, refs: list[RecordRef]) -> list[RecordView]:
    """Views of ``refs`` in their order, one query per record type."""
    loaded: dict[RecordRef, Record] = {}
    for type_name in {r.type for r in refs}:
        ids = [r.id for r in refs if r.type == type_name]
        for record in uow.directory.records_by_ids(type_name, ids):
            loaded[RecordRef(type_name, record.id)] = record
    return record_views(uow, [loaded[r] for r in refs if r in loaded])
