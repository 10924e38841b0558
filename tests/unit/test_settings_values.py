"""Typed settings: every definition has an attribute, stored text is parsed, defaults apply."""

from __future__ import annotations

import dataclasses

import pytest

from correspondent.domain.errors import InvalidInput
from correspondent.domain.settings import (
    ORG_SETTINGS,
    PERSONAL_OPTIONS,
    OrgSettings,
    PersonalOptions,
    parse_setting,
)


def test_every_setting_has_a_typed_attribute() -> None:
    org = {f.name for f in dataclasses.fields(OrgSettings)}
    personal = {f.name for f in dataclasses.fields(PersonalOptions)}
    assert org == {key.replace(".", "_") for key in ORG_SETTINGS}
    assert personal == {key.replace(".", "_") for key in PERSONAL_OPTIONS}


def test_stored_text_is_parsed_and_defaults_fill_the_rest() -> None:
    org = OrgSettings.from_stored({"attachments.max_bytes": "1234", "correlation.enabled": "off"})
    assert org.attachments_max_bytes == 1234
    assert org.correlation_enabled is False
    assert org.correlation_token_prefix == "CRM:"
    assert PersonalOptions.from_stored({"auto_create": "lead"}).auto_create == "lead"


def test_an_unknown_key_from_input_is_the_users_error() -> None:
    with pytest.raises(InvalidInput, match="Unknown setting"):
        parse_setting(ORG_SETTINGS, "correlation.enabeld", "on")


def test_language_and_time_zone_are_checked() -> None:
    options = PersonalOptions.from_stored({})
    assert (options.language, options.time_zone) == ("browser", "UTC")
    assert parse_setting(PERSONAL_OPTIONS, "time_zone", " Asia/Tokyo ") == "Asia/Tokyo"
    assert parse_setting(PERSONAL_OPTIONS, "language", "JA") == "ja"
    with pytest.raises(InvalidInput, match="not a time zone"):
        parse_setting(PERSONAL_OPTIONS, "time_zone", "Mars/Olympus")
    with pytest.raises(InvalidInput, match="not one of"):
        parse_setting(PERSONAL_OPTIONS, "language", "fr")
