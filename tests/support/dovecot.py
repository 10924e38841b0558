"""A throw-away Dovecot IMAP server for integration tests.

``DovecotServer`` writes its own ``dovecot.conf`` into a temporary directory and runs
``dovecot -F -c CONF`` as a child process (it never touches ``/etc/dovecot``), listening on
127.0.0.1 only:

* ``port``: plain IMAP, also offering STARTTLS; ``tls_port``: implicit TLS (IMAPS). The
  certificate is signed by a CA generated at start-up (``ca_path`` / :meth:`ssl_context`).
* Each user has a one-line passwd-file (plain password) read on first login, so
  :meth:`add_user` works while the server runs. Mail is Maildir under the temp directory.
* XOAUTH2 and OAUTHBEARER go through Dovecot's oauth2 passdb to a loopback introspection
  endpoint (:class:`IntrospectionServer`); :meth:`grant_token` makes a bearer token valid.
* Dovecot refuses to deliver mail as root, so when the tests run as root the mail belongs to a
  non-root user (``correspondent-test``, created if absent, else ``nobody``). As non-root,
  everything runs as the current user.
* Sent, Drafts, Trash and Junk are special-use folders, created on first login.

:meth:`restart` stops the process and starts it again on the same ports with the same mail, as a
server upgrade or crash would look to a client: every open connection is dropped.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.dovecot_config import dovecot_config
from tests.support.oauth_introspection import IntrospectionServer
from tests.support.tls_cert import write_test_tls_files

DOVECOT_BINARY = os.environ.get("DOVECOT_BINARY", "/usr/sbin/dovecot")
MAIL_USER = "correspondent-test"
START_TIMEOUT = 60.0  # generous: a loaded machine starts it slowly, an idle one in ~0.2 s


class DovecotUnavailable(RuntimeError):
    """Dovecot is not installed or did not start; the message says why."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _mail_owner() -> tuple[str, int, int]:
    """User name, uid and gid that own the mail (never root)."""
    if os.geteuid() != 0:
        entry = pwd.getpwuid(os.geteuid())
        return entry.pw_name, entry.pw_uid, entry.pw_gid
    try:
        entry = pwd.getpwnam(MAIL_USER)
    except KeyError:
        created = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", MAIL_USER],
            capture_output=True,
            check=False,
        )
        entry = pwd.getpwnam(MAIL_USER if created.returncode == 0 else "nobody")
    return entry.pw_name, entry.pw_uid, entry.pw_gid


class DovecotServer:
    """One Dovecot process in its own temp directory; use as a context manager or call close()."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        if not os.access(DOVECOT_BINARY, os.X_OK):
            raise DovecotUnavailable(
                f"{DOVECOT_BINARY} not found: install dovecot-imapd (apt-get install -y "
                "dovecot-imapd) or set DOVECOT_BINARY"
            )
        self.root = Path(tempfile.mkdtemp(prefix="correspondent-dovecot-"))
        self.root.chmod(0o755)
        self.port = _free_port()
        self.tls_port = _free_port()
        self._owner = _mail_owner()
        self._process: subprocess.Popen[bytes] | None = None
        self._oauth = IntrospectionServer()
        (self.root / "tls").mkdir()
        self.tls = write_test_tls_files(self.root / "tls")
        mail = self.root / "mail"
        mail.mkdir()
        os.chown(mail, self._owner[1], self._owner[2])
        self._users = self.root / "users"
        self._users.mkdir()
        (self.root / "oauth2.conf.ext").write_text(
            f"introspection_mode = post\nintrospection_url = {self._oauth.url}\n"
            "force_introspection = yes\nusername_attribute = email\n"
            "active_attribute = active\nactive_value = true\n"
        )
        self.config_path = self.root / "dovecot.conf"
        self.config_path.write_text(
            dovecot_config(self.root, self.port, self.tls_port, self._owner)
        )

    @property
    def ca_path(self) -> Path:
        """PEM file of the CA that signed the server certificate."""
        return self.tls.ca_path

    def ssl_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts only this server's test CA."""
        return ssl.create_default_context(cafile=str(self.ca_path))

    def start(self) -> None:
        """Start Dovecot and wait until the plain and TLS ports both greet."""
        if self._process is not None:
            return
        self._process = subprocess.Popen(
            [DOVECOT_BINARY, "-F", "-c", str(self.config_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_for_greeting()
        except BaseException:
            self.stop()
            raise

    def _wait_for_greeting(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                output = self._process.stdout.read().decode() if self._process.stdout else ""
                raise DovecotUnavailable(f"dovecot exited: {output}\n{self.log_tail()}")
            try:
                for port in (self.port, self.tls_port):
                    with socket.create_connection((self.host, port), timeout=1) as probe:
                        probe.settimeout(2)
                        if port == self.tls_port:
                            with self.ssl_context().wrap_socket(
                                probe, server_hostname=self.host
                            ) as tls:
                                greeting = tls.recv(200)
                        else:
                            greeting = probe.recv(200)
                        if not greeting.startswith(b"* OK"):
                            raise ConnectionError(f"unexpected greeting {greeting!r}")
                return
            except (OSError, ConnectionError) as error:
                last_error = error
                time.sleep(0.05)
        raise DovecotUnavailable(f"dovecot did not answer: {last_error}\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop Dovecot (clients are disconnected); the mail and configuration stay."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        # Like a service manager, also end the imap processes that outlive the master.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        if process.stdout:
            process.stdout.close()

    def restart(self) -> None:
        """Stop and start again on the same ports, keeping users and mail."""
        self.stop()
        self.start()

    def add_user(self, login: str, password: str) -> None:
        """Create a user that can log in with ``password`` (takes effect immediately)."""
        if ":" in login or ":" in password or "\n" in login + password:
            raise ValueError("login and password must not contain ':' or newlines")
        if "/" in login or login.startswith("."):
            raise ValueError("login must not contain '/' or start with '.'")
        (self._users / f"{login}.passwd").write_text(f"{login}:{password}\n")

    def new_user(self) -> tuple[str, str]:
        """Create a user with a random login and password and return both."""
        login = f"user-{secrets.token_hex(6)}@example.test"
        password = secrets.token_urlsafe(12)
        self.add_user(login, password)
        return login, password

    def grant_token(self, login: str) -> str:
        """Return a new OAuth2 bearer token that Dovecot accepts for ``login``."""
        token = secrets.token_urlsafe(24)
        self._oauth.grant(token, login)
        return token

    def revoke_token(self, token: str) -> None:
        """Make a bearer token invalid."""
        self._oauth.revoke(token)

    def log_tail(self, lines: int = 40) -> str:
        """The end of Dovecot's log, for failure messages."""
        log = self.root / "dovecot.log"
        if not log.exists():
            return ""
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])

    def close(self) -> None:
        """Stop Dovecot and the token endpoint, and delete the temp directory."""
        try:
            self.stop()
        finally:
            self._oauth.close()
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> DovecotServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
