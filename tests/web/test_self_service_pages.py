"""My options, the address book and My mailbox over HTTP (the browser tests drive them in
Chromium, against Dovecot): what is saved, what is refused field by field, who sees what."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.folder_messages import FailedMessage
from correspondent.domain.mailbox import FolderRole, WatchedFolder
from correspondent.services.admin.settings import personal_options
from correspondent.services.mailboxes.status import mailbox_status
from tests.builders import add_record, address, unique
from tests.web.conftest import WebUser, make_web_user, sign_in

OPTIONS = {
    "incoming_tracking": "crm_people",
    "track_replies": "on",
    "auto_create": "lead",
    "address_book": "readable",
    "track_keyword": "CRM",
    "language": "ja",
    "time_zone": "Asia/Tokyo",
}


def test_options_are_saved_all_together_and_shown(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    token = sign_in(web, rep)
    page = web.get("/options")
    assert page.status_code == 200 and 'value="replies" checked' in page.text
    answer = web.post("/options", data={**OPTIONS, "csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/options?done=saved"
    stored = personal_options(installation.uow, OPERATOR, rep.user.email)
    assert {key: stored[key] for key in OPTIONS} == OPTIONS
    page = web.get(answer.headers["location"])
    assert '<html lang="ja">' in page.text  # the language option applies at once
    assert 'value="Asia/Tokyo"' in page.text and 'value="crm_people" checked' in page.text
    # Unticking the checkbox sends nothing: that is "off".
    unticked = {k: v for k, v in OPTIONS.items() if k != "track_replies"}
    web.post("/options", data={**unticked, "csrf_token": token})
    assert personal_options(installation.uow, OPERATOR, rep.user.email)["track_replies"] == "off"


def test_bad_options_are_named_field_by_field_and_nothing_is_saved(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    token = sign_in(web, rep)
    before = personal_options(installation.uow, OPERATOR, rep.user.email)
    bad = {**OPTIONS, "language": "en", "time_zone": "Mars/Olympus", "track_keyword": "two words"}
    page = web.post("/options", data={**bad, "csrf_token": token})
    assert page.status_code == 422
    assert 'href="#time_zone"' in page.text and 'href="#track_keyword"' in page.text
    assert 'id="time_zone-error"' in page.text and 'id="track_keyword-error"' in page.text
    assert 'id="incoming_tracking-error"' not in page.text
    assert 'value="Mars/Olympus"' in page.text  # what was typed stays
    assert personal_options(installation.uow, OPERATOR, rep.user.email) == before
    forged = web.post("/options", data={**OPTIONS, "csrf_token": "forged"})
    assert forged.status_code == 403
    assert personal_options(installation.uow, OPERATOR, rep.user.email) == before


def test_the_address_book_finds_own_contacts_or_all_readable_ones_per_the_option(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    colleague = make_web_user(installation, "salesperson", "Col League")
    family = unique("Okabe")
    mine = add_record(installation, "contact", rep.user, last_name=f"{family} Mine")
    theirs = add_record(installation, "contact", colleague.user, last_name=f"{family} Theirs",
                        email=address("theirs"))  # fmt: skip
    token = sign_in(web, rep)
    assert "Type part of a name" in web.get("/address-book").text
    page = web.get("/address-book", params={"q": family[:-1]})
    assert f"/records/contact/{mine}" in page.text and f"/records/contact/{theirs}" not in page.text
    assert "<html" in page.text  # without script: a whole page
    fragment = web.get(
        "/address-book",
        params={"q": family},
        headers={"HX-Request": "true", "HX-Target": "address-book-results"},
    )
    assert "<html" not in fragment.text and f"/records/contact/{mine}" in fragment.text
    web.post("/options", data={**OPTIONS, "language": "en", "csrf_token": token})
    page = web.get("/address-book", params={"q": family})
    assert f"/records/contact/{mine}" in page.text and f"/records/contact/{theirs}" in page.text
    assert "Finds every contact you may read." in page.text
    assert "No contact matches." in web.get("/address-book", params={"q": unique("zz")}).text


def test_my_mailbox_is_added_field_by_field_and_only_its_owner_sees_it(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    token = sign_in(web, rep)
    page = web.get("/mailbox")
    assert page.status_code == 200 and "Add mailbox" in page.text
    form = {"host": "", "port": "99999", "tls": "implicit", "login": rep.user.email,
            "auth": "password", "secret": "", "csrf_token": token}  # fmt: skip
    refused = web.post("/mailbox", data=form)
    assert refused.status_code == 422
    for field in ("host", "port", "secret"):
        assert f'id="{field}-error"' in refused.text
    assert 'id="login-error"' not in refused.text
    saved = web.post(
        "/mailbox",
        data={**form, "host": "127.0.0.1", "port": "1", "tls": "plain", "secret": "pw"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = web.get(saved.headers["location"])
    assert "Test &amp; Enable" in page.text and "Not tested yet" in page.text
    assert "pw" not in page.text.replace("pwd", "")  # never echoed
    # Nothing listens on port 1: Test & Enable fails, and the alert says why.
    failed = web.post(
        "/mailbox/0/enable".replace("0", str(_mailbox_id(installation, rep))),
        data={"csrf_token": token},
    )
    assert "Test &amp; Enable failed" in failed.text
    assert "Test failed:" in failed.text
    other = make_web_user(installation)
    web.cookies.clear()
    other_token = sign_in(web, other)
    mailbox_id = _mailbox_id(installation, rep)
    assert "Add mailbox" in web.get("/mailbox").text  # not the colleague's mailbox
    for path in (f"/mailbox/{mailbox_id}/enable", f"/mailbox/{mailbox_id}/folders/untrack"):
        answer = web.post(path, data={"csrf_token": other_token, "folder": "INBOX"})
        assert answer.status_code == 404, path
    assert web.get(f"/mailbox/{mailbox_id}/folders").status_code == 404


def test_a_failed_message_is_listed_with_its_reason_and_retry_puts_it_back_on_the_schedule(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    token = sign_in(web, rep)
    web.post("/mailbox", data={"host": "127.0.0.1", "port": "1", "tls": "plain",
                               "login": rep.user.email, "auth": "password", "secret": "pw",
                               "csrf_token": token})  # fmt: skip
    mailbox_id = _mailbox_id(installation, rep)
    reason = unique("The regarding record of the folder was deleted ")
    with installation.uow() as uow:
        folder_id = uow.mailboxes.add_folder(
            WatchedFolder(None, mailbox_id, "Deals", FolderRole.OTHER, tracked=True)
        )
        failure = FailedMessage(folder_id, 5, 42, "folder", reason, 8, None)
        uow.mailboxes.messages.record_failure(mailbox_id, failure, datetime.now(UTC))
        uow.commit()
    page = web.get("/mailbox")
    assert reason in page.text and "Gave up" in page.text and "8 attempts" in page.text
    answer = web.post(
        f"/mailbox/{mailbox_id}/failures/retry",
        data={"folder": "Deals", "uid": "42", "csrf_token": token},
    )
    assert "tried again at the sync" in answer.text and "Gave up" not in answer.text
    [failed] = mailbox_status(installation.uow, OPERATOR, mailbox_id).failed_messages
    assert failed.attempts == 0 and failed.next_retry_at is not None


def _mailbox_id(installation: Installation, who: WebUser) -> int:
    with installation.uow() as uow:
        found = uow.mailboxes.by_address(who.user.email)
    assert found is not None and found.id is not None
    return found.id
