"""Importing the sign-in module hashes nothing: every CLI command imports it, and a hash costs
a tenth of a second. Checked by counting hashes in a fresh interpreter, not by timing."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import argon2
hashed = []
real = argon2.PasswordHasher.hash
argon2.PasswordHasher.hash = lambda self, *a, **k: hashed.append(1) or real(self, *a, **k)
import correspondent.services.auth as auth
import correspondent.cli.records
print(len(hashed))
assert not auth._password_matches(None, "a password nobody has")
print(len(hashed))
"""


def test_no_password_is_hashed_until_someone_signs_in() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "1"]
