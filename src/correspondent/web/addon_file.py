"""Where the built Thunderbird add-on lies for the Mail client page to offer.

``make setup`` (and ``make addon``) builds it from ``clients/`` into this package's git-ignored
``addons/`` folder (clients/build_addon.py), as ``make web-assets`` copies the browser assets:
the server offers exactly what the repository's sources build, never a committed binary.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

THUNDERBIRD_XPI = Path(__file__).parent / "addons" / "correspondent-thunderbird.xpi"


def addon_version(xpi: Path = THUNDERBIRD_XPI) -> str | None:
    """The built add-on's version (from its manifest), or None when it is not built."""
    try:
        with zipfile.ZipFile(xpi) as archive:
            version = json.loads(archive.read("manifest.json"))["version"]
    except FileNotFoundError:
        return None
    return str(version)
