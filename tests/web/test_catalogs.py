"""Every interface text is in the catalogs, and Japanese translates every one of them."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from correspondent.web import i18n

WEB = Path(i18n.__file__).parent


def _used_messages() -> set[str]:
    found = extract_from_dir(
        str(WEB),
        method_map=[("**/templates/**.html", "jinja2"), ("**.py", "python")],
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.do"}},
        keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None},
    )
    messages = set()
    for _file, _line, message, _comments, _context in found:
        messages.add(message if isinstance(message, str) else message[0])
    return messages


def _catalog(language: str) -> dict[str, str]:
    with (i18n.LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    return {
        (m.id if isinstance(m.id, str) else m.id[0]): (
            m.string if isinstance(m.string, str) else m.string[0]
        )
        for m in catalog
        if m.id
    }


def test_every_message_used_is_in_both_catalogs_and_translated_into_japanese() -> None:
    used = _used_messages()
    assert "Sign in" in used and "Enter your password" in used  # the extraction works
    for language in i18n.LANGUAGES:
        missing = used - set(_catalog(language))
        assert not missing, f"{language}: run 'make messages' ({sorted(missing)[:5]})"
    japanese = _catalog("ja")
    untranslated = sorted(m for m in used if not japanese[m])
    assert not untranslated, untranslated


def test_placeholders_survive_translation() -> None:
    japanese = _catalog("ja")
    for message, text in japanese.items():
        for placeholder in ("%(name)s", "%(num)d", "%(count)s"):
            assert (placeholder in message) == (placeholder in text), message


def test_language_negotiation() -> None:
    assert i18n.choose_language("browser", "ja-JP,ja;q=0.9") == "ja"
    assert i18n.choose_language("browser", "fr-FR, en;q=0.4, ja;q=0.8") == "ja"
    assert i18n.choose_language("browser", "de") == "en"
    assert i18n.choose_language("ja", "en-GB") == "ja"
    assert i18n.choose_language(None, "") == "en"
