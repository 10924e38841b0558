"""The attachment policy of BEHAVIOUR §5, including the Beyond points (names are hostile)."""

from __future__ import annotations

import pytest

from correspondent.domain.attachments import (
    DEFAULT_BLOCKED_EXTENSIONS,
    DEFAULT_MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENT_BYTES_LIMIT,
    AttachmentPolicy,
    AttachmentStatus,
    clean_filename,
)
from correspondent.domain.errors import InvalidInput

MB = 1024 * 1024
POLICY = AttachmentPolicy.default()


def test_default_list_is_the_reference_list() -> None:
    assert len(DEFAULT_BLOCKED_EXTENSIONS) == 97
    assert {"exe", "msh1xml", "vsmacros", "svg", "printer", "js", "lnk"} <= (
        DEFAULT_BLOCKED_EXTENSIONS
    )
    assert "pdf" not in DEFAULT_BLOCKED_EXTENSIONS
    assert POLICY.max_bytes == DEFAULT_MAX_ATTACHMENT_BYTES == 5 * MB
    assert MAX_ATTACHMENT_BYTES_LIMIT == 128 * MB


@pytest.mark.parametrize("name", ["report.pdf", "v1.2.final.pdf", "photo.JPG", "README", "a.b.c"])
def test_ordinary_names_are_saved_unchanged(name: str) -> None:
    verdict = POLICY.judge(name, 1000, None)
    assert verdict.status is AttachmentStatus.SAVED
    assert verdict.safe_filename == name
    assert verdict.reason is None


@pytest.mark.parametrize(
    "name", ["setup.exe", "SETUP.EXE", "Run.Bat", "x.js", "evil.exe.", "evil.exe . ."]
)
def test_blocked_extension_is_case_insensitive_and_ignores_trailing_dots(name: str) -> None:
    verdict = POLICY.judge(name, 10, None)
    assert verdict.status is AttachmentStatus.BLOCKED
    assert verdict.reason is not None
    assert "is on the blocked list" in verdict.reason
    assert not verdict.safe_filename.endswith((".", " "))


def test_double_extension_with_executable_last_names_the_disguise() -> None:
    verdict = POLICY.judge("invoice.pdf.exe", 10, None)
    assert verdict.status is AttachmentStatus.BLOCKED
    assert verdict.reason == (
        "blocked: the file extension .exe is on the blocked list (the name is disguised as .pdf)"
    )


@pytest.mark.parametrize("name", ["report.exe.pdf", "invoice.pdf .exe", "evil.exe\x00.pdf"])
def test_blocked_extension_anywhere_in_the_suffixes_blocks(name: str) -> None:
    verdict = POLICY.judge(name, 10, None)
    assert verdict.status is AttachmentStatus.BLOCKED
    assert verdict.reason is not None and ".exe" in verdict.reason


def test_inner_extension_reason_says_double_extension() -> None:
    verdict = POLICY.judge("report.exe.pdf", 10, None)
    assert verdict.reason == (
        "blocked: the name hides the blocked extension .exe before .pdf (a double extension)"
    )


@pytest.mark.parametrize(
    "control",
    ["\u202e", "\u202a", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"],
)
def test_bidi_controls_block_and_are_removed_from_the_safe_name(control: str) -> None:
    verdict = POLICY.judge(f"invoice{control}fdp.txt", 10, None)
    assert verdict.status is AttachmentStatus.BLOCKED
    assert verdict.safe_filename == "invoicefdp.txt"
    assert verdict.reason is not None and "text-direction" in verdict.reason


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\x\\evil.txt", "evil.txt"),
        ("/abs/path/notes.txt", "notes.txt"),
        ("..", "attachment"),
        ("", "attachment"),
        ("   ", "attachment"),
        (".hidden.txt", "hidden.txt"),
        ("a\x00b\x1fc\x7f.txt", "abc.txt"),
        ('what?<is>"this"|*.txt', "what__is__this___.txt"),
        ("con.txt", "_con.txt"),
        ("LPT1", "_LPT1"),
        ("zero\u200bwidth.txt", "zerowidth.txt"),
    ],
)
def test_names_are_cleaned_to_a_safe_base_name(name: str, safe: str) -> None:
    verdict = POLICY.judge(name, 10, None)
    assert verdict.safe_filename == safe
    assert verdict.status is AttachmentStatus.SAVED  # cleaning alone is not a reason to block


