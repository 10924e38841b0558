"""Executable content is recognised by its magic bytes, and ordinary documents are not."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from correspondent.domain.attachments import AttachmentPolicy, AttachmentStatus
from correspondent.mail import sniff
from correspondent.mail.sniff import detect_executable_kind


def _pe_head() -> bytes:
    head = bytearray(4096)
    head[0:2] = b"MZ"
    head[0x3C:0x40] = struct.pack("<I", 0x80)
    head[0x80:0x84] = b"PE\x00\x00"
    return bytes(head)


def _zip_head(first_name: str, *, jar_marker: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo(first_name)
        if jar_marker:
            info.extra = struct.pack("<HH", 0xCAFE, 0)
        archive.writestr(info, b"content")
        archive.writestr("other.txt", b"x")
    return buffer.getvalue()[:4096]


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (_pe_head(), sniff.WINDOWS_EXECUTABLE),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120, sniff.DOS_EXECUTABLE),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 60, sniff.ELF_EXECUTABLE),
        (b"\xfe\xed\xfa\xce" + b"\x00" * 28, sniff.MACH_O_EXECUTABLE),
        (b"\xfe\xed\xfa\xcf" + b"\x00" * 28, sniff.MACH_O_EXECUTABLE),
        (b"\xce\xfa\xed\xfe" + b"\x00" * 28, sniff.MACH_O_EXECUTABLE),
        (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 24, sniff.MACH_O_EXECUTABLE),
        # Universal binary with two architectures: nfat_arch = 2.
        (b"\xca\xfe\xba\xbe\x00\x00\x00\x02" + b"\x01" * 40, sniff.MACH_O_EXECUTABLE),
        (b"\xca\xfe\xba\xbf\x00\x00\x00\x02" + b"\x01" * 40, sniff.MACH_O_EXECUTABLE),
        # Java class: minor 0, major 61 (Java 17).
        (b"\xca\xfe\xba\xbe\x00\x00\x00\x3d" + b"\x01" * 40, sniff.JAVA_CLASS),
        # Java class with preview features: minor 0xFFFF.
        (b"\xca\xfe\xba\xbe\xff\xff\x00\x41" + b"\x01" * 40, sniff.JAVA_CLASS),
        (b"#!/bin/sh\nrm -rf ~\n", sniff.SCRIPT),
        (b"#!/usr/bin/env python3\n", sniff.SCRIPT),
        (
            bytes.fromhex("4c0000000114020000000000c000000000000046") + b"\x00" * 60,
            sniff.WINDOWS_SHORTCUT,
        ),
        (_zip_head("META-INF/MANIFEST.MF"), sniff.JAVA_ARCHIVE),
        (_zip_head("com/example/Main.class", jar_marker=True), sniff.JAVA_ARCHIVE),
    ],
)
def test_executables_are_recognised(head: bytes, kind: str) -> None:
    assert detect_executable_kind(head) == kind


@pytest.mark.parametrize(
    "head",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        b"name,amount\nAcme,100\n",
        # Text that happens to start with "MZ" (Mozambique's country code) is not a DOS program.
        b"MZ,Mozambique,Maputo\nZA,South Africa,Pretoria\n" + b"more text " * 10,
        # OLE compound file: Word .doc / Excel .xls / .msg share it with .msi; left unflagged.
        bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504,
        _zip_head("[Content_Types].xml"),  # .docx / .xlsx
        _zip_head("mimetype"),  # OpenDocument, EPUB
        b"",
        b"M",
        b"\xca\xfe",
        b" #!/bin/sh not at the start",
    ],
)
def test_documents_and_fragments_are_not_executables(head: bytes) -> None:
    assert detect_executable_kind(head) is None


def test_mz_with_pe_offset_outside_the_head_falls_back_to_dos() -> None:
    head = bytearray(0x40)
    head[0:2] = b"MZ"
    head[0x3C:0x40] = struct.pack("<I", 0x10000)
    assert detect_executable_kind(bytes(head)) == sniff.DOS_EXECUTABLE


def test_short_cafebabe_head_is_still_executable() -> None:
    assert detect_executable_kind(b"\xca\xfe\xba\xbe\x00") == sniff.JAVA_CLASS


@pytest.mark.parametrize("kind", sorted(sniff.ALL_KINDS))
def test_policy_explains_every_kind_the_sniffer_reports(kind: str) -> None:
    verdict = AttachmentPolicy.default().judge("file.pdf", 10, kind)
    assert verdict.status is AttachmentStatus.BLOCKED
    assert verdict.reason is not None and f"({kind})" not in verdict.reason  # a real description
