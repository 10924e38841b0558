"""API test fixtures: the app over the real ``installation`` (SQLite and PostgreSQL) and users
with personal API tokens."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from correspondent.api.app import create_app
from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.users import User
from correspondent.services import auth
from correspondent.services.admin import users as admin_users
from tests.builders import address


@dataclass
class ApiUser:
    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_api_user(
    inst: Installation, role: str = "salesperson", unit: str | None = None
) -> ApiUser:
    user = admin_users.add_user(
        inst.uow,
        OPERATOR,
        address("u", "ourco.example"),
        "API User",
        roles=[role],
        business_unit=unit,
    )
    return ApiUser(user, auth.create_token(inst.uow, OPERATOR, user.email).token)


@pytest.fixture
def client(installation: Installation) -> Iterator[TestClient]:
    with TestClient(create_app(installation)) as test_client:
        yield test_client
