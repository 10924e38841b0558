"""The administration pages over HTTP: administrators only (404 for anyone else, as the API
hides what a user may not see), CSRF on every form, and each change made through the use cases
(users, organisation settings all or nothing, roles, sharing, mailboxes, the quarantine)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR, Actor, ShareAccess
from correspondent.domain.mailbox import Alert, AlertLevel, TlsChoice
from correspondent.domain.records import RecordRef
from correspondent.services.access import actor_for
from correspondent.services.activities.quarantine import quarantine_message
from correspondent.services.admin import roles, settings, sharing, users
from correspondent.services.admin.quarantine import list_quarantine
from correspondent.services.mailboxes.add import MailboxInput, add_mailbox
from correspondent.services.mailboxes.secrets import SecretBox
from tests.builders import add_record, address, make_message, unique
from tests.web.conftest import WebUser, make_web_user, sign_in

ADMIN_PAGES = (
    "/admin/users",
    "/admin/settings",
    "/admin/roles",
    "/admin/roles/salesperson",
    "/admin/sharing",
    "/admin/mailboxes",
    "/admin/quarantine",
)


@pytest.fixture
def admin(installation: Installation) -> WebUser:
    return make_web_user(installation, "administrator", "Ada Admin")


def actor_for_user(inst: Installation, who: WebUser) -> Actor:
    with inst.uow() as uow:
        return actor_for(uow, who.user)


def _user(inst: Installation, user_id: int) -> users.User:
    return next(u for u in users.list_users(inst.uow, OPERATOR) if u.id == user_id)


def test_only_administrators_see_the_pages_and_the_link(
    web: TestClient, installation: Installation, rep: WebUser, admin: WebUser
) -> None:
    token = sign_in(web, rep)
    assert 'href="/admin/users"' not in web.get("/").text
    for path in ADMIN_PAGES:
        page = web.get(path)
        assert page.status_code == 404, path
        assert "Page not found" in page.text
    pending = users.add_user(
        installation.uow, OPERATOR, address("n", "ourco.example"), "New", email_approved=False
    )
    refused = web.post(f"/admin/users/{pending.id}/approve", data={"csrf_token": token})
    assert refused.status_code == 404
    assert not _user(installation, pending.id).email_approved
    web.post("/sign-out", data={"csrf_token": token})
    sign_in(web, admin)
    assert 'href="/admin/users"' in web.get("/").text
    for path in ADMIN_PAGES:
        assert web.get(path).status_code == 200, path


def test_every_admin_form_needs_the_csrf_token(
    web: TestClient, installation: Installation, admin: WebUser
) -> None:
    pending = users.add_user(
        installation.uow, OPERATOR, address("n", "ourco.example"), "New", email_approved=False
    )
    sign_in(web, admin)
    pages = [web.get(path).text for path in ADMIN_PAGES]
    assert all('name="csrf_token"' in page for page in pages[:3])
    refused = web.post(f"/admin/users/{pending.id}/approve", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    assert web.post("/admin/settings", data={}).status_code == 403
    assert not _user(installation, pending.id).email_approved


def test_an_administrator_approves_an_email_address(
    web: TestClient, installation: Installation, admin: WebUser
) -> None:
    pending = users.add_user(
        installation.uow, OPERATOR, address("n", "ourco.example"), "Nora New", email_approved=False
    )
    token = sign_in(web, admin)
    page = web.get("/admin/users")
    assert "Email address not approved" in page.text and "Approve email address" in page.text
    done = web.post(
        f"/admin/users/{pending.id}/approve", data={"csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == "/admin/users?done=approved"
    assert _user(installation, pending.id).email_approved
    assert "The email address was approved." in web.get(done.headers["location"]).text


def test_adding_a_user_shows_every_refusal_at_its_field_and_keeps_what_was_typed(
    web: TestClient, installation: Installation, admin: WebUser, rep: WebUser
) -> None:
    token = sign_in(web, admin)
    duplicate = web.post(
        "/admin/users",
        data={"csrf_token": token, "new-user-name": "Twin", "new-user-email": rep.user.email},
    )
    assert duplicate.status_code == 422
    assert 'href="#new-user-email">A user with this email address already exists.' in (
        duplicate.text
    )
    assert 'value="Twin"' in duplicate.text
    email = address("k", "ourco.example")
    unit = unique("Osaka ")
    added = web.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "new-user-name": "Ken Kato",
            "new-user-email": email,
            "new-user-roles": ["sales_manager", "read_only"],
            "new-user-business-unit": unit,
        },
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    [user] = [u for u in users.list_users(installation.uow, OPERATOR) if u.email == email]
    units = {u.id: u.name for u in users.list_business_units(installation.uow, OPERATOR)}
    assert user.roles == ["read_only", "sales_manager"] and units[user.business_unit_id] == unit
    assert not user.email_approved  # approving is a separate, deliberate step


def test_roles_business_unit_and_deactivation_are_changed_on_the_user_page(
    web: TestClient, installation: Installation, admin: WebUser, rep: WebUser
) -> None:
    token = sign_in(web, admin)
    unit = unique("Kyoto ")
    saved = web.post(
        f"/admin/users/{rep.user.id}",
        data={
            "csrf_token": token,
            "user-name": "Sam Renamed",
            "user-roles": ["sales_manager"],
            "user-business-unit": unit,
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    changed = _user(installation, rep.user.id)
    units = {u.id: u.name for u in users.list_business_units(installation.uow, OPERATOR)}
    assert (changed.name, changed.roles, units[changed.business_unit_id]) == (
        "Sam Renamed",
        ["sales_manager"],
        unit,
    )
    bad = web.post(
        f"/admin/users/{rep.user.id}",
        data={"csrf_token": token, "user-roles": ["no_such_role"], "user-business-unit": unit},
    )
    assert bad.status_code == 422 and 'href="#user-roles">Choose roles from the list.' in bad.text
    assert _user(installation, rep.user.id).roles == ["sales_manager"]
    web.post(f"/admin/users/{rep.user.id}/active", data={"csrf_token": token, "active": "off"})
    assert not _user(installation, rep.user.id).active
    mine = web.get(f"/admin/users/{admin.user.id}")
    assert "Deactivate" not in mine.text  # nobody locks themselves out from here


def test_organisation_settings_are_saved_all_or_none_with_an_error_at_each_field(
    web: TestClient, installation: Installation, admin: WebUser
) -> None:
    token = sign_in(web, admin)
    page = web.get("/admin/settings")
    assert page.status_code == 200 and 'id="setting-correlation-token-prefix"' in page.text
    before = settings.org_settings(installation.uow, OPERATOR)
    form = {
        "csrf_token": token,
        "setting-resolution-from-multiple": "unresolved",
        "setting-correlation-token-prefix": "has space",
        "setting-attachments-max-bytes": "0",
        "setting-attachments-blocked-extensions": "exe js",
        "setting-tracking-require-regarding": "on",
    }
    refused = web.post("/admin/settings", data=form)
    assert refused.status_code == 422
    assert settings.org_settings(installation.uow, OPERATOR) == before
    assert 'href="#setting-correlation-token-prefix"' in refused.text
    assert 'href="#setting-attachments-max-bytes"' in refused.text
    assert "Enter a whole number of bytes from 1 to 134,217,728." in refused.text
    assert 'value="has space"' in refused.text  # what was typed is kept
    form |= {
        "setting-correlation-token-prefix": "ACME:",
        "setting-attachments-max-bytes": "1048576",
    }
    saved = web.post("/admin/settings", data=form, follow_redirects=False)
    assert saved.status_code == 303
    now = settings.org_settings(installation.uow, OPERATOR)
    assert now["correlation.token_prefix"] == "ACME:" and now["attachments.max_bytes"] == "1048576"
    assert now["resolution.from_multiple"] == "unresolved"
    assert now["attachments.blocked_extensions"] == "exe js"
    assert now["tracking.require_regarding"] == "on"
    # An unticked box is "off": the form sends every setting, so nothing is left as it was.
    assert now["tracking.require_approved_email"] == "off"


def test_quarantine_retry_tracks_the_message_or_keeps_it_with_the_new_reason(
    web: TestClient, installation: Installation, admin: WebUser, rep: WebUser
) -> None:
    subject = unique("Once refused ")
    raw = make_message(sender=rep.user.email, subject=subject)
    good = quarantine_message(
        installation.uow,
        installation.blobs,
        raw,
        reason="refused by an older version",
        user_email=rep.user.email,
        origin="upload: once.eml",
    )
    bad = quarantine_message(
        installation.uow,
        installation.blobs,
        b"not mail",
        reason="old reason",
        user_email=rep.user.email,
        origin="upload: junk.eml",
    )
    token = sign_in(web, admin)
    page = web.get("/admin/quarantine")
    assert "refused by an older version" in page.text and rep.user.email in page.text
    original = web.get(f"/admin/quarantine/{good}/original")
    assert original.status_code == 200 and original.content == raw
    assert original.headers["content-disposition"].startswith("attachment;")
    tracked = web.post(
        f"/admin/quarantine/{good}/retry", data={"csrf_token": token}, follow_redirects=False
    )
    assert tracked.status_code == 303, tracked.text
    shown = web.get(tracked.headers["location"])
    assert f"Message {good} was tracked." in shown.text
    activity_href = shown.text.split('<a href="/activities/')[1].split('"')[0]
    assert subject in web.get(f"/activities/{activity_href}").text
    again = web.post(f"/admin/quarantine/{bad}/retry", data={"csrf_token": token})
    assert f"Message {bad} was refused again" in again.text
    left = {q.id: q.reason for q in list_quarantine(installation.uow, OPERATOR)}
    assert good not in left
    assert left[bad] == "not an email message: no RFC 5322 or MIME header fields"
    assert web.get(f"/admin/quarantine/{good}/original").status_code == 404


def test_roles_are_created_and_their_privileges_saved(
    web: TestClient, installation: Installation, admin: WebUser
) -> None:
    token = sign_in(web, admin)
    name = unique("support_")
    created = web.post(
        "/admin/roles", data={"csrf_token": token, "new-role-name": name}, follow_redirects=False
    )
    assert created.status_code == 303 and created.headers["location"].startswith(
        f"/admin/roles/{name}"
    )
    bad = web.post("/admin/roles", data={"csrf_token": token, "new-role-name": "has space"})
    assert bad.status_code == 422 and 'href="#new-role-name"' in bad.text
    taken = web.post("/admin/roles", data={"csrf_token": token, "new-role-name": "salesperson"})
    assert taken.status_code == 422 and "exists already" in taken.text
    saved = web.post(
        f"/admin/roles/{name}",
        data={
            "csrf_token": token,
            "role-description": "Cases only",
            "case-read": "business_unit",
            "case-write": "user",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    [role] = [r for r in roles.list_roles(installation.uow, OPERATOR) if r.name == name]
    assert role.description == "Cases only"
    assert role.privileges["case"]["read"] == "business_unit"
    assert role.privileges["case"]["write"] == "user"
    assert role.privileges["account"]["read"] == "none"


def test_sharing_and_assigning_a_record(
    web: TestClient, installation: Installation, admin: WebUser, rep: WebUser
) -> None:
    other = make_web_user(installation, "salesperson", "Olive Other")
    name = unique("Shared Co ")
    account = add_record(installation, "account", rep.user, name=name)
    ref = RecordRef("account", account)
    token = sign_in(web, admin)
    found = web.get("/admin/sharing", params={"record": name})
    assert f'href="/admin/sharing?record=account:{account}"' in found.text
    web.post(
        "/admin/sharing/share",
        data={"csrf_token": token, "record": str(ref), "user": other.user.id, "access": "read"},
    )
    shares = sharing.list_shares(installation.uow, OPERATOR, ref)
    assert [(s.user_id, s.access) for s in shares] == [(other.user.id, ShareAccess.READ)]
    assert other.user.email in web.get("/admin/sharing", params={"record": str(ref)}).text
    web.post(
        "/admin/sharing/unshare",
        data={"csrf_token": token, "record": str(ref), "user": other.user.id},
    )
    assert sharing.list_shares(installation.uow, OPERATOR, ref) == []
    assigned = web.post(
        "/admin/sharing/assign",
        data={"csrf_token": token, "record": str(ref), "owner": other.user.id},
        follow_redirects=False,
    )
    assert assigned.status_code == 303
    page = web.get(assigned.headers["location"])
    assert "The record has a new owner." in page.text
    assert sharing.list_shares(installation.uow, OPERATOR, ref) == []
    assert f"<dd>{other.user.email}</dd>" in page.text
    missing = web.get("/admin/sharing", params={"record": "account:999999"})
    assert missing.status_code == 422 and "There is no such record." in missing.text


def test_the_mailboxes_page_lists_every_users_mailbox_with_its_alerts(
    web: TestClient, installation: Installation, admin: WebUser, rep: WebUser
) -> None:
    item = MailboxInput(
        rep.user.email, "imap.ourco.example", 993, TlsChoice.IMPLICIT, rep.user.email, "secret"
    )
    box = SecretBox.for_settings(installation.settings)
    mailbox = add_mailbox(installation.uow, box, actor_for_user(installation, rep), item)
    alert = unique("The server refused the login ")
    with installation.uow() as uow:
        uow.mailboxes.add_alert(mailbox.id, Alert(AlertLevel.ERROR, alert, datetime.now(UTC)))
        uow.commit()
    sign_in(web, admin)
    page = web.get("/admin/mailboxes")
    assert page.status_code == 200
    assert rep.user.email in page.text and "imap.ourco.example:993" in page.text
    assert "New, not tested" in page.text and alert in page.text
