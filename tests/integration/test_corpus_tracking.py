"""Every real-world message in the shared corpus ends tracked or quarantined, never a crash.

The corpus (``../shared/corpus``, messages from other parsers' test suites) is read in place and
never copied into the repository. Hypothesis adds generated hostile input on top.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.services.activities import queries
from correspondent.services.activities.track import MessageQuarantined, MessageTracker, TrackRequest
from tests.builders import add_user
from tests.support.corpus import FILES, require_corpus


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_corpus_file_is_tracked_or_quarantined(installation: Installation) -> None:
    require_corpus()
    user = add_user(installation)
    tracker = MessageTracker(installation.uow, installation.blobs)
    tracked = quarantined = 0
    for path in FILES:
        raw = path.read_bytes()
        try:
            result = tracker.track(TrackRequest(raw, user.email, origin=str(path)))
        except MessageQuarantined as error:
            assert error.reason.strip(), path
            quarantined += 1
            continue
        view = queries.get_activity(installation.uow, OPERATOR, result.activity_id).as_json()
        assert isinstance(view["subject"], str)
        tracked += 1
    with installation.uow() as uow:
        assert len(uow.quarantine.list(limit=10_000)) == quarantined
    assert tracked + quarantined == len(FILES)
    assert tracked > len(FILES) // 2, (tracked, quarantined)


HEADERS = st.sampled_from(
    [
        b"From",
        b"To",
        b"Cc",
        b"Subject",
        b"Message-ID",
        b"In-Reply-To",
        b"References",
        b"Date",
        b"Content-Type",
        b"Content-Transfer-Encoding",
        b"Content-Disposition",
    ]
)


@st.composite
def hostile_messages(draw: st.DrawFn) -> bytes:
    lines = [
        draw(HEADERS) + b": " + draw(st.binary(max_size=60)).replace(b"\n", b" ")
        for _ in range(draw(st.integers(0, 8)))
    ]
    body = draw(st.binary(max_size=400))
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=st.one_of(hostile_messages(), st.binary(max_size=300)))
def test_generated_input_never_escapes_as_an_unexplained_error(
    installation: Installation,
    raw: bytes,
) -> None:
    with installation.uow() as uow:
        user = uow.directory.list_users()
    email = user[0].email if user else add_user(installation).email
    try:
        result = MessageTracker(installation.uow, installation.blobs).track(
            TrackRequest(raw, email)
        )
    except MessageQuarantined as error:
        assert error.reason
    else:
        assert queries.get_activity(installation.uow, OPERATOR, result.activity_id).as_json()["id"]
