"""Message catalogs (Babel .po files, compiled in memory at start), language choice, dates.

The catalogs live beside this module in ``locales/<lang>/LC_MESSAGES/messages.po``; they are
compiled when the app is built, so there are no generated .mo files to keep in step. The
language is the user's personal option, else the best match for the browser's
``Accept-Language``, else English. Dates and times are shown in the user's time zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("en", "ja")
DEFAULT_LANGUAGE = "en"


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs; it is translated where it is shown."""
    return message


def load_catalogs(directory: Path = LOCALES_DIR) -> dict[str, Translations]:
    """Every language's catalog, compiled from its .po file."""
    catalogs: dict[str, Translations] = {}
    for language in LANGUAGES:
        with (directory / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
            catalog = read_po(po, locale=language)
        compiled = BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        catalogs[language] = Translations(compiled)
    return catalogs


def choose_language(option: str | None, accept_language: str) -> str:
    """The personal option when it names a language, else the browser's best supported one."""
    if option in LANGUAGES:
        return option
    wanted: list[tuple[float, str]] = []
    for position, item in enumerate(accept_language.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag:
            # Sort by quality, then by the browser's order.
            wanted.append((-quality + position * 1e-6, tag.replace("_", "-")))
    preferred = [tag for _, tag in sorted(wanted)]
    found = Locale.negotiate(preferred, LANGUAGES, sep="-") if preferred else None
    return str(found.language) if found else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Localiser:
    """One request's language and time zone: the callables templates use for text and dates."""

    language: str
    time_zone: str
    translations: Translations

    def gettext(self, message: str, **variables: Any) -> str:
        text: str = self.translations.gettext(message)
        return text % variables if variables else text

    def ngettext(self, singular: str, plural: str, n: int, **variables: Any) -> str:
        text: str = self.translations.ngettext(singular, plural, n)
        return text % {"num": n, **variables}

    def datetime(self, value: datetime | str | None, format: str = "medium") -> str:
        if value is None or value == "":
            return ""
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return format_datetime(
            moment, format, tzinfo=ZoneInfo(self.time_zone), locale=self.language
        )

    def size(self, size: int) -> str:
        """A file size in the user's number format: bytes, KB or MB (powers of 1024)."""
        for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
            if size >= factor:
                return f"{format_decimal(size / factor, '#,##0.#', locale=self.language)} {unit}"
        return self.ngettext("%(num)d byte", "%(num)d bytes", size)

    def template_globals(self) -> Mapping[str, Any]:
        return {
            "_": self.gettext,
            "gettext": self.gettext,
            "ngettext": self.ngettext,
            "format_datetime": self.datetime,
            "format_size": self.size,
            "language": self.language,
            "time_zone": self.time_zone,
        }
