"""The tracking pane's endpoints over HTTP on both databases: who may read and change what,
CSRF on every change, and the body's own CSP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.services.activities.queries import get_activity
from correspondent.services.activities.track import MessageTracker, TrackRequest
from tests.builders import add_record, address, make_message, unique
from tests.web.conftest import WebUser, make_web_user, sign_in


def _track(inst: Installation, who: WebUser) -> int:
    raw = make_message(
        sender=who.user.email,
        to=[address("c")],
        subject=unique("Pane "),
        html='<p>Hi</p><img src="https://remote.example/p.png" alt="p">',
        attachments=[("a.pdf", "application/pdf", b"%PDF-1.4")],
    )
    return MessageTracker(inst.uow, inst.blobs).track(TrackRequest(raw, who.user.email)).activity_id


def test_every_pane_endpoint_is_404_for_an_activity_the_user_may_not_read(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    other = make_web_user(installation)
    activity_id = _track(installation, other)
    attachment_id = get_activity(installation.uow, OPERATOR, activity_id).attachments[0].id
    csrf = sign_in(web, rep)
    for path in ("", "/body", "/body?remote=true", "/original", f"/attachments/{attachment_id}"):
        assert web.get(f"/activities/{activity_id}{path}").status_code == 404, path
    for path, data in (
        (f"/attachments/{attachment_id}/remove", {}),
        ("/untrack", {"keep": "delete"}),
        ("/regarding", {"record": ""}),
    ):
        answer = web.post(f"/activities/{activity_id}{path}", data={"csrf_token": csrf, **data})
        assert answer.status_code == 404, path
    assert get_activity(installation.uow, OPERATOR, activity_id).attachments[0].status == ("saved")


def test_changes_need_the_csrf_token(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    activity_id = _track(installation, rep)
    attachment_id = get_activity(installation.uow, OPERATOR, activity_id).attachments[0].id
    sign_in(web, rep)
    for path in (f"/attachments/{attachment_id}/remove", "/untrack", "/regarding"):
        answer = web.post(f"/activities/{activity_id}{path}", data={"csrf_token": "forged"})
        assert answer.status_code == 403, path
    view = get_activity(installation.uow, OPERATOR, activity_id)
    assert view.attachments[0].status == "saved" and view.trackers


def test_set_regarding_through_search_results(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    """Salespeople read every customer record, so the search offers them all; a record that
    does not exist is refused as the API refuses it."""
    activity_id = _track(installation, rep)
    mine_id = add_record(installation, "opportunity", rep.user, name=unique("Mine "))
    csrf = sign_in(web, rep)
    found = web.get(
        "/records/search", params={"q": "mine", "type": "opportunity", "activity": activity_id}
    )
    assert f'value="opportunity:{mine_id}"' in found.text
    assert 'value="account:' not in found.text  # filtered by type
    refused = web.post(
        f"/activities/{activity_id}/regarding",
        data={"csrf_token": csrf, "record": "opportunity:999999"},
    )
    assert refused.status_code == 404
    done = web.post(
        f"/activities/{activity_id}/regarding",
        data={"csrf_token": csrf, "record": f"opportunity:{mine_id}"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert get_activity(installation.uow, OPERATOR, activity_id).regarding.id == mine_id


def test_the_body_has_its_own_sandboxing_csp_and_remote_images_only_when_asked(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    activity_id = _track(installation, rep)
    sign_in(web, rep)
    plain = web.get(f"/activities/{activity_id}/body")
    assert "remote.example" not in plain.text
    csp = plain.headers["content-security-policy"]
    assert "sandbox" in csp and "script" not in csp and "img-src data:;" in csp
    remote = web.get(f"/activities/{activity_id}/body", params={"remote": "true"})
    assert 'src="https://remote.example/p.png"' in remote.text
    assert "img-src data: https: http:;" in remote.headers["content-security-policy"]
    page = web.get(f"/activities/{activity_id}")
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in page.text
    assert "allow-scripts" not in page.text and "allow-same-origin" not in page.text
