"""The add-on's own logic (offline queue, message shaping, the pane model, the API client) is
unit-tested with Node's built-in test runner; this runs those tests inside the suite, and checks
that the built add-on holds what its manifest and pages name."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

CLIENTS = Path(__file__).resolve().parents[2] / "clients"


def test_node_unit_tests_of_the_add_on_pass() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed (apt-get install -y nodejs); the add-on's tests need it")
    result = subprocess.run(
        [node, "--test", "shared/test/"],
        cwd=CLIENTS,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"^# fail 0$", result.stdout, re.M), result.stdout[-2000:]


def test_the_xpi_holds_every_file_its_pages_and_manifest_name(tmp_path: Path) -> None:
    xpi = tmp_path / "addon.xpi"
    subprocess.run(
        [sys.executable, str(CLIENTS / "build_addon.py"), "--xpi", str(xpi)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    with zipfile.ZipFile(xpi) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        assert not any("test" in name.split("/")[:-1] for name in names)
        named = [
            *manifest["background"]["scripts"],
            manifest["message_display_action"]["default_popup"],
            manifest["options_ui"]["page"],
        ]
        for page in ("popup/pane.html", "options/options.html"):
            html = archive.read(page).decode()
            base = page.rsplit("/", 1)[0]
            named += [
                str(Path(base, ref)).replace("\\", "/")
                for ref in re.findall(r'(?:src|href)="([^"]+)"', html)
            ]
        for script in [n for n in names if n.endswith(".js")]:
            base = Path(script).parent
            for ref in re.findall(r'from "(\.[^"]+)"', archive.read(script).decode()):
                named.append(_normalise(base / ref))
    missing = sorted({_normalise(Path(n)) for n in named} - names)
    assert missing == []
    en = json.loads((CLIENTS / "thunderbird/_locales/en/messages.json").read_text())
    ja = json.loads((CLIENTS / "thunderbird/_locales/ja/messages.json").read_text())
    assert en.keys() == ja.keys()
    used = set()
    for source in [*CLIENTS.glob("thunderbird/**/*.*"), *CLIENTS.glob("shared/*.js")]:
        if source.suffix in (".js", ".html") and "test" not in source.parts:
            text = source.read_text()
            used |= set(re.findall(r'data-i18n="(\w+)"', text))
            used |= set(re.findall(r'\bt\("(\w+)"', text))
            used |= set(re.findall(r"__MSG_(\w+)__", text))
    used |= set(re.findall(r"__MSG_(\w+)__", json.dumps(manifest)))
    assert sorted(used - en.keys()) == []


def _normalise(path: Path) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def test_text_shared_with_the_web_app_is_translated_as_the_web_app_translates_it() -> None:
    """One translation per sentence: an add-on message whose English text is a message of the
    web app's catalogs says in Japanese what the web app says (the add-on's catalogue is JSON,
    as WebExtensions need; this keeps the two from drifting)."""
    from correspondent.web.i18n import LANGUAGES, load_catalogs

    catalogs = load_catalogs()
    english = json.loads((CLIENTS / "thunderbird/_locales/en/messages.json").read_text())
    for language in (lang for lang in LANGUAGES if lang != "en"):
        addon = json.loads((CLIENTS / f"thunderbird/_locales/{language}/messages.json").read_text())
        shared = {
            key: catalogs[language].gettext(entry["message"])
            for key, entry in english.items()
            if catalogs[language].gettext(entry["message"]) != entry["message"]
        }
        assert len(shared) >= 10, "the add-on should share its common words with the web app"
        assert {key: addon[key]["message"] for key in shared} == shared, language
