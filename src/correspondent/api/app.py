"""Builds the FastAPI application for one installation (nothing is created at import time).

The versioned API lives under ``/api/v1``; its OpenAPI description is ``/api/v1/openapi.json``
and the interactive docs ``/api/v1/docs``. ``/health`` stays unauthenticated for probes.
"""

from __future__ import annotations

import gc

from fastapi import FastAPI
from starlette.types import ASGIApp

from correspondent import __version__
from correspondent.api.errors import install_error_handlers
from correspondent.api.middleware import BodySizeLimit, SecurityHeaders
from correspondent.api.routes import activities, admin, auth, mailboxes, records, search
from correspondent.api.schemas import ERROR_RESPONSES
from correspondent.bootstrap import Installation
from correspondent.web.app import install_web

API_PREFIX = "/api/v1"
JSON_BODY_LIMIT = 1024 * 1024


class CorrespondentApi(FastAPI):
    """FastAPI with the security headers outside everything, Starlette's error handler included.

    Middleware added with ``add_middleware`` runs inside ``ServerErrorMiddleware``, which answers
    unhandled exceptions with a 500 of its own; wrapping the whole stack gives that 500 the same
    headers as every other response.
    """

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


def create_app(installation: Installation) -> FastAPI:
    app = CorrespondentApi(
        title="Correspondent",
        version=__version__,
        description="Tracks email into a CRM. Authenticate with a personal API token "
        "(`Authorization: Bearer cor_…`) or a browser session (cookie plus `X-CSRF-Token`).",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # the web app serves the docs page from its own files (no CDN)
        redoc_url=None,
    )
    app.state.installation = installation
    install_error_handlers(app)
    install_web(app)
    routers = (auth, records, activities, admin, mailboxes, search)
    for router in (module.router for module in routers):
        app.include_router(router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    app.add_middleware(
        BodySizeLimit,
        default=JSON_BODY_LIMIT,
        limits=[
            (f"{API_PREFIX}/{path}", installation.settings.max_message_bytes)
            for path in ("track", "untrack")
        ]
        # The web app's Track email page: many messages in one upload.
        + [("/track", installation.settings.max_message_bytes)],
    )

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Answers when the server runs and its database responds."""
        with installation.uow() as uow:
            uow.settings.org()
        return {"status": "ok", "version": __version__}

    return app


def freeze_long_lived_objects() -> None:
    """Keep the objects alive now (modules, the app, table metadata) out of garbage collection.

    A full collection otherwise walks all of them, ~130,000 objects in an API worker (40-60 ms
    measured); frozen, it walks what requests left behind (~20,000 objects, ~5 ms). Call it once
    the app is built, in a process that will serve it; objects made later are collected as usual.
    """
    gc.collect()
    gc.freeze()
