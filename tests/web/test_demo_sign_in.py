"""``make run`` seeds the demo and prints one-time passwords that sign in to the web app."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.cli.first_steps import startup_message
from correspondent.demo.seed import DEMO_ADMIN, USERS, seed_demo_if_empty
from correspondent.domain.access import OPERATOR
from correspondent.services.admin.users import list_users
from tests.web.conftest import WebUser, sign_in


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_printed_demo_passwords_sign_in(web: TestClient, installation: Installation) -> None:
    summary = seed_demo_if_empty(installation)
    assert summary is not None
    printed = dict(re.findall(r"^\s+(\S+@ourco\.example)\s+(\S+)\s+\(", summary, re.MULTILINE))
    assert set(printed) == {email for email, *_ in USERS}
    users = {u.email: u for u in list_users(installation.uow, OPERATOR)}
    for email in (DEMO_ADMIN, "sam.sales@ourco.example"):
        web.cookies.clear()
        sign_in(web, WebUser(users[email], printed[email]))
        assert "Sign out" in web.get("/").text
    message = startup_message(installation.settings, "http://127.0.0.1:8000", DEMO_ADMIN)
    assert "Web app: http://127.0.0.1:8000/ " in message
