"""uvicorn factory for the API benchmark: ``uvicorn --factory bench.api_server:app``.

Reads the installation from the usual CORRESPONDENT_* environment variables.
"""

from __future__ import annotations

from fastapi import FastAPI

from correspondent.api.app import create_app, freeze_long_lived_objects
from correspondent.bootstrap import build
from correspondent.config import Settings


def app() -> FastAPI:
    api = create_app(build(Settings()))
    freeze_long_lived_objects()
    return api
