"""Installation settings from the environment and the CLI's flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from correspondent.config import InvalidConfiguration, Settings


def test_variables_are_read_and_flags_win_over_them() -> None:
    environ = {
        "CORRESPONDENT_DATA_DIR": "/srv/crm",
        "CORRESPONDENT_MAX_MESSAGE_BYTES": "1234",
        "CORRESPONDENT_SECRET_KEY": "k",
        "OTHER": "ignored",
    }
    settings = Settings.from_environment(environ, data_dir=Path("/elsewhere"), database_url=None)
    assert settings.data_dir == Path("/elsewhere")  # the flag
    assert settings.max_message_bytes == 1234 and settings.secret_key == "k"
    assert settings.database_url is None  # an unset flag leaves the variable (unset) alone


def test_an_empty_variable_counts_as_unset() -> None:
    assert Settings.from_environment({"CORRESPONDENT_IMAP_CA_FILE": ""}).imap_ca_file is None


@pytest.mark.parametrize("value", ["lots", "0", "-5", "1.5"])
def test_a_message_size_that_is_not_a_positive_number_is_refused_by_name(value: str) -> None:
    with pytest.raises(InvalidConfiguration, match="CORRESPONDENT_MAX_MESSAGE_BYTES"):
        Settings.from_environment({"CORRESPONDENT_MAX_MESSAGE_BYTES": value})


def test_an_unknown_override_is_refused() -> None:
    with pytest.raises(InvalidConfiguration, match="Unknown setting 'data_directory'"):
        Settings.from_environment({}, data_directory="/x")


def test_the_environment_it_exports_rebuilds_it(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, max_message_bytes=99, database_url="sqlite:///x")
    assert Settings.from_environment(settings.as_environment()) == settings