def test_cleaning_cannot_create_an_unjudged_extension() -> None:
    # The zero-width space hides "exe" from a naive check; removing it must not let it through.
    verdict = POLICY.judge("tool.e\u200bxe", 10, None)
    assert verdict.safe_filename == "tool.exe"
    assert verdict.status is AttachmentStatus.BLOCKED


def test_path_with_blocked_extension_is_blocked_by_its_base_name() -> None:
    verdict = POLICY.judge("..\\..\\Windows\\evil.SCR", 10, None)
    assert (verdict.status, verdict.safe_filename) == (AttachmentStatus.BLOCKED, "evil.SCR")


def test_long_names_are_capped_keeping_the_extension() -> None:
    safe = clean_filename("é" * 300 + ".pdf")
    assert len(safe.encode("utf-8")) <= 255
    assert safe.endswith(".pdf")


def test_executable_content_is_blocked_whatever_the_name() -> None:
    verdict = POLICY.judge("invoice.pdf", 10, "windows-executable")
    assert verdict.status is AttachmentStatus.BLOCKED
    assert verdict.reason == (
        "blocked: the content is a Windows executable although the name ends in .pdf"
    )
    no_ext = POLICY.judge("invoice", 10, "elf-executable")
    assert no_ext.reason is not None and "has no extension" in no_ext.reason


def test_unknown_kind_is_still_blocked() -> None:
    verdict = POLICY.judge("a.txt", 10, "future-kind")
    assert verdict.status is AttachmentStatus.BLOCKED
    assert verdict.reason is not None and "future-kind" in verdict.reason


def test_size_limit() -> None:
    assert POLICY.judge("a.pdf", 5 * MB, None).status is AttachmentStatus.SAVED
    verdict = POLICY.judge("a.pdf", int(7.2 * MB), None)
    assert verdict.status is AttachmentStatus.TOO_LARGE
    assert verdict.reason == "too large: 7.2 MB is over the 5 MB limit"


def test_size_just_over_the_limit_shows_exact_bytes() -> None:
    verdict = POLICY.judge("a.pdf", 5 * MB + 1, None)
    assert verdict.status is AttachmentStatus.TOO_LARGE
    assert verdict.reason == "too large: 5,242,881 bytes is over the 5,242,880-byte limit"


def test_blocked_wins_over_too_large() -> None:
    assert POLICY.judge("a.exe", 50 * MB, None).status is AttachmentStatus.BLOCKED


def test_custom_policy_normalises_extensions_and_applies_them() -> None:
    policy = AttachmentPolicy(frozenset({".PDF", " Docx "}), 1000)
    assert policy.blocked_extensions == {"pdf", "docx"}
    assert policy.judge("a.pdf", 1, None).status is AttachmentStatus.BLOCKED
    assert policy.judge("a.exe", 1, None).status is AttachmentStatus.SAVED
    assert policy.judge("a.txt", 1001, None).status is AttachmentStatus.TOO_LARGE


@pytest.mark.parametrize("max_bytes", [0, -1, MAX_ATTACHMENT_BYTES_LIMIT + 1])
def test_max_bytes_out_of_range_is_refused_with_the_range(max_bytes: int) -> None:
    with pytest.raises(InvalidInput, match="between 1 byte and 128 MB"):
        AttachmentPolicy(DEFAULT_BLOCKED_EXTENSIONS, max_bytes)


def test_max_bytes_at_the_limits_is_accepted() -> None:
    assert AttachmentPolicy(frozenset(), 1).max_bytes == 1
    assert AttachmentPolicy(frozenset(), MAX_ATTACHMENT_BYTES_LIMIT).max_bytes == 128 * MB


@pytest.mark.parametrize("bad", ["", ".", "tar.gz", "a b", "x/y"])
def test_malformed_extensions_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInput, match="not a file extension"):
        AttachmentPolicy(frozenset({bad}), 1000)


def test_statuses_match_the_stored_values() -> None:
    assert [s.value for s in AttachmentStatus] == ["saved", "blocked", "too_large", "removed"]
