"""The search page and the home page over HTTP: grouped, linked results the visitor may read,
the mailbox alerts that concern the visitor, in English and Japanese."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.mailbox import Alert, AlertLevel, TlsChoice
from correspondent.services.activities.track import MessageTracker, TrackRequest, TrackResult
from correspondent.services.admin.settings import change_personal_options
from correspondent.services.mailboxes.add import MailboxInput, add_mailbox
from correspondent.services.mailboxes.secrets import SecretBox
from tests.builders import add_record, address, make_message, unique
from tests.web.conftest import WebUser, make_web_user, sign_in


def _track(inst: Installation, who: WebUser, subject: str, body: str = "Hi.") -> int:
    raw = make_message(sender=address("c"), to=[who.user.email], subject=subject, body=body)
    outcome = MessageTracker(inst.uow, inst.blobs).track(TrackRequest(raw, who.user.email))
    assert isinstance(outcome, TrackResult)
    return outcome.activity_id


def test_search_groups_records_and_email_with_links(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    tag = unique("srch")
    account = add_record(installation, "account", rep.user, name=f"{tag} Holdings")
    activity = _track(installation, rep, "定例会議の議事録", body=f"ref {tag}")
    other = make_web_user(installation)
    hidden = _track(installation, other, f"{tag} not for Sam")
    sign_in(web, rep)
    page = web.get("/search", params={"q": tag})
    assert page.status_code == 200
    assert f'href="/records/account/{account}">{tag} Holdings</a>' in page.text
    assert f'href="/activities/{activity}">定例会議の議事録</a>' in page.text
    assert f"/activities/{hidden}" not in page.text and "not for Sam" not in page.text
    assert 'role="search"' in page.text and f'value="{tag}"' in page.text
    japanese = web.get("/search", params={"q": "議事録"})
    assert f'href="/activities/{activity}"' in japanese.text
    assert "No record you may read matches." in japanese.text


def test_search_explains_a_query_it_cannot_run_in_the_visitors_language(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    sign_in(web, rep)
    short = web.get("/search", params={"q": "ab"})
    assert short.status_code == 422
    assert "Type a word of at least three characters" in short.text
    assert web.get("/search").status_code == 200  # just the box
    change_personal_options(installation.uow, OPERATOR, {"language": "ja"}, rep.user.email)
    assert "3 文字以上の語を入力してください" in web.get("/search", params={"q": "ab"}).text
    assert "検索されなかった語" in web.get("/search", params={"q": "Sam ab"}).text


def _mailbox_with_alerts(inst: Installation, who: WebUser, *texts: tuple[AlertLevel, str]) -> int:
    item = MailboxInput(who.user.email, "127.0.0.1", 1, TlsChoice.PLAIN, who.user.email, "pw")
    mailbox = add_mailbox(inst.uow, SecretBox.from_text("k"), OPERATOR, item)
    assert mailbox.id is not None
    start = datetime.now(UTC) - timedelta(hours=1)
    with inst.uow() as uow:
        for minutes, (level, text) in enumerate(texts):
            uow.mailboxes.add_alert(
                mailbox.id, Alert(level, text, start + timedelta(minutes=minutes))
            )
        uow.commit()
    return mailbox.id


def test_home_shows_the_alerts_that_concern_me_and_the_search_box(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    admin = make_web_user(installation, "administrator", "Ada Admin")
    other = make_web_user(installation)
    mine_error, mine_note = unique("mine-error "), unique("mine-note ")
    theirs_error, theirs_note = unique("theirs-error "), unique("theirs-note ")
    _mailbox_with_alerts(
        installation, rep, (AlertLevel.ERROR, mine_error), (AlertLevel.INFORMATION, mine_note)
    )
    _mailbox_with_alerts(
        installation, other, (AlertLevel.ERROR, theirs_error), (AlertLevel.INFORMATION, theirs_note)
    )
    sign_in(web, rep)
    home = web.get("/").text
    assert mine_error in home and mine_note in home
    assert theirs_error not in home and theirs_note not in home
    assert home.index(mine_note) < home.index(mine_error)  # newest first
    assert f"My mailbox {rep.user.email}" in home
    assert 'action="/search"' in home and 'role="search"' in home

    web.cookies.clear()
    sign_in(web, admin)
    home = web.get("/").text
    # An administrator also sees the errors and warnings of everybody's mailboxes.
    assert theirs_error in home and mine_error in home
    assert theirs_note not in home and mine_note not in home
    assert f"Mailbox {other.user.email}" in home
    assert "No alert concerns you." not in home
