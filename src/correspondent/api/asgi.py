"""The API as an import string for worker processes: ``correspondent.api.asgi:app`` (a factory).

With several API processes (``correspondent serve --workers N``) uvicorn starts each worker as a
fresh interpreter that finds the app by import string, so the parent's installation cannot be
handed over. Each worker builds its own from the ``CORRESPONDENT_*`` environment, which
:func:`export_settings` fills from the parent's settings first, so command-line options such as
``--data-dir`` reach the workers. The mailbox sync is not started here: ``serve`` runs it once,
in the parent process (see ``cli.main.serve``).
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from correspondent.api.app import create_app, freeze_long_lived_objects
from correspondent.bootstrap import build
from correspondent.config import Settings

ENV_PREFIX = "CORRESPONDENT_"


def settings_environment(settings: Settings) -> dict[str, str]:
    """Environment variables that rebuild ``settings`` in another process (paths absolute)."""
    values = settings.model_dump()
    values["data_dir"] = settings.data_dir.resolve()
    return {f"{ENV_PREFIX}{k.upper()}": str(v) for k, v in values.items() if v is not None}


def export_settings(settings: Settings) -> None:
    os.environ.update(settings_environment(settings))


def app() -> FastAPI:
    api = create_app(build(Settings()))
    freeze_long_lived_objects()
    return api
