"""One error shape for every failure: ``{"error": {"code", "message", "details"}}``.

Domain and service exceptions become statuses here and nowhere else: routes never build error
responses themselves. Unexpected exceptions are logged and answered with a bare 500 that reveals
nothing about the cause.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from correspondent.domain.errors import (
    Conflict,
    CorrespondentError,
    DuplicateActivity,
    InvalidInput,
    MessageDeferred,
    NotFound,
    PermissionDenied,
)
from correspondent.domain.settings import SettingsRejected
from correspondent.mail.imap_errors import (
    ImapAuthenticationError,
    ImapError,
    ImapFolderNotFound,
    ImapInsecureTransport,
)
from correspondent.services.activities.track import MessageQuarantined
from correspondent.services.auth import AuthenticationFailed, LoginThrottled
from correspondent.services.mailboxes.secrets import SecretUnreadable

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_attempts",
    502: "mailbox_unreachable",
    503: "try_again_later",
}


class CsrfFailed(PermissionDenied):
    """A browser request that changes state did not carry the session's CSRF token."""


class BodyTooLarge(StarletteHTTPException):
    """The request body is larger than this endpoint accepts."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes.")


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details}}
    return JSONResponse(body, status_code=status, headers=headers)


def _status_for(error: CorrespondentError) -> tuple[int, str]:
    table: list[tuple[type[CorrespondentError], int, str]] = [
        (AuthenticationFailed, 401, "unauthenticated"),
        (LoginThrottled, 429, "too_many_attempts"),
        (CsrfFailed, 403, "csrf_failed"),
        (PermissionDenied, 403, "forbidden"),
        (NotFound, 404, "not_found"),
        (Conflict, 409, "conflict"),
        (DuplicateActivity, 409, "conflict"),
        (MessageQuarantined, 422, "message_quarantined"),
        (InvalidInput, 422, "invalid_input"),
        (MessageDeferred, 503, "try_again_later"),
        # The mail server's answers (mailbox test, enable, folders): the credentials or settings
        # the user gave are wrong (422), or the server failed or is unreachable (502).
        (ImapAuthenticationError, 422, "mailbox_login_failed"),
        (ImapInsecureTransport, 422, "invalid_input"),
        (ImapFolderNotFound, 404, "not_found"),
        (SecretUnreadable, 409, "secret_unreadable"),
        (ImapError, 502, "mailbox_unreachable"),
    ]
    for kind, status, code in table:
        if isinstance(error, kind):
            return status, code
    return 500, "internal_error"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CorrespondentError)
    async def _domain(request: Request, error: CorrespondentError) -> JSONResponse:
        status, code = _status_for(error)
        if status == 500:
            log.error("unexpected failure on %s", request.url.path, exc_info=error)
            return error_response(500, code, "Something went wrong on our side; it was logged.")
        details = None
        if isinstance(error, MessageQuarantined):
            details = {"quarantine_id": error.quarantine_id, "reason": error.reason}
        if isinstance(error, SettingsRejected):
            details = {"problems": error.problems}
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if status == 503:
            headers = {"Retry-After": "30"}
        return error_response(status, code, str(error), details, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            {"location": list(e.get("loc", ())), "problem": e.get("msg", ""), "type": e.get("type")}
            for e in error.errors()
        ]
        if any(p["type"] == "json_invalid" for p in problems):
            return error_response(400, "malformed_json", "The body is not valid JSON.", problems)
        return error_response(422, "validation_error", "The request is not valid.", problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(error.status_code, "error")
        return error_response(
            error.status_code, code, str(error.detail), headers=getattr(error, "headers", None)
        )

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, error: ClientDisconnect) -> JSONResponse:
        # The client hung up before we read its body (a load generator stopping, a user closing
        # a tab): nothing failed on our side and nobody will read the answer.
        log.info("client disconnected during %s %s", request.method, request.url.path)
        return error_response(400, "client_disconnected", "The client disconnected.")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.error("unexpected failure on %s", request.url.path, exc_info=error)
        return error_response(500, "internal_error", "Something went wrong on our side.")
