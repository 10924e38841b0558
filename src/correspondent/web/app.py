"""Puts the web app onto the API's FastAPI application: pages, static files, error pages."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from correspondent.domain.errors import CorrespondentError
from correspondent.web.i18n import N_, load_catalogs
from correspondent.web.pages import build_environment, render
from correspondent.web.routes import (
    activities,
    address_book,
    admin_access,
    admin_mail,
    admin_settings,
    admin_users,
    api_docs,
    connect,
    home,
    mail_client,
    mailbox,
    options,
    outlook,
    records,
    search,
    sign_in,
    tracking,
)
from correspondent.web.session import SignInRequired, localiser_for

log = logging.getLogger(__name__)
Handler = Callable[[Request, Exception], Awaitable[Response]]
STATIC_DIR = Path(__file__).parent / "static"
VENDOR_FILES = ("htmx.min.js", "swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css")

ERROR_PAGES = {
    401: (N_("Sign in"), N_("Sign in to see this page.")),
    403: (N_("Not allowed"), N_("You may not do this.")),
    404: (N_("Page not found"), N_("There is nothing here, or you may not see it.")),
    422: (N_("Something is wrong with the request"), N_("Check what you entered and try again.")),
    429: (N_("Too many attempts"), N_("Wait a few minutes and try again.")),
}


def missing_vendor_files(static_dir: Path = STATIC_DIR) -> list[str]:
    return [name for name in VENDOR_FILES if not (static_dir / "vendor" / name).is_file()]


def _is_web_path(path: str) -> bool:
    return not path.startswith("/api/") or path == "/api/v1/docs"


def install_web(app: FastAPI) -> None:
    """Add the pages to ``app``; API paths keep their JSON errors."""
    missing = missing_vendor_files()
    if missing:
        log.warning(
            "web assets missing (%s): run 'make web-assets'; pages work without scripts",
            ", ".join(missing),
        )
    app.state.web_templates = build_environment()
    app.state.web_catalogs = load_catalogs()
    routers = [sign_in, home, activities, records, tracking, search, address_book, options]
    routers += [mailbox, mail_client, connect, api_docs, outlook]
    routers += [admin_users, admin_settings, admin_access, admin_mail]
    for module in routers:
        app.include_router(module.router)
    # Scripts and styles go compressed to browsers that accept it (a phone on a slow network
    # loads a third of the bytes); pages and the API are left as they are.
    static = GZipMiddleware(StaticFiles(directory=STATIC_DIR, check_dir=True), minimum_size=1024)
    app.mount("/static", static, name="static")
    _install_error_pages(app)


def _error_page(request: Request, status: int, detail: str = "") -> Response:
    title, message = ERROR_PAGES.get(status, (N_("Something went wrong"), N_("Try again later.")))
    text = localiser_for(request, None).gettext
    return render(
        request, "error.html", None, status_code=status, title=text(title), message=text(message)
    )


def _install_error_pages(app: FastAPI) -> None:
    api_handlers = dict(app.exception_handlers)

    async def sign_in_required(request: Request, error: Exception) -> Response:
        assert isinstance(error, SignInRequired)
        target = "/sign-in" if error.next_path == "/" else f"/sign-in?next={quote(error.next_path)}"
        if request.headers.get("HX-Request"):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    def web_or_api(kind: type[Exception]) -> Handler:
        api_handler = api_handlers[kind]

        async def handle(request: Request, error: Exception) -> Response:
            if not _is_web_path(request.url.path):
                response: Response = await api_handler(request, error)
                return response
            if isinstance(error, StarletteHTTPException):
                return _error_page(request, error.status_code)
            if isinstance(error, RequestValidationError):
                return _error_page(request, 422)
            response = await api_handler(request, error)  # the status the API would give
            return _error_page(request, response.status_code)

        return handle

    app.add_exception_handler(SignInRequired, sign_in_required)
    for kind in (CorrespondentError, StarletteHTTPException, RequestValidationError):
        app.add_exception_handler(kind, web_or_api(kind))
