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


def export_settings(settings: Settings) -> None:
    os.environ.update(settings.as_environment())


def app() -> FastAPI:
    api = create_app(build(Settings.from_environment()))
    freeze_long_lived_objects()
    return api
