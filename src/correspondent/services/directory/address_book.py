"""The address book: contacts found by part of a name or address, from a compose or track dialog.

By default a user finds only the contacts they own (BEHAVIOUR §3); the personal option
``address_book = readable`` widens the search to every contact they may read.
"""

from __future__ import annotations

from correspondent.domain.access import Actor, Scope, scope
from correspondent.domain.errors import InvalidInput
from correspondent.domain.settings import PersonalOptions
from correspondent.services.ports import UnitOfWorkFactory
from correspondent.services.records.views import RecordView, record_views


def search_address_book(
    uow_factory: UnitOfWorkFactory, actor: Actor, text: str, limit: int
) -> list[RecordView]:
    if not text.strip():
        raise InvalidInput("Type part of a name or address to search the address book.")
    with uow_factory() as uow:
        options = PersonalOptions.from_stored(uow.settings.personal(actor.user_id))
        readable = scope(actor, "contact")
        if options.address_book == "readable" or readable.nothing:
            wanted = readable
        else:
            wanted = Scope(actor.user_id, owner_id=actor.user_id)
        ids = uow.listing.search_contacts(wanted, text, limit)
        found = {r.id: r for r in uow.directory.records_by_ids("contact", ids)}
        return record_views(uow, [found[i] for i in ids if i in found])
