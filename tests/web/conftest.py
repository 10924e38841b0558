"""Web app fixtures: the app over the real ``installation`` (SQLite and PostgreSQL), users with a
password, and a client that signs in through the sign-in form as a browser does."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from httpx import Response

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from correspondent.api.app import create_app
from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.users import User
from correspondent.services import auth
from correspondent.services.admin import users as admin_users
from tests.builders import address, unique

PASSWORD_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class WebUser:
    user: User
    password: str


def make_web_user(inst: Installation, role: str = "salesperson", name: str = "Web User") -> WebUser:
    user = admin_users.add_user(
        inst.uow, OPERATOR, address("w", "ourco.example"), name, roles=[role]
    )
    password = unique("pw-")
    auth.set_password(inst.uow, OPERATOR, user.email, password)
    return WebUser(user, password)


def form_token(html: str) -> str:
    found = PASSWORD_FIELD.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def post_sign_in(client: TestClient, who: WebUser, next_path: str = "/") -> Response:
    """Fill in and send the sign-in form as a browser does; the answer, not followed."""
    page = client.get("/sign-in", params={"next": next_path})
    return client.post(
        "/sign-in",
        data={
            "email": who.user.email,
            "password": who.password,
            "csrf_token": form_token(page.text),
            "next": next_path,
        },
        follow_redirects=False,
    )


def sign_in(client: TestClient, who: WebUser, next_path: str = "/") -> str:
    """Sign in through the form; returns the CSRF token of the page signed in to."""
    answer = post_sign_in(client, who, next_path)
    assert answer.status_code == 303, answer.text
    home = client.get(answer.headers["location"])
    assert home.status_code == 200, home.text
    return form_token(home.text)


@pytest.fixture
def web(installation: Installation) -> Iterator[TestClient]:
    with TestClient(create_app(installation)) as test_client:
        yield test_client


@pytest.fixture
def rep(installation: Installation) -> WebUser:
    return make_web_user(installation, "salesperson", "Sam Web")
