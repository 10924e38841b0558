"""The Outlook add-in's add-in-only XML manifest, generated for the server's public address.

One manifest per installation: every URL in it is the server's public HTTPS address (the
``public_url`` setting), and its ``Id`` is derived from that address, so the same server always
gives the same add-in and two servers give two add-ins an organisation can deploy side by side.

Shape (the order of elements is the schema's, which Office enforces):

* ``OfficeApp`` of type ``MailApp`` (manifest schema 1.1) with a read form and an edit form for
  clients without add-in commands (they show the pane itself);
* ``VersionOverrides`` 1.0 wrapping ``VersionOverrides`` 1.1 (pinnable task panes need 1.1): a
  **Track** button on the message read surface opening the pinnable tracking pane, and a **Set
  Regarding** button on the compose surface opening the compose pane.

Requirement sets: the manifest asks for Mailbox 1.5 (pinnable panes); the pane checks the newer
sets it uses at run time (1.8 categories and internet headers, 1.14 the full message) and says
what is missing instead of failing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from correspondent import __version__
from correspondent.domain.errors import InvalidInput
from correspondent.web.i18n import N_

# The namespace the add-in Ids of this project are derived in (any fixed UUID would do).
ID_NAMESPACE = uuid.UUID("6f1d3c0e-3f4b-5b7e-9a59-0c0e5a1f2d11")
MIN_MAILBOX = "1.5"
BUTTON_ICON_SIZES = (16, 32, 80)
# Office's locales for our catalogs' languages.
OFFICE_LOCALES = {"en": "en-US", "ja": "ja-JP"}

SHORT_TEXT = {
    "groupLabel": N_("Correspondent"),
    "trackLabel": N_("Track"),
    "regardingLabel": N_("Set Regarding"),
}
LONG_TEXT = {
    "trackTip": N_(
        "Open the tracking pane: track this message, set what it is regarding, "
        "view it in Correspondent."
    ),
    "regardingTip": N_(
        "Choose the record this message is regarding; it is tracked with it once sent."
    ),
}
DISPLAY_NAME = N_("Correspondent")
DESCRIPTION = N_("Track email into Correspondent: Track, Set Regarding and the tracking pane.")
Translate = Callable[[str], str]


class PublicUrlMissing(InvalidInput):
    """The manifest needs the server's public HTTPS address, which is not configured."""


@dataclass(frozen=True)
class AddinUrls:
    """Where Outlook finds the add-in's files on this server."""

    origin: str

    def url(self, path: str) -> str:
        return f"{self.origin}/addin/outlook/{path}"

    @property
    def read_pane(self) -> str:
        return self.url("pane.html")

    @property
    def compose_pane(self) -> str:
        return self.url("compose.html")

    def icon(self, size: int) -> str:
        return self.url(f"icon-{size}.png")


@dataclass(frozen=True)
class Localised:
    en: str
    others: tuple[tuple[str, str], ...]
    """(Office locale, text) for every other language."""


@dataclass(frozen=True)
class Command:
    surface: str
    group: str
    key: str
    url: str
    pinnable: bool


def addin_urls(public_url: str | None) -> AddinUrls:
    """The add-in's addresses from the ``public_url`` setting; it must be https."""
    if not public_url:
        raise PublicUrlMissing(
            "The Outlook add-in needs the server's public address: set CORRESPONDENT_PUBLIC_URL "
            "to the https:// address users reach Correspondent at (see docs/clients.md)."
        )
    parts = urlsplit(public_url.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise PublicUrlMissing(
            f"CORRESPONDENT_PUBLIC_URL is {public_url!r}; Outlook loads add-ins only over "
            "https://, so give the https:// address of the server (or of its reverse proxy)."
        )
    return AddinUrls(f"https://{parts.netloc}{parts.path.rstrip('/')}")


def addin_id(urls: AddinUrls) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, urls.origin))


def office_version(version: str = __version__) -> str:
    """Office wants 1 to 4 dot-separated numbers; ``0.1.0`` becomes ``0.1.0.0``."""
    numbers = [part for part in version.split(".") if part.isdigit()][:4]
    return ".".join(numbers + ["0"] * (4 - len(numbers)))


@lru_cache(maxsize=1)
def _template() -> Template:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent),
        autoescape=True,  # every value lands in an attribute or text: escape &, <, >, quotes
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template("manifest.xml")


def build_manifest(public_url: str | None, translations: dict[str, Translate]) -> bytes:
    """The manifest's bytes (UTF-8 XML); ``translations`` maps "en", "ja" to gettext."""
    urls = addin_urls(public_url)

    def localised(message: str) -> Localised:
        others = tuple(
            (OFFICE_LOCALES[language], translate(message))
            for language, translate in translations.items()
            if language != "en"
        )
        return Localised(translations["en"](message), others)

    read = Command("MessageReadCommandSurface", "readGroup", "track", urls.read_pane, True)
    compose = Command(
        "MessageComposeCommandSurface", "composeGroup", "regarding", urls.compose_pane, False
    )
    commands = (read, compose)
    text = _template().render(
        addin_id=addin_id(urls),
        version=office_version(),
        urls=urls,
        text={"display_name": localised(DISPLAY_NAME), "description": localised(DESCRIPTION)},
        min_mailbox=MIN_MAILBOX,
        commands=commands,
        button_icon_sizes=BUTTON_ICON_SIZES,
        short_strings=[(resid, localised(m)) for resid, m in SHORT_TEXT.items()],
        long_strings=[(resid, localised(m)) for resid, m in LONG_TEXT.items()],
    )
    return text.encode("utf-8")
