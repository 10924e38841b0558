"""Builds the FastAPI application for one installation (nothing is created at import time)."""

from __future__ import annotations

from fastapi import FastAPI

from correspondent import __version__
from correspondent.bootstrap import Installation


def create_app(installation: Installation) -> FastAPI:
    app = FastAPI(
        title="Correspondent",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url="/docs",
    )
    app.state.installation = installation

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Answers when the server runs and its database responds."""
        with installation.uow() as uow:
            uow.settings.org()
        return {"status": "ok", "version": __version__}

    return app
