"""Search: records and activities you may read that contain every word of the query."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from correspondent.api.deps import InstallationDep, PrincipalDep
from correspondent.api.routes.records import record_out
from correspondent.api.schemas import RecordOut, Text
from correspondent.services.activities.views import ActivitySummaryView
from correspondent.services.search import search

router = APIRouter(tags=["search"])


class SearchOut(BaseModel):
    records: list[RecordOut] = Field(description="Matching records you may read, by name.")
    more_records: bool = Field(description="More records match than are listed.")
    activities: list[ActivitySummaryView] = Field(
        description="Matching activities you may read, newest first."
    )
    more_activities: bool = Field(description="More activities match than are listed.")
    ignored_words: list[str] = Field(
        description="Words shorter than three characters, which were not searched."
    )


@router.get("/search", response_model=SearchOut)
def search_everything(
    principal: PrincipalDep,
    inst: InstallationDep,
    q: Annotated[Text, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchOut:
    """Records whose name or an email address, and activities whose subject, body text or a
    participant's address or name, contain every word of ``q`` (three characters or more each;
    Japanese words too). Only what you may read is listed."""
    found = search(inst.uow.read_only, principal.actor, q, limit=limit)
    return SearchOut(
        records=[record_out(r) for r in found.records],
        more_records=found.more_records,
        activities=found.activities,
        more_activities=found.more_activities,
        ignored_words=list(found.ignored_words),
    )
