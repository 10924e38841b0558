"""Subject normalisation and tracking tokens (BEHAVIOUR §4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from correspondent.domain.correlation import (
    find_token,
    format_token,
    normalise_subject,
    shares_enough_participants,
)


@pytest.mark.parametrize(
    "subject",
    [
        "Re: Quote for Q3",
        "RE: Fwd: Quote for Q3",
        "AW: WG: Quote for Q3",
        "SV: VS: quote for q3",
        "TR: RV: Quote for Q3",
        "返信: Quote for Q3",
        "転送：Quote for Q3",
        "回复: Quote for Q3",
        "转发: Quote for Q3",
        "Re[2]: Quote for Q3",
        "RE(3): Quote  for   Q3",
        "[EXTERNAL] Re: Quote for Q3",
        "Ｒｅ: Quote for Q3",
        "Quote for Q3 CRM:0001011",
    ],
)
def test_reply_prefixes_in_many_languages_are_stripped(subject: str) -> None:
    assert normalise_subject(subject, "CRM:") == "quote for q3"


def test_words_that_merely_start_like_prefixes_are_kept() -> None:
    assert normalise_subject("Review: plan") == "review: plan"
    assert normalise_subject("Renewal") == "renewal"


def test_tokens_round_trip_and_use_the_configured_prefix() -> None:
    assert format_token("CRM:", 1011) == "CRM:0001011"
    assert find_token("Quote for Q3 CRM:0001011", "CRM:") == 1011
    assert find_token("Quote crm:0001011", "CRM:") == 1011
    assert find_token("Quote CRM:12", "CRM:") is None
    assert find_token("Quote #CASE-0000042", "#CASE-") == 42
    assert find_token("Quote CRM:0001011", "#CASE-") is None


@given(st.integers(min_value=0, max_value=10**9), st.text(max_size=40))
def test_any_token_is_found_in_any_subject(activity_id: int, subject: str) -> None:
    assert find_token(f"{subject} {format_token('CRM:', activity_id)}", "CRM:") == activity_id


@given(st.text(max_size=80))
def test_normalising_is_idempotent(subject: str) -> None:
    once = normalise_subject(subject, "CRM:")
    assert normalise_subject(once, "CRM:") == once


def test_two_shared_participants_are_needed() -> None:
    assert shares_enough_participants({"a", "b", "c"}, {"b", "c"})
    assert not shares_enough_participants({"a", "b"}, {"b", "d"})
