"""Request and response bodies of ``/api/v1/mailboxes`` (server-side IMAP sync, BEHAVIOUR §2, §7).

Kept apart from ``schemas.py`` so the mailbox API can change without touching the rest. The
password or OAuth2 token is accepted in ``MailboxIn`` only; no response model has a field that
could carry it, so it cannot be echoed back even by mistake.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from correspondent.api.schemas import REGARDING_HELP, RefIn, RegardingText, Strict, Text
from correspondent.domain.mailbox import TlsChoice

FolderName = Annotated[Text, Field(min_length=1, max_length=1000)]


class MailboxIn(Strict):
    address: Text = Field(max_length=320, description="The mailbox's email address.")
    host: Text = Field(min_length=1, max_length=255)
    port: int = Field(default=993, ge=1, le=65535)
    tls: TlsChoice = Field(
        default=TlsChoice.IMPLICIT, description="implicit, starttls, or plain (loopback only)"
    )
    login: Text = Field(min_length=1, max_length=320)
    password: Text | None = Field(default=None, min_length=1, max_length=4000)
    oauth2_token: Text | None = Field(
        default=None, min_length=1, max_length=20000, description="Access token for XOAUTH2"
    )
    user: Text | None = Field(
        default=None, max_length=320, description="Owner's CRM address (administrators only)"
    )
    process_from: datetime | None = None

    @model_validator(mode="after")
    def _one_secret(self) -> MailboxIn:
        if (self.password is None) == (self.oauth2_token is None):
            raise ValueError("give exactly one of password or oauth2_token")
        return self


class LeaseOut(BaseModel):
    owner: str
    until: datetime | None


class WatchedFolderOut(BaseModel):
    id: int | None
    name: str
    role: str
    tracked: bool
    regarding: str | None
    active: bool


class FolderStateOut(WatchedFolderOut):
    uidvalidity: int | None
    last_uid: int
    skipped: dict[str, int] = Field(description="Messages skipped, per named rule")


class AlertOut(BaseModel):
    level: str
    text: str
    at: datetime


class FailedMessageOut(BaseModel):
    folder: str | None
    uid: int
    reason: str
    attempts: int
    next_retry_at: datetime | None
    gave_up: bool = Field(description="No more automatic retries; Test & Enable tries again")


class MailboxOut(BaseModel):
    id: int
    address: str
    user: str | None
    server: str
    login: str
    auth: str
    enabled: bool
    status: str
    process_from: datetime | None
    last_sync_at: datetime | None
    last_error: str | None
    failures: int
    next_attempt_at: datetime | None
    lease: LeaseOut | None
    folders: list[FolderStateOut]
    alerts: list[AlertOut]
    failed_messages: list[FailedMessageOut]


class TestOut(BaseModel):
    mailbox_id: int
    enabled: bool
    capabilities: list[str]
    folders: int
    sent_folder: str | None


class ServerFolderOut(BaseModel):
    name: str
    special_use: str | None
    mailbox_id: str | None
    selectable: bool
    watched: str | None
    tracked: bool
    regarding: str | None


class TrackFolderIn(Strict):
    folder: FolderName
    regarding: RefIn | RegardingText | None = Field(
        default=None, description=f"{REGARDING_HELP}, or `{{type, id}}`."
    )


class UntrackFolderIn(Strict):
    folder: FolderName


class FolderRegardingIn(Strict):
    folder: FolderName
    regarding: RefIn | RegardingText | None = Field(
        description=f"{REGARDING_HELP}, or `{{type, id}}`; null unlinks the folder."
    )


class RelinkedOut(BaseModel):
    relinked: int
