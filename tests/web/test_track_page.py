"""The Track email page over HTTP: .eml files and an .mbox in one upload, regarding a record,
each result linked to its pane, and a message that cannot be tracked listed with the reason."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.services.activities.queries import get_activity
from tests.builders import add_record, address, make_message, unique
from tests.web.conftest import WebUser, form_token, sign_in


def _eml(who: WebUser, subject: str) -> bytes:
    return make_message(sender=who.user.email, to=[address("c")], subject=subject)


def test_upload_tracks_every_message_regarding_the_chosen_record(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    account_id = add_record(installation, "account", rep.user, name=unique("Litware "))
    subjects = [unique("Upload ") for _ in range(4)]
    mbox = b"".join(
        b"From sender@example.org Mon Jan  1 00:00:00 2026\n"
        + _eml(rep, s).replace(b"\r\n", b"\n")
        + b"\n"
        for s in subjects[2:]
    )
    sign_in(web, rep)
    page = web.get("/track", params={"regarding": f"account:{account_id}"})
    assert page.status_code == 200
    answer = web.post(
        "/track",
        data={"csrf_token": form_token(page.text), "regarding": f"account:{account_id}"},
        files=[
            ("files", ("one.eml", _eml(rep, subjects[0]), "message/rfc822")),
            ("files", ("two.eml", _eml(rep, subjects[1]), "message/rfc822")),
            ("files", ("more.mbox", mbox, "application/mbox")),
            ("files", ("broken.eml", b"\x00\x01 not a message at all", "message/rfc822")),
        ],
    )
    assert answer.status_code == 200, answer.text
    ids = [int(i) for i in re.findall(r'href="/activities/(\d+)"', answer.text)]
    assert len(ids) == 4
    for activity_id, subject in zip(ids, subjects, strict=True):
        view = get_activity(installation.uow, OPERATOR, activity_id)
        assert view.subject == subject
        assert view.regarding.id == account_id
    assert "more.mbox #2" in answer.text
    assert "broken.eml" in answer.text and "Quarantined" in answer.text


def test_upload_needs_the_csrf_token(web: TestClient, rep: WebUser) -> None:
    sign_in(web, rep)
    answer = web.post(
        "/track",
        data={"csrf_token": "forged"},
        files=[("files", ("one.eml", _eml(rep, "x"), "message/rfc822"))],
    )
    assert answer.status_code == 403
