"""Organisation settings and personal options: names, types, defaults and validation.

Both are stored as text key/value pairs; this module is the single place that knows which keys
exist, what they mean and what values they accept, so the CLI, the API and the engine agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from correspondent.domain.attachments import (
    DEFAULT_BLOCKED_EXTENSIONS,
    DEFAULT_MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENT_BYTES_LIMIT,
)
from correspondent.domain.errors import InvalidInput


def _bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"on", "true", "yes", "1"}:
        return True
    if lowered in {"off", "false", "no", "0"}:
        return False
    raise InvalidInput(f"{text!r} is not on/off.")


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip().lower()
        if value not in choices:
            raise InvalidInput(f"{text!r} is not one of: {', '.join(choices)}.")
        return value

    return parse


def _int_range(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise InvalidInput(f"{text!r} is not a whole number.") from None
        if not low <= value <= high:
            raise InvalidInput(f"{value} is outside {low}..{high}.")
        return value

    return parse


def _extensions(text: str) -> frozenset[str]:
    items = {item.strip().lower().lstrip(".") for item in text.replace(",", " ").split()}
    return frozenset(item for item in items if item)


def _time_zone(text: str) -> str:
    name = text.strip()
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        raise InvalidInput(
            f"{text!r} is not a time zone; use an IANA name such as Europe/Paris or Asia/Tokyo."
        ) from None
    return name


def _prefix(text: str) -> str:
    value = text.strip()
    if not value or any(c.isspace() for c in value) or len(value) > 20:
        raise InvalidInput("The tracking-token prefix must be 1-20 characters without spaces.")
    return value


def _format(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, frozenset):
        return " ".join(sorted(value))
    return str(value)


@dataclass(frozen=True)
class SettingDefinition:
    key: str
    description: str
    default: Any
    parse: Callable[[str], Any]

    def format(self, value: Any) -> str:
        return _format(value)


def _defs(*items: SettingDefinition) -> dict[str, SettingDefinition]:
    return {item.key: item for item in items}


ORG_SETTINGS = _defs(
    SettingDefinition(
        "resolution.from_multiple",
        "From matches several records: first | unresolved",
        "first",
        _choice("first", "unresolved"),
    ),
    SettingDefinition(
        "resolution.recipients_unresolved_on_multiple",
        "Leave To/Cc/Bcc unresolved when several records match",
        False,
        _bool,
    ),
    SettingDefinition(
        "resolution.match_inactive", "Inactive records may match addresses", False, _bool
    ),
    SettingDefinition(
        "tracking.internal_as_two_activities",
        "Mail between two users is stored as a sent and a received activity",
        True,
        _bool,
    ),
    SettingDefinition(
        "tracking.require_regarding", "Tracking needs a regarding record", False, _bool
    ),
    SettingDefinition(
        "tracking.require_approved_email",
        "Refuse mail of users whose email address is not approved",
        True,
        _bool,
    ),
    SettingDefinition("correlation.enabled", "Correlate replies with tracked mail", True, _bool),
    SettingDefinition(
        "correlation.tracking_token", "Recognise tracking tokens in subjects", True, _bool
    ),
    SettingDefinition("correlation.token_prefix", "Prefix of the tracking token", "CRM:", _prefix),
    SettingDefinition(
        "correlation.smart_matching",
        "Match by subject and participants when nothing else matches",
        False,
        _bool,
    ),
    SettingDefinition(
        "attachments.blocked_extensions",
        "File extensions that are never saved",
        DEFAULT_BLOCKED_EXTENSIONS,
        _extensions,
    ),
    SettingDefinition(
        "attachments.max_bytes",
        "Largest attachment saved, in bytes",
        DEFAULT_MAX_ATTACHMENT_BYTES,
        _int_range(1, MAX_ATTACHMENT_BYTES_LIMIT),
    ),
)

PERSONAL_OPTIONS = _defs(
    SettingDefinition(
        "auto_create",
        "Create records for unresolved addresses: none | contact | lead",
        "none",
        _choice("none", "contact", "lead"),
    ),
    SettingDefinition(
        "track_replies", "Track replies to and forwards of tracked mail", True, _bool
    ),
    SettingDefinition(
        "incoming_tracking",
        "Automatic tracking of incoming mail: all | replies | crm_people | email_enabled | none",
        "replies",
        _choice("all", "replies", "crm_people", "email_enabled", "none"),
    ),
    SettingDefinition(
        "address_book", "Address-book search: own | readable", "own", _choice("own", "readable")
    ),
    SettingDefinition(
        "track_keyword", "IMAP keyword that asks for a message to be tracked", "Track", _prefix
    ),
    SettingDefinition(
        "language",
        "Language of the web app: browser (as the browser asks) | en | ja",
        "browser",
        _choice("browser", "en", "ja"),
    ),
    SettingDefinition(
        "time_zone", "Time zone for dates and times shown (IANA name)", "UTC", _time_zone
    ),
)


class SettingValues:
    """Typed view over stored text values, falling back to defaults."""

    def __init__(
        self, definitions: Mapping[str, SettingDefinition], stored: Mapping[str, str]
    ) -> None:
        self._definitions = definitions
        self._stored = stored

    def __getitem__(self, key: str) -> Any:
        # Keys come from the definitions themselves, never from input (that goes through
        # ``lookup``): an unknown key here is a bug, so KeyError, not InvalidInput.
        definition = self._definitions[key]
        if key in self._stored:
            return definition.parse(self._stored[key])
        return definition.default

    def as_text(self) -> dict[str, str]:
        return {key: d.format(self[key]) for key, d in sorted(self._definitions.items())}


def lookup(definitions: Mapping[str, SettingDefinition], key: str) -> SettingDefinition:
    try:
        return definitions[key]
    except KeyError:
        raise InvalidInput(
            f"Unknown setting {key!r}; known: {', '.join(sorted(definitions))}."
        ) from None


def parse_setting(definitions: Mapping[str, SettingDefinition], key: str, text: str) -> str:
    """Validate ``text`` for ``key`` and return the canonical text to store."""
    definition = lookup(definitions, key)
    return definition.format(definition.parse(text))


class SettingsRejected(InvalidInput):
    """Some of the values given together are not valid, so none was stored.

    ``problems`` names each bad key with the reason, so a form can show every error at once.
    """

    def __init__(self, problems: Mapping[str, str]) -> None:
        listed = "; ".join(f"{key}: {why}" for key, why in problems.items())
        super().__init__(f"Nothing was changed. {listed}")
        self.problems = dict(problems)


def parse_settings(
    definitions: Mapping[str, SettingDefinition], values: Mapping[str, str]
) -> dict[str, str]:
    """Validate every value; the canonical texts, or ``SettingsRejected`` naming each bad one."""
    canonical: dict[str, str] = {}
    problems: dict[str, str] = {}
    for key, text in values.items():
        try:
            canonical[key] = parse_setting(definitions, key, text)
        except InvalidInput as bad:
            problems[key] = str(bad)
    if problems:
        raise SettingsRejected(problems)
    return canonical


@dataclass(frozen=True)
class OrgSettings:
    """The organisation settings as typed attributes (a mistyped name is caught by mypy).

    Each attribute is the setting of the same name with ``.`` written as ``_``.
    """

    resolution_from_multiple: str
    resolution_recipients_unresolved_on_multiple: bool
    resolution_match_inactive: bool
    tracking_internal_as_two_activities: bool
    tracking_require_regarding: bool
    tracking_require_approved_email: bool
    correlation_enabled: bool
    correlation_tracking_token: bool
    correlation_token_prefix: str
    correlation_smart_matching: bool
    attachments_blocked_extensions: frozenset[str]
    attachments_max_bytes: int

    @classmethod
    def from_stored(cls, stored: Mapping[str, str]) -> OrgSettings:
        return cls(**_typed(ORG_SETTINGS, stored))


@dataclass(frozen=True)
class PersonalOptions:
    """One user's personal options as typed attributes."""

    auto_create: str
    track_replies: bool
    incoming_tracking: str
    address_book: str
    track_keyword: str
    language: str
    time_zone: str

    @classmethod
    def from_stored(cls, stored: Mapping[str, str]) -> PersonalOptions:
        return cls(**_typed(PERSONAL_OPTIONS, stored))


def _typed(
    definitions: Mapping[str, SettingDefinition], stored: Mapping[str, str]
) -> dict[str, Any]:
    values = SettingValues(definitions, stored)
    return {key.replace(".", "_"): values[key] for key in definitions}
