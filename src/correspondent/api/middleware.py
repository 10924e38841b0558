"""Pure ASGI middleware: security headers on every response, and request body size limits.

Written against ASGI directly (not ``BaseHTTPMiddleware``) so streaming bodies stay streamed and
each request pays for one function call, not an extra task. The size limit checks
``Content-Length`` first and also counts the bytes actually received, so a chunked body cannot
slip past it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from correspondent.api.errors import BodyTooLarge
from correspondent.web.framing import addin_csp, embedded_by_addin

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


class SecurityHeaders:
    """Headers every response gets; a response with a CSP of its own (a web page) keeps it.

    Without one (JSON, files, errors) it gets ``API_CSP``, which allows nothing at all, and
    ``X-Frame-Options: DENY``; web pages set their CSP and framing rules themselves. Pages the
    Outlook add-in embeds may be framed by Office (``web/framing.py``), whoever made them.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"content-security-policy" for name, _ in headers):
                    headers += [
                        (b"content-security-policy", API_CSP.encode()),
                        (b"x-frame-options", b"DENY"),
                    ]
                if embedded_by_addin(scope["path"]):
                    headers = _framed_by_office(headers)
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if scope["path"].startswith("/api/"):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _framed_by_office(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """A page the Outlook add-in embeds: Office may frame it. X-Frame-Options cannot name
    other origins, so it goes; ``frame-ancestors`` says who may frame the page instead."""
    framed = []
    for name, value in headers:
        lowered = name.lower()
        if lowered == b"x-frame-options":
            continue
        if lowered == b"content-security-policy":
            value = addin_csp(value.decode("latin-1")).encode("latin-1")
        framed.append((name, value))
    return framed


class BodySizeLimit:
    """Refuse bodies above ``default`` bytes, or above the limit of the first matching prefix."""

    def __init__(self, app: ASGIApp, default: int, limits: Sequence[tuple[str, int]]) -> None:
        self.app = app
        self.default = default
        self.limits = limits

    def limit_for(self, path: str) -> int:
        return next((n for prefix, n in self.limits if path.startswith(prefix)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _reject(send, limit)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited_receive, send)


async def _reject(send: Send, limit: int) -> None:
    body = json.dumps(
        {
            "error": {
                "code": "too_large",
                "message": f"The request body is larger than {limit} bytes.",
                "details": {"limit": limit},
            }
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
