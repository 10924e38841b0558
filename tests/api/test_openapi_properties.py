"""Property-based testing of the whole API from its OpenAPI description (Schemathesis).

Generated requests are sent in-process as an administrator: no answer may be a server error, and
every answer must match the documented status codes, content types and schemas. Examples are
bounded (and derandomised) so the run takes well under a minute per database backend.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from correspondent.api.app import create_app
from correspondent.bootstrap import Installation
from tests.api.conftest import make_api_user


@schemathesis.serializer("message/rfc822")
def _raw_message(ctx: Any, value: Any) -> bytes:
    """Generated bodies for ``POST /track``: whatever bytes or text the strategy produced."""
    return value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogateescape")


# These operations connect to the mailbox's IMAP server. Generated cases first add mailboxes
# with arbitrary hosts and ports (POST /mailboxes stores them without connecting), so calling
# these would resolve and dial random hosts: slow (connection timeouts), dependent on the
# network, and nothing the schema checks can judge. tests/api/test_mailboxes_api.py covers them
# against a real Dovecot.
CONTACTS_MAIL_SERVER = {
    ("POST", "/api/v1/mailboxes/{mailbox_id}/test"),
    ("POST", "/api/v1/mailboxes/{mailbox_id}/enable"),
    ("GET", "/api/v1/mailboxes/{mailbox_id}/folders"),
    ("POST", "/api/v1/mailboxes/{mailbox_id}/tracked-folders"),
}

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_no_server_errors_and_responses_match_the_schema(installation: Installation) -> None:
    app = create_app(installation)
    headers = make_api_user(installation, "administrator").headers
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in CONTACTS_MAIL_SERVER:
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except (
            Exception,
            BaseExceptionGroup,
        ) as error:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)
