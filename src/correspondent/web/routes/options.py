"""My options: the signed-in user's personal options (BEHAVIOUR §3, §4, §6, §8), saved all or
nothing through the same use case as ``PATCH /api/v1/me/options``.

A form that comes back with problems keeps what was typed, names each bad field, and stores
nothing; the service's ``SettingsRejected`` says which fields, the messages shown are the
catalogue's (in the user's language).
"""

from __future__ import annotations

from typing import Annotated
from zoneinfo import available_timezones

import anyio.to_thread
from babel import Locale
from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from correspondent.api.deps import InstallationDep
from correspondent.domain.settings import SettingsRejected
from correspondent.services.admin.settings import change_personal_options, personal_options
from correspondent.web.i18n import LANGUAGES, N_
from correspondent.web.pages import render
from correspondent.web.session import FormVisitorDep, Visitor, VisitorDep

router = APIRouter(include_in_schema=False)

INCOMING_CHOICES = (
    ("all", N_("All email messages")),
    ("replies", N_("Email messages in response to tracked email")),
    ("crm_people", N_("Email messages from leads, contacts and accounts in the CRM")),
    ("email_enabled", N_("Email messages from records that have an email address")),
    ("none", N_("None")),
)
AUTO_CREATE_CHOICES = (
    ("none", N_("Do not create records")),
    ("contact", N_("Create a contact")),
    ("lead", N_("Create a lead")),
)
ADDRESS_BOOK_CHOICES = (
    ("own", N_("Only the contacts I own")),
    ("readable", N_("Every contact I may read")),
)
FIELD_ERRORS = {
    "incoming_tracking": N_("Choose which incoming email is tracked automatically."),
    "track_replies": N_("Choose whether replies are tracked."),
    "auto_create": N_("Choose what is created for an unresolved address."),
    "address_book": N_("Choose which contacts the address book finds."),
    "track_keyword": N_("Enter a keyword of 1 to 20 characters without spaces."),
    "language": N_("Choose a language from the list."),
    "time_zone": N_("Enter a time zone name from the list, such as Asia/Tokyo or Europe/Paris."),
}
FIELDS = tuple(FIELD_ERRORS)
TIME_ZONES = sorted(available_timezones())


def _language_names() -> list[tuple[str, str]]:
    """Each language in its own name (as language menus show them), after "as the browser"."""
    return [(code, Locale.parse(code).get_display_name(code) or code) for code in LANGUAGES]


def _options_page(
    request: Request,
    visitor: Visitor,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    saved: bool = False,
) -> Response:
    problems = errors or {}
    return render(
        request,
        "options.html",
        visitor,
        status_code=422 if problems else 200,
        values=values,
        errors=problems,
        saved=saved,
        incoming_choices=INCOMING_CHOICES,
        auto_create_choices=AUTO_CREATE_CHOICES,
        address_book_choices=ADDRESS_BOOK_CHOICES,
        languages=_language_names(),
        time_zones=TIME_ZONES,
    )


@router.get("/options")
async def options_page(
    request: Request,
    inst: InstallationDep,
    visitor: VisitorDep,
    done: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    values = await anyio.to_thread.run_sync(personal_options, inst.uow.read_only, visitor.actor)
    return _options_page(request, visitor, values, saved=done == "saved")


@router.post("/options")
async def save_options(
    request: Request, inst: InstallationDep, visitor: FormVisitorDep
) -> Response:
    form = await request.form()
    values = {key: str(form.get(key, ""))[:200] for key in FIELDS}
    # A checkbox that is not ticked is not sent at all.
    values["track_replies"] = "on" if form.get("track_replies") == "on" else "off"
    try:
        await anyio.to_thread.run_sync(change_personal_options, inst.uow, visitor.actor, values)
    except SettingsRejected as rejected:
        errors = {key: FIELD_ERRORS[key] for key in FIELDS if key in rejected.problems}
        return _options_page(request, visitor, values, errors=errors)
    return RedirectResponse("/options?done=saved", status_code=303)
