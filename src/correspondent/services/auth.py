"""Sign-in: passwords (argon2id), browser sessions, personal API tokens, login throttling.

Every failure to sign in says the same thing, whatever went wrong (unknown address, wrong
password, deactivated user, no password set), and costs the same time, so the answer does not
tell an attacker which addresses exist. Failures are counted per account and per client address;
past the limits further attempts are refused for a while even with the right password.
Session ids and API tokens are random 256-bit values shown once and stored as SHA-256 digests.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from correspondent.domain.access import Actor
from correspondent.domain.errors import CorrespondentError, InvalidInput, NotFound
from correspondent.domain.users import User
from correspondent.services.access import actor_of, require_administrator
from correspondent.services.directory.entries import require_user
from correspondent.services.ports import UnitOfWork, UnitOfWorkFactory

if TYPE_CHECKING:
    from correspondent.domain.credentials import Credential, TokenRow

TOKEN_PREFIX = "cor_"
SESSION_LIFETIME = timedelta(hours=12)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()  # argon2id with the library's current recommended cost
GENERIC_FAILURE = "The email address or password is incorrect."


class AuthenticationFailed(CorrespondentError):
    """No valid credentials: wrong password, unknown, expired or revoked token, inactive user."""


class LoginThrottled(CorrespondentError):
    """Too many failed sign-ins for this account or client address; try again later."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    return _hasher.hash(password)


def _own_or_administered(uow: UnitOfWork, actor: Actor, email: str) -> User:
    """The user ``email`` names, if that is the actor or the actor is an administrator."""
    user = require_user(uow, email)
    if user.id != actor.user_id:
        require_administrator(actor)
    return user


def set_password(uow_factory: UnitOfWorkFactory, actor: Actor, email: str, password: str) -> None:
    """Set a user's sign-in password (their own, or any as an administrator); ends sessions."""
    hashed = hash_password(password)
    with uow_factory() as uow:
        user = _own_or_administered(uow, actor, email)
        uow.auth.set_password_hash(user.id, hashed)
        uow.auth.delete_sessions_of(user.id)
        uow.commit()


@dataclass(frozen=True)
class NewSession:
    session_id: str
    csrf_token: str
    user: User
    expires_at: datetime


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when there is none, so that failing costs the same time.

    Computed on first use (a sign-in), not at import: hashing takes a tenth of a second, which
    every CLI command would otherwise pay.
    """
    return _hasher.hash("not a real password, used to equalise timing")


def _password_matches(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def sign_in(
    uow_factory: UnitOfWorkFactory, email: str, password: str, client_address: str
) -> NewSession:
    now = datetime.now(UTC)
    keys = [f"account:{email.strip().lower()}", f"address:{client_address}"]
    with uow_factory() as uow:
        since = now - THROTTLE_WINDOW
        if (
            uow.auth.failures_since(keys[0], since) >= MAX_FAILURES_PER_ACCOUNT
            or uow.auth.failures_since(keys[1], since) >= MAX_FAILURES_PER_ADDRESS
        ):
            raise LoginThrottled("Too many failed sign-in attempts; wait 15 minutes and try again.")
        user = uow.directory.user_by_email(email.strip().lower())
        stored = uow.auth.password_hash(user.id) if user else None
        if user is None or not _password_matches(stored, password) or not user.active:
            for key in keys:
                uow.auth.record_failure(key, now)
            uow.commit()
            raise AuthenticationFailed(GENERIC_FAILURE)
        uow.auth.clear_failures(keys[0])
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        expires = now + SESSION_LIFETIME
        uow.auth.add_session(digest(session_id), user.id, csrf, now, expires)
        uow.commit()
    return NewSession(session_id, csrf, user, expires)


def sign_out(uow_factory: UnitOfWorkFactory, session_id: str) -> None:
    with uow_factory() as uow:
        uow.auth.delete_session(digest(session_id))
        uow.commit()


@dataclass(frozen=True)
class Authenticated:
    """Who sent a request, as the API's checks need them."""

    user: User
    actor: Actor
    csrf_token: str = ""
    """For a browser session: the token that requests changing data must repeat."""


def _authenticated(found: Credential) -> Authenticated:
    if not found.user.active:
        raise AuthenticationFailed("This account is deactivated or no longer exists.")
    return Authenticated(found.user, actor_of(found.user, found.stored_roles), found.csrf_token)


def authenticate_session(uow: UnitOfWork, session_id: str) -> Authenticated:
    """The session's user; raises AuthenticationFailed when the session is not valid."""
    found = uow.auth.session_credential(digest(session_id))
    if found is None or found.expires_at is None or found.expires_at <= datetime.now(UTC):
        raise AuthenticationFailed("Your session has ended; sign in again.")
    return _authenticated(found)


def authenticate_token(uow: UnitOfWork, token: str) -> Authenticated:
    """The token's user; raises AuthenticationFailed for unknown, revoked or expired tokens.

    Read from the database on every request, never cached: revoking a token or deactivating
    its user takes effect with the next request.
    """
    found = uow.auth.token_credential(digest(token)) if token.startswith(TOKEN_PREFIX) else None
    if found is None or found.revoked_at is not None:
        raise AuthenticationFailed("The API token is not valid or was revoked.")
    if found.expires_at is not None and found.expires_at <= datetime.now(UTC):
        raise AuthenticationFailed("The API token has expired; create a new one.")
    return _authenticated(found)


@dataclass(frozen=True)
class NewToken:
    id: int
    token: str
    """The secret itself: shown once, never stored."""
    expires_at: datetime | None


def create_token(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    email: str,
    name: str = "API token",
    expires_at: datetime | None = None,
) -> NewToken:
    if not name.strip() or len(name) > 200:
        raise InvalidInput("A token name must be 1-200 characters.")
    now = datetime.now(UTC)
    if expires_at is not None and expires_at <= now:
        raise InvalidInput("A token's expiry must lie in the future.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with uow_factory() as uow:
        user = _own_or_administered(uow, actor, email)
        token_id = uow.auth.add_token(
            user.id, name.strip(), digest(token), token[:12], now, expires_at
        )
        uow.commit()
    return NewToken(token_id, token, expires_at)


def list_tokens(uow_factory: UnitOfWorkFactory, actor: Actor) -> list[TokenRow]:
    """The actor's own tokens (never their secrets)."""
    with uow_factory() as uow:
        return uow.auth.tokens_of(actor.user_id)


def revoke_token(uow_factory: UnitOfWorkFactory, actor: Actor, token_id: int) -> None:
    """Revoke one of the actor's own tokens."""
    with uow_factory() as uow:
        if not uow.auth.revoke_token(token_id, actor.user_id, datetime.now(UTC)):
            raise NotFound(f"You have no active API token with id {token_id}.")
        uow.commit()
