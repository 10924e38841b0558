"""Every error Correspondent raises on purpose derives from ``CorrespondentError``.

Two families matter to callers: the *input's* fault (``InvalidInput`` and ``MessageRejected``:
report it, keep the input, move on) and *our* fault or the environment's (everything else, such as
``MessageDeferred``: retry, alert).
"""


class CorrespondentError(Exception):
    """Base class for errors raised deliberately by Correspondent."""


class InvalidInput(CorrespondentError):
    """The caller supplied a value that cannot be used; the message says which and why."""


class NotFound(CorrespondentError):
    """A record, user or activity named by the caller does not exist (or is not visible)."""


class Conflict(CorrespondentError):
    """The request contradicts the current state (for example a duplicate user email)."""


class PermissionDenied(CorrespondentError):
    """The acting user may not do this."""


class MessageRejected(CorrespondentError):
    """A message cannot be tracked because of its own content; it goes to quarantine."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MessageDeferred(CorrespondentError):
    """A message could not be parsed now for a reason that may pass; try again, never quarantine."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DuplicateActivity(CorrespondentError):
    """Another transaction stored the same message first (the identity key is unique)."""

    def __init__(self, identity_key: str) -> None:
        super().__init__(f"An activity with identity {identity_key!r} already exists.")
        self.identity_key = identity_key


class TransientConflict(CorrespondentError):
    """Concurrent transactions collided (a deadlock, say); the work was rolled back whole."""
