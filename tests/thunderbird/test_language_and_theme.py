"""The add-on in Japanese and in a dark theme, in a real Thunderbird (issue 10, point 7):
Thunderbird's language is Japanese (Debian's thunderbird-l10n-ja language pack and
``intl.locale.requested``) and its colour scheme dark (``ui.systemUsesDarkTheme``); the options
page and the pane speak Japanese and their text stays readable on a dark background."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from correspondent.domain.access import OPERATOR
from correspondent.services import auth
from tests.support.dovecot import DovecotServer
from tests.sync.harness import SyncEnv
from tests.thunderbird.pane import OptionsPage
from tests.thunderbird.session import MailClient, Server, addon_text, sign_in, start_thunderbird

pytestmark = pytest.mark.dovecot
JA = addon_text("ja")
JAPANESE_DARK = {"intl.locale.requested": "ja", "ui.systemUsesDarkTheme": 1}


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a CSS ``rgb(…)``/``rgba(…)`` colour."""
    r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", colour)[:3])
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture
def japanese_dark_client(
    env: SyncEnv,
    server: Server,
    dovecot: DovecotServer,
    dovecot_user: tuple[str, str],
    addon_dir: Path,
) -> Iterator[MailClient]:
    login, password = dovecot_user
    tb, addon = start_thunderbird(dovecot, login, password, login, addon_dir, JAPANESE_DARK)
    try:
        token = auth.create_token(server.installation.uow, OPERATOR, env.user.email).token
        options = OptionsPage(tb, addon)
        seen = options.open()
        assert seen["lang"].startswith("ja") and seen["status"] == JA("notSignedIn")
        sign_in(tb, addon, server.url, token, JA)
        yield MailClient(tb, addon, token, addon_dir)
    finally:
        tb.close()


def test_the_pane_speaks_japanese_and_reads_well_in_the_dark_theme(
    japanese_dark_client: MailClient, env: SyncEnv
) -> None:
    message_id = env.append("INBOX", subject="見積もりのお願い")
    pane = japanese_dark_client.open_pane(message_id)
    seen = pane.wait_for_status("not-tracked")
    assert seen["status"] == JA("statusNotTracked")
    colours = seen["colours"]
    assert _luminance(colours["background"]) < 0.1, colours  # a dark page, not a white one
    assert _contrast(colours["text"], colours["background"]) >= 4.5, colours

    pane.press(JA("buttonTrack"))
    seen = pane.wait_for_status("tracked")
    assert seen["status"] == JA("statusTracked")
    assert JA("headingParticipants") in seen["text"]
    assert _contrast(seen["colours"]["status"], seen["colours"]["background"]) >= 4.5, seen
    names = {c["name"] for c in seen["controls"] if c["role"] == "button"}
    assert {JA("buttonSetRegarding"), JA("buttonView"), JA("buttonUntrack")} <= names
    assert env.activity(message_id) is not None
