"""The sync's pure decisions: rules per folder and option, UIDVALIDITY, back-off, identity."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from correspondent.domain.activity import TrackerSource
from correspondent.domain.errors import InvalidInput
from correspondent.domain.mailbox import (
    BackoffPolicy,
    FolderRole,
    FolderSyncState,
    UidValidityAction,
    after_permanent_failure,
    after_transient_failure,
    check_identity,
    decide_uidvalidity,
)
from correspondent.domain.mailbox_rules import (
    SKIP_BEFORE_PROCESS_FROM,
    SKIP_INCOMING_NONE,
    Adopt,
    FolderRules,
    MessageFacts,
    SenderKind,
    Skip,
    SyncOptions,
    Track,
    decide,
)
from correspondent.domain.records import RecordRef

NOW = datetime(2025, 1, 10, 12, 0, 0, 500_000, tzinfo=UTC)
ACME = RecordRef("account", 1)


def facts(**values: object) -> MessageFacts:
    base: dict[str, object] = {"uid": 1, "internal_date": NOW, "keywords": frozenset()}
    base.update(values)
    return MessageFacts(**base)  # type: ignore[arg-type]


def test_tracked_folder_always_tracks_with_its_regarding() -> None:
    rules = FolderRules(FolderRole.OTHER, tracked=True, regarding=ACME)
    for option in ("all", "replies", "none"):
        old = facts(internal_date=NOW - timedelta(days=999), tracked_activity_id=5)
        decision = decide(old, rules, SyncOptions(option, process_from=NOW))
        assert decision == Track(TrackerSource.FOLDER, ACME)


def test_already_tracked_is_adopted_before_any_rule() -> None:
    rules = FolderRules(FolderRole.INBOX, tracked=False)
    assert decide(facts(tracked_activity_id=7), rules, SyncOptions("none")) == Adopt(7)


@pytest.mark.parametrize(
    "keyword",
    # The last two: the Outlook add-in's category "Tracked to Correspondent" as a keyword.
    [
        "Track",
        "track",
        "$Tracked",
        "$TRACKED",
        "Tracked_to_Correspondent",
        "TrackedToCorrespondent",
    ],
)
def test_keywords_request_tracking_in_any_watched_folder(keyword: str) -> None:
    for role in FolderRole:
        rules = FolderRules(role, tracked=False)
        old = facts(keywords=frozenset({keyword}), internal_date=NOW - timedelta(days=9))
        assert decide(old, rules, SyncOptions("none", process_from=NOW)) == Track(
            TrackerSource.KEYWORD
        )


def test_other_categories_as_keywords_request_nothing() -> None:
    rules = FolderRules(FolderRole.INBOX, tracked=False)
    for keyword in ("Tracked", "Correspondent", "Blue_category"):
        decision = decide(facts(keywords=frozenset({keyword})), rules, SyncOptions("none"))
        assert decision == Skip(SKIP_INCOMING_NONE)


def test_a_verified_set_regarding_header_tracks_with_its_record_unless_already_tracked() -> None:
    sent = FolderRules(FolderRole.SENT, tracked=False)
    claimed = facts(claimed_regarding=ACME)
    assert decide(claimed, sent, SyncOptions("none")) == Track(TrackerSource.MANUAL, ACME)
    adopted = facts(claimed_regarding=ACME, tracked_activity_id=3)
    assert decide(adopted, sent, SyncOptions("none")) == Adopt(3)
    other = RecordRef("case", 9)
    folder = FolderRules(FolderRole.SENT, tracked=True, regarding=other)
    assert decide(claimed, folder, SyncOptions()) == Track(TrackerSource.FOLDER, ACME)


def test_process_from_compares_whole_seconds() -> None:
    rules = FolderRules(FolderRole.INBOX, tracked=False)
    same_second = facts(internal_date=NOW.replace(microsecond=0))
    assert decide(same_second, rules, SyncOptions("all", process_from=NOW)) == Track(
        TrackerSource.RULE
    )
    earlier = facts(internal_date=NOW - timedelta(seconds=1))
    assert decide(earlier, rules, SyncOptions("all", process_from=NOW)) == Skip(
        SKIP_BEFORE_PROCESS_FROM
    )


EXPECTED_INBOX = {
    # (option, sender, reply, track_replies) -> tracked?
    "all": lambda sender, reply, replies: True,
    "crm_people": lambda sender, reply, replies: (
        sender >= SenderKind.CRM_PERSON or (reply and replies)
    ),
    "email_enabled": lambda sender, reply, replies: (
        sender >= SenderKind.EMAIL_ENABLED or (reply and replies)
    ),
    "replies": lambda sender, reply, replies: reply,
    "none": lambda sender, reply, replies: reply and replies,
}


def test_inbox_options_exhaustively() -> None:
    rules = FolderRules(FolderRole.INBOX, tracked=False)
    for option, sender, reply, replies in itertools.product(
        EXPECTED_INBOX, SenderKind, (False, True), (False, True)
    ):
        decision = decide(
            facts(sender=sender, answers_tracked_mail=reply),
            rules,
            SyncOptions(option, track_replies=replies),
        )
        expected = EXPECTED_INBOX[option](sender, reply, replies)
        assert isinstance(decision, Track) == expected, (option, sender, reply, replies)
        if isinstance(decision, Skip):
            assert decision.rule


def test_sent_tracks_only_replies_when_track_replies_is_on() -> None:
    rules = FolderRules(FolderRole.SENT, tracked=False)
    for option, reply, replies in itertools.product(EXPECTED_INBOX, (False, True), (False, True)):
        decision = decide(
            facts(answers_tracked_mail=reply, sender=SenderKind.CRM_PERSON),
            rules,
            SyncOptions(option, track_replies=replies),
        )
        assert (decision == Track(TrackerSource.REPLY)) == (reply and replies)


def test_uidvalidity_decisions() -> None:
    assert decide_uidvalidity(FolderSyncState(), 5) is UidValidityAction.FIRST_SYNC
    assert decide_uidvalidity(FolderSyncState(5, 10), 5) is UidValidityAction.CONTINUE
    assert decide_uidvalidity(FolderSyncState(5, 10), 6) is UidValidityAction.RESYNC


def test_backoff_grows_to_the_cap_and_gives_up_after_max_tries() -> None:
    policy = BackoffPolicy()
    delays = [policy.delay(n).total_seconds() for n in range(1, 11)]
    assert delays[:4] == [15, 30, 60, 120] and delays[-1] == 300
    assert delays == sorted(delays)
    outcome = after_transient_failure(0, "timeout", policy, NOW)
    assert not outcome.disable and outcome.next_attempt_at == NOW + timedelta(seconds=15)
    last = after_transient_failure(9, "timeout", policy, NOW)
    assert last.disable and last.alert.level.value == "error"
    assert after_permanent_failure("login refused", NOW).disable


def test_identity_check_uses_the_reference_wording() -> None:
    check_identity("Ann@Example.com", "ann@example.com")
    with pytest.raises(InvalidInput) as raised:
        check_identity("x@a.example", "y@b.example")
    assert str(raised.value) == (
        "To track email, the mailbox address (x@a.example) must be the same as your email "
        "address in the CRM (y@b.example)."
    )
