"""The tracking pane offers only what the reader may do, and the server refuses the rest:
Create contact / Create lead for unresolved addresses, parent accounts, and the thread's
replies."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.domain.access import ACTIVITY_TYPE, OPERATOR, ShareAccess
from correspondent.domain.records import RecordRef
from correspondent.services.access import actor_for
from correspondent.services.activities.queries import get_activity
from correspondent.services.activities.track import MessageTracker, TrackRequest
from correspondent.services.admin import sharing
from tests.builders import add_account_contact, address, make_message, unique
from tests.web.conftest import WebUser, make_web_user, sign_in

ACTION_NAMES = ("Set Regarding", "Untrack", "Remove attachment", "Create contact", "Create lead")


def _track(inst: Installation, who: WebUser, raw: bytes) -> int:
    return MessageTracker(inst.uow, inst.blobs).track(TrackRequest(raw, who.user.email)).activity_id


def _buttons(html: str) -> set[str]:
    return set(re.findall(r"<button[^>]*>([^<]+)</button>", html))


def test_a_reader_without_write_access_gets_no_actions_and_the_server_refuses_them(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    owner = make_web_user(installation)
    raw = make_message(
        sender=address("new"),
        to=[owner.user.email],
        attachments=[("a.pdf", "application/pdf", b"%PDF-1.4")],
    )
    activity_id = _track(installation, owner, raw)
    reader = make_web_user(installation, role="read_only")
    ref = RecordRef(ACTIVITY_TYPE, activity_id)
    with installation.uow() as uow:
        owner_actor = actor_for(uow, owner.user)
    sharing.share(installation.uow, owner_actor, ref, reader.user.id, ShareAccess.READ)
    view = get_activity(installation.uow, OPERATOR, activity_id)
    attachment_id = view.attachments[0].id
    sender = next(p for p in view.parties if p.role == "from").address

    csrf = sign_in(web, owner)
    mine = web.get(f"/activities/{activity_id}")
    assert set(ACTION_NAMES) <= _buttons(mine.text)
    web.post("/sign-out", data={"csrf_token": csrf})

    csrf = sign_in(web, reader)
    page = web.get(f"/activities/{activity_id}")
    assert page.status_code == 200
    assert not set(ACTION_NAMES) & _buttons(page.text)
    assert "Change Regarding" not in page.text and "a.pdf" in page.text
    refusals = {
        f"/attachments/{attachment_id}/remove": ({}, 403),
        "/regarding": ({"record": ""}, 403),
        "/untrack": ({"keep": "keep"}, 422),  # they do not track it
        "/party-records": ({"address": sender, "type": "contact"}, 403),
    }
    for path, (data, status) in refusals.items():
        answer = web.post(f"/activities/{activity_id}{path}", data={"csrf_token": csrf, **data})
        assert answer.status_code == status, path
    after = get_activity(installation.uow, OPERATOR, activity_id)
    assert after.attachments[0].status == "saved" and after.trackers
    assert next(p for p in after.parties if p.role == "from").record is None


def test_create_contact_from_the_pane_links_the_address(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    sender = address("ann")
    raw = make_message(sender=sender, sender_name="Ann Lee", to=[rep.user.email])
    activity_id = _track(installation, rep, raw)
    csrf = sign_in(web, rep)
    page = web.get(f"/activities/{activity_id}")
    assert page.text.count(">Create contact</button>") == 1  # the sender only; rep is a user
    done = web.post(
        f"/activities/{activity_id}/party-records",
        data={"csrf_token": csrf, "address": sender, "type": "contact"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/activities/{activity_id}?done=contact-created"
    page = web.get(done.headers["location"])
    assert "The contact was created" in page.text
    assert re.search(r'href="/records/contact/\d+">Ann Lee</a>', page.text)
    assert ">Create contact</button>" not in page.text
    forged = web.post(
        f"/activities/{activity_id}/party-records",
        data={"csrf_token": "forged", "address": sender, "type": "lead"},
    )
    assert forged.status_code == 403


def test_the_pane_links_parent_accounts_and_replies(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    kim = add_account_contact(installation, rep.user, unique("Globex "))
    account_id, person = kim.account_id, kim.address
    first_id = f"<{unique('t')}@test.example>"
    parent = _track(
        installation, rep, make_message(sender=person, to=[rep.user.email], message_id=first_id)
    )
    reply_subject = unique("Re: thread ")
    reply = _track(
        installation,
        rep,
        make_message(
            sender=rep.user.email, to=[person], subject=reply_subject, in_reply_to=first_id
        ),
    )
    hidden_reply = _track(
        installation,
        make_web_user(installation),
        make_message(sender=person, to=[address("x")], in_reply_to=first_id),
    )
    sign_in(web, rep)
    page = web.get(f"/activities/{parent}").text
    assert f'href="/records/account/{account_id}"' in page
    assert f'<a href="/activities/{reply}">{reply_subject}</a>' in page
    assert f'href="/activities/{hidden_reply}"' not in page
    reply_page = web.get(f"/activities/{reply}").text
    assert f'href="/activities/{parent}"' in reply_page
