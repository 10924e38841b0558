"""Record pages: fields and the email timeline, exactly what the viewer may read."""

from __future__ import annotations

from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.domain.records import RecordRef
from correspondent.services.activities.track import MessageTracker, TrackRequest
from tests.builders import add_record, address, make_message, unique
from tests.web.conftest import WebUser, make_web_user, sign_in


def test_the_timeline_shows_each_user_what_they_may_read(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    name = unique("Fabrikam ")
    account_id = add_record(installation, "account", rep.user, name=name)
    colleague = make_web_user(installation)
    admin = make_web_user(installation, "administrator", "Ada Web")
    subjects = {}
    for who in (rep, colleague):
        subject = unique("About the account ")
        raw = make_message(sender=who.user.email, to=[address("c")], subject=subject)
        MessageTracker(installation.uow, installation.blobs).track(
            TrackRequest(raw, who.user.email, RecordRef("account", account_id))
        )
        subjects[who.user.email] = subject
    path = f"/records/account/{account_id}"
    sign_in(web, rep)
    page = web.get(path)
    assert page.status_code == 200 and f"<h1>{name}</h1>" in page.text
    assert subjects[rep.user.email] in page.text
    assert subjects[colleague.user.email] not in page.text
    web.cookies.clear()
    sign_in(web, admin)
    page = web.get(path)
    assert all(subject in page.text for subject in subjects.values())
    assert web.get("/records/account/999999").status_code == 404
    assert web.get("/records/spaceship/1").status_code == 404
