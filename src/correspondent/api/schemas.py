"""Request and response bodies of the HTTP API (kept apart from tables and domain classes)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from correspondent.domain.access import ShareAccess
from correspondent.domain.errors import InvalidInput
from correspondent.domain.records import RecordRef
from correspondent.services.activities.views import ActivitySummaryView

MAX_ID = 2_147_483_647
"""Ids are 32-bit in SQL; larger numbers cannot name anything and are refused up front."""


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("text must not contain NUL characters")
    return text


def _field_value(value: str | int | None) -> str | int | None:
    if isinstance(value, str):
        if len(value) > 10_000:
            raise ValueError("field values are at most 10,000 characters")
        return _no_nul(value)
    if isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
        raise ValueError("whole numbers must fit in 32 bits")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
FieldValue = Annotated[str | int | None, AfterValidator(_field_value)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
QueryText = Annotated[
    str | None, Query(max_length=200), AfterValidator(lambda v: None if v is None else _no_nul(v))
]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class RecordType(enum.StrEnum):
    ACCOUNT = "account"
    CONTACT = "contact"
    LEAD = "lead"
    OPPORTUNITY = "opportunity"
    CASE = "case"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignIn(Strict):
    email: Text = Field(max_length=320)
    password: Text = Field(max_length=1000)


class UserOut(BaseModel):
    id: int
    email: str
    name: str
    roles: list[str]
    business_unit_id: int
    active: bool
    email_approved: bool


class SessionOut(BaseModel):
    user: UserOut
    csrf_token: str
    expires_at: datetime


class MeOut(BaseModel):
    user: UserOut
    privileges: dict[str, dict[str, str]]


class TokenIn(Strict):
    name: Text = Field(default="API token", min_length=1, max_length=200)
    expires_at: datetime | None = None


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(BaseModel):
    id: int
    token: str = Field(description="Shown once; store it safely.")
    expires_at: datetime | None


class RecordIn(Strict):
    fields: dict[Text, FieldValue] = Field(
        description="Field values; email / emails hold addresses (emails comma-separated)."
    )
    owner_id: Id | None = None


class RecordPatch(Strict):
    fields: dict[Text, FieldValue]


class RecordOut(BaseModel):
    """One record; the fields of its type (``first_name``, ``account``…) sit beside these."""

    model_config = ConfigDict(extra="allow")

    type: RecordType
    id: int
    name: str
    email: str | None = Field(description="The primary address, if any.")
    emails: list[str]
    owner: str = Field(description="The owner's email address.")
    owner_id: int
    active: bool
    created_at: str = Field(json_schema_extra={"format": "date-time"})
    modified_at: str = Field(json_schema_extra={"format": "date-time"})


class RecordPage(BaseModel):
    items: list[RecordOut]
    next_cursor: str | None


class AssignIn(Strict):
    owner_id: Id


class ShareIn(Strict):
    user_id: Id
    access: ShareAccess = ShareAccess.READ


class ShareOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    user_id: int
    user: str
    access: ShareAccess


class RefIn(Strict):
    type: RecordType
    id: Id


REGARDING_TEXT = rf"^({'|'.join(RecordType)}):[1-9][0-9]{{0,9}}$"
"""A regarding record written ``TYPE:ID`` (e.g. ``account:12``), as on the command line."""
REGARDING_HELP = "The regarding record: `TYPE:ID`, e.g. `account:12`"
RegardingText = Annotated[str, StringConstraints(pattern=REGARDING_TEXT, max_length=60)]


def regarding_ref(value: RefIn | str | None) -> RecordRef | None:
    """The one reading of a regarding record, written ``TYPE:ID`` or as ``{type, id}``."""
    if value is None:
        return None
    ref = (
        RecordRef.parse(value) if isinstance(value, str) else RecordRef(value.type.value, value.id)
    )
    if ref.id > MAX_ID:
        raise InvalidInput(f"There is no {ref.type} with id {ref.id}.")
    return ref


class RegardingIn(Strict):
    regarding: RefIn | RegardingText | None = Field(
        description=f"{REGARDING_HELP}, or `{{type, id}}`; null unlinks the activity."
    )


class UntrackIn(Strict):
    delete_activity: bool = False


class UntrackOut(BaseModel):
    deleted: bool


class PartyRecordType(enum.StrEnum):
    CONTACT = "contact"
    LEAD = "lead"


class PartyRecordIn(Strict):
    """Create contact / Create lead for an unresolved address of the activity."""

    address: Text = Field(min_length=3, max_length=320, description="The party's address.")
    type: PartyRecordType


class ActivityPage(BaseModel):
    items: list[ActivitySummaryView]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class UserIn(Strict):
    email: Text = Field(max_length=320)
    name: Text = Field(min_length=1, max_length=200)
    roles: list[Text] = Field(default_factory=lambda: ["salesperson"], max_length=20)
    business_unit: Text | None = Field(default=None, max_length=200)
    password: Text | None = Field(default=None, max_length=1000)
    email_approved: bool = False


class UserPatch(Strict):
    name: Text | None = Field(default=None, min_length=1, max_length=200)
    roles: list[Text] | None = Field(default=None, max_length=20)
    active: bool | None = None
    email_approved: bool | None = None
    business_unit: Text | None = Field(default=None, min_length=1, max_length=200)
    """The business unit's name; a new name creates the unit."""


class RoleIn(Strict):
    description: Text = Field(default="", max_length=2000)
    privileges: dict[Text, dict[Text, Text]]


class RoleOut(BaseModel):
    name: str
    description: str
    built_in: bool
    privileges: dict[str, dict[str, str]]


class QuarantineOut(BaseModel):
    id: int
    user_id: int | None
    source: str
    reason: str
    raw_size: int
    received_at: str = Field(json_schema_extra={"format": "date-time"})


class QuarantineRetryOut(BaseModel):
    quarantine_id: int
    tracked: bool
    activity_id: int | None
    """The activity the message became (the quarantine item is gone)."""
    reason: str | None
    """Why it was refused again (the item stays, with this reason)."""


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorOut(BaseModel):
    error: ErrorBody


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in (
        (400, "Malformed request (for example invalid JSON)"),
        (401, "Not signed in, or the credentials are not valid"),
        (403, "Not allowed, or a browser request without its CSRF token"),
        (404, "Does not exist, or you may not see it"),
        (409, "Conflicts with existing data"),
        (413, "The body is too large"),
        (422, "The request is not valid"),
        (429, "Too many failed sign-in attempts"),
    )
}
