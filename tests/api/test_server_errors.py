"""Unexpected failures: a bare 500 in the error shape, with the usual security headers."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from starlette.requests import ClientDisconnect

from correspondent.api.app import create_app
from correspondent.bootstrap import Installation
from correspondent.domain.errors import MessageDeferred
from tests.api.test_bad_input import SECURITY_HEADERS


class Boom(RuntimeError):
    pass


@pytest.mark.parametrize("path", ["/api/v1/boom", "/boom"])
def test_unhandled_exception_answers_500_with_security_headers(
    installation: Installation, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(installation)

    @app.get(path)
    def boom() -> None:
        raise Boom("secret detail")

    client = TestClient(app, raise_server_exceptions=False)
    response = client.get(path)
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "secret detail" not in response.text
    for name in SECURITY_HEADERS:
        assert name in response.headers, name
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    if path.startswith("/api/"):
        assert response.headers["cache-control"] == "no-store"
    assert "secret detail" in caplog.text  # logged for the operator


def test_a_client_hanging_up_is_no_server_error(
    installation: Installation, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(installation)

    @app.post("/api/v1/hang-up")
    def hang_up() -> None:
        raise ClientDisconnect()

    response = TestClient(app).post("/api/v1/hang-up")  # raises if it reached the server
    assert response.status_code == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_deferred_parse_answers_503_with_retry_after(installation: Installation) -> None:
    app = create_app(installation)

    @app.get("/api/v1/busy")
    def busy() -> None:
        raise MessageDeferred("parsing was stopped after 600 s because the machine was too busy")

    response = TestClient(app, raise_server_exceptions=False).get("/api/v1/busy")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "30"
    assert response.json()["error"]["code"] == "try_again_later"
    assert "too busy" in response.json()["error"]["message"]
