"""Party resolution against real storage (BEHAVIOUR §3)."""

from __future__ import annotations

import sqlalchemy as sa

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.services.admin import settings as configuration
from correspondent.services.records.queries import get_record
from correspondent.storage.tables import email_addresses, records
from tests.builders import add_record, add_user, address, make_message
from tests.integration.test_tracking import track


def _from(view: dict) -> dict:  # type: ignore[type-arg]
    return next(p for p in view["parties"] if p["role"] == "from")


def test_from_precedence_user_contact_account_lead(installation: Installation) -> None:
    me = add_user(installation)
    shared = address("shared")
    lead = add_record(installation, "lead", me, last_name="L", email=shared)
    account = add_record(installation, "account", me, name="A", email=shared)
    view = track(installation, make_message(sender=shared), me.email)
    assert _from(view)["record"]["id"] == account and _from(view)["resolution"] == "precedence"
    contact = add_record(installation, "contact", me, last_name="C", email=shared)
    view = track(installation, make_message(sender=shared), me.email)
    assert _from(view)["record"]["id"] == contact
    colleague = add_user(installation, email=shared, name="Cole League")
    view = track(installation, make_message(sender=shared), me.email)
    # A user is shown by name, as any record is, not by address (issue 8).
    assert _from(view)["record"] == {"type": "user", "id": colleague.id, "name": "Cole League"}
    assert lead  # the lead never wins while anything above it matches


def test_from_prefers_the_tracking_users_own_record(installation: Installation) -> None:
    me, other = add_user(installation), add_user(installation)
    shared = address("dup")
    add_record(installation, "contact", other, last_name="Theirs", email=shared)
    mine = add_record(installation, "contact", me, last_name="Mine", email=shared)
    view = track(installation, make_message(sender=shared), me.email)
    assert _from(view)["record"]["id"] == mine
    assert _from(view)["resolution"] == "owner_preferred"


def test_from_with_several_equal_matches_follows_the_org_setting(
    installation: Installation,
) -> None:
    me, other = add_user(installation), add_user(installation)
    shared = address("amb")
    first = add_record(installation, "contact", other, last_name="One", email=shared)
    add_record(installation, "contact", other, last_name="Two", email=shared)
    view = track(installation, make_message(sender=shared), me.email)
    assert _from(view)["record"]["id"] == first and _from(view)["resolution"] == "first_match"
    configuration.change_org_settings(
        installation.uow, OPERATOR, {"resolution.from_multiple": "unresolved"}
    )
    view = track(installation, make_message(sender=shared), me.email)
    assert _from(view)["record"] is None and _from(view)["resolution"] == "ambiguous"


def test_recipients_resolve_to_all_matches_unless_setting(installation: Installation) -> None:
    me = add_user(installation)
    shared = address("team")
    ids = {
        add_record(installation, "contact", me, last_name="X", email=shared),
        add_record(installation, "lead", me, last_name="Y", email=shared),
    }
    view = track(installation, make_message(sender=address(), to=[shared]), me.email)
    to = [p for p in view["parties"] if p["role"] == "to"]
    assert {p["record"]["id"] for p in to} == ids
    configuration.change_org_settings(
        installation.uow, OPERATOR, {"resolution.recipients_unresolved_on_multiple": "on"}
    )
    view = track(installation, make_message(sender=address(), to=[shared]), me.email)
    to = [p for p in view["parties"] if p["role"] == "to"]
    assert [(p["record"], p["resolution"]) for p in to] == [(None, "ambiguous")]


def test_matching_ignores_case_and_inactive_records(installation: Installation) -> None:
    me = add_user(installation)
    shared = address("Case")
    contact = add_record(installation, "contact", me, last_name="Z", email=shared)
    view = track(installation, make_message(sender=shared.upper()), me.email)
    assert _from(view)["record"]["id"] == contact
    with installation.engine.begin() as conn:
        conn.execute(sa.update(records).where(records.c.id == contact).values(active=False))
    view = track(installation, make_message(sender=shared), me.email)
    assert _from(view)["record"] is None
    configuration.change_org_settings(
        installation.uow, OPERATOR, {"resolution.match_inactive": "on"}
    )
    view = track(installation, make_message(sender=shared), me.email)
    assert _from(view)["record"]["id"] == contact


def test_auto_create_contacts_or_leads(installation: Installation) -> None:
    me = add_user(installation)
    configuration.change_personal_options(
        installation.uow, OPERATOR, {"auto_create": "contact"}, me.email
    )
    stranger = address("new")
    view = track(
        installation, make_message(sender=stranger, sender_name="Kim Park", to=[me.email]), me.email
    )
    sender = _from(view)
    assert sender["resolution"] == "auto_created" and sender["record"]["type"] == "contact"
    assert sender["record"]["name"] == "Kim Park"
    to_me = next(p for p in view["parties"] if p["role"] == "to")
    assert to_me["record"]["type"] == "user"  # users are never auto-created as contacts
    configuration.change_personal_options(
        installation.uow, OPERATOR, {"auto_create": "lead"}, me.email
    )
    view = track(installation, make_message(sender=address("lead")), me.email)
    assert _from(view)["record"]["type"] == "lead"
    record = get_record(installation.uow, OPERATOR, _ref(_from(view)["record"]))
    assert record.owner_id == me.id


def _ref(view: dict):  # type: ignore[no-untyped-def,type-arg]
    from correspondent.domain.records import RecordRef

    return RecordRef(view["type"], view["id"])


def test_candidate_lookup_uses_the_address_index(installation: Installation) -> None:
    me = add_user(installation)
    with installation.engine.begin() as conn:
        conn.execute(
            sa.insert(records),
            [
                {
                    "type": "contact",
                    "name": f"n{i}",
                    "owner_id": me.id,
                    "business_unit_id": 1,
                    "active": True,
                    "fields": {},
                }
                for i in range(3000)
            ],
        )
        ids = conn.execute(sa.select(records.c.id)).scalars().all()
        conn.execute(
            sa.insert(email_addresses),
            [
                {"address": f"bulk{i}@example.net", "record_id": rid, "position": 0}
                for i, rid in enumerate(ids)
            ],
        )
    with installation.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE")
        from correspondent.storage.directory import DirectoryRepository

        repo = DirectoryRepository(conn)
        assert len(repo.candidates(["bulk7@example.net"])["bulk7@example.net"]) == 1
        query = sa.select(email_addresses.c.id).where(
            email_addresses.c.address.in_(["bulk7@example.net", "bulk8@example.net"])
        )
        compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
        prefix = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN "
        plan = " ".join(str(r) for r in conn.exec_driver_sql(prefix + str(compiled)))
    assert "ix_email_addresses_address" in plan, plan
