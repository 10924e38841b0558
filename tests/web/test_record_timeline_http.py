"""A record page's email timeline over HTTP: paged with the opaque cursors (the fragment htmx
loads on scrolling, and the plain next-page link), filtered by direction, each entry with its
participants, attachment count and regarding record."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.domain.records import RecordRef
from correspondent.services.activities.track import MessageTracker, TrackRequest
from correspondent.web.routes import records as record_routes
from tests.builders import add_record, address, make_message, unique
from tests.web.conftest import WebUser, sign_in


def _subjects(text: str) -> list[str]:
    return re.findall(r'class="activity-list__subject" href="/activities/\d+">([^<]+)</a>', text)


def _more(text: str) -> tuple[str, str] | None:
    found = re.search(r'hx-get="([^"]+/timeline\?cursor=[^"]+)"[^>]*>\s*<a href="([^"]+)"', text)
    return (html.unescape(found.group(1)), html.unescape(found.group(2))) if found else None


def test_the_timeline_pages_filters_and_describes_each_email(
    web: TestClient,
    installation: Installation,
    rep: WebUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(record_routes, "TIMELINE_PAGE", 2)
    name = unique("Tailspin ")
    customer = address("buyer")
    account_id = add_record(installation, "account", rep.user, name=name, email=customer)
    ref = RecordRef("account", account_id)
    tracker = MessageTracker(installation.uow, installation.blobs)
    outgoing, incoming = [], []
    for number in range(3):
        subject = unique(f"Out {number} ")
        raw = make_message(
            sender=rep.user.email,
            to=[customer],
            cc=[address("cc")],
            subject=subject,
            attachments=[("q.pdf", "application/pdf", b"%PDF-1.4"), ("r.txt", "text/plain", b"r")],
        )
        tracker.track(TrackRequest(raw, rep.user.email, ref))
        outgoing.append(subject)
    for number in range(2):
        subject = unique(f"In {number} ")
        raw = make_message(
            sender=customer, sender_name="Bo Buyer", to=[rep.user.email], subject=subject
        )
        tracker.track(TrackRequest(raw, rep.user.email))
        incoming.append(subject)
    newest_first = list(reversed(outgoing + incoming))
    path = f"/records/account/{account_id}"
    sign_in(web, rep)

    page = web.get(path).text
    seen = _subjects(page)
    assert seen == newest_first[:2]
    more = _more(page)
    while more is not None:  # what htmx loads as the list scrolls
        fragment = web.get(more[0])
        assert fragment.status_code == 200 and "<html" not in fragment.text
        seen += _subjects(fragment.text)
        more = _more(fragment.text)
    assert seen == newest_first
    # Without script, the placeholder is a link to the record page from that point on.
    second = _more(page)
    assert second is not None
    continued = web.get(second[1]).text
    assert _subjects(continued) == newest_first[2:4] and "Newest email" in continued

    only_out = web.get(path, params={"direction": "outgoing"}).text
    assert 'value="outgoing" selected' in only_out
    out_seen = _subjects(only_out)
    more = _more(only_out)
    assert more is not None and "direction=outgoing" in more[0]
    out_seen += _subjects(web.get(more[0]).text)
    assert out_seen == list(reversed(outgoing))
    only_in = web.get(path, params={"direction": "incoming"}).text
    assert _subjects(only_in) == list(reversed(incoming)) and _more(only_in) is None
    assert web.get(path, params={"direction": "sideways"}).status_code == 422

    entry = only_out.split('class="activity-list__item"')[1]
    assert "2 attachments" in entry and "Outgoing" in entry
    assert f'href="/records/account/{account_id}">{name}</a>' in entry
    assert customer in entry and "Cc:" in entry
    assert "Bo Buyer" in only_in.split('class="activity-list__item"')[1]


def test_the_timeline_fragment_is_404_for_a_record_the_user_may_not_read(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    sign_in(web, rep)
    assert web.get("/records/account/999999/timeline").status_code == 404
    assert web.get("/records/spaceship/1/timeline").status_code == 404
    assert web.get("/records/account/1/timeline", params={"cursor": "!!"}).status_code in (404, 422)
