"""A loopback OAuth2 token-introspection endpoint (RFC 7662) for Dovecot's oauth2 passdb.

Dovecot 2.3 validates an XOAUTH2/OAUTHBEARER bearer token by POSTing ``token=...`` to
``introspection_url`` and reading ``active`` and the user-name attribute from the JSON reply.
Tests register tokens here with :meth:`IntrospectionServer.grant`; unknown tokens are inactive.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class IntrospectionServer:
    """Answers ``POST /introspect`` on 127.0.0.1 with ``{"active": ..., "email": login}``."""

    def __init__(self) -> None:
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                token = (form.get("token") or [""])[0]
                login = owner.login_for(token)
                body = {"active": True, "email": login} if login else {"active": False}
                payload = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                """Keep test output quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="oauth-introspection", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """The URL Dovecot's ``introspection_url`` points at."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/introspect"

    def grant(self, token: str, login: str) -> None:
        """Make ``token`` an active bearer token for ``login``."""
        with self._lock:
            self._tokens[token] = login

    def revoke(self, token: str) -> None:
        """Make ``token`` inactive."""
        with self._lock:
            self._tokens.pop(token, None)

    def login_for(self, token: str) -> str | None:
        """The login a token belongs to, or ``None`` when it is not active."""
        with self._lock:
            return self._tokens.get(token)

    def close(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
