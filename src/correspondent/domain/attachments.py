"""The attachment policy: which files of a tracked message are saved, and under what name.

BEHAVIOUR §5: an admin keeps a list of blocked file extensions and a maximum size; a blocked or
oversized attachment is dropped, the message is still tracked, and the activity names each dropped
file and why. The **Beyond** points are the reason this module is more than a set lookup — a file
name is attacker-controlled text, and the reference system's check is easy to fool:

* **Hostile names are cleaned first, then judged.** RFC 2231 names may carry path separators
  (``../../etc/passwd``, ``C:\\x\\evil.txt``), NUL and control characters, leading dots, Windows
  reserved characters and trailing dots/spaces (Windows ignores those, so ``evil.exe.`` *is* an
  ``.exe``). ``safe_filename`` is a bare base name that is safe to offer for download; every check
  runs on it, so cleaning can never *create* an unjudged blocked extension.
* **Double extensions.** A name is blocked when *any* dot-separated suffix after the stem is on the
  blocked list: ``invoice.pdf.exe`` (the classic disguise), but also ``report.exe.pdf`` and
  ``evil.exe<NUL>.pdf`` (what a C-string consumer truncates to). Ordinary dotted names such as
  ``v1.2.final.pdf`` pass because none of their suffixes is blocked. The price is a few false
  positives (``logo.svg.png``, ``offer.example.com.pdf``); we accept it because a dropped file is
  named in the activity's notification and the raw message is kept, so nothing is lost.
* **Bidi controls** (U+202A–202E, U+2066–2069, U+200E/200F, U+061C) in a name only serve to make
  ``invoice\\u202efdp.exe`` display as ``invoiceexe.pdf``; such a name is blocked outright, and its
  ``safe_filename`` shows the name with the controls removed.
* **Real type over name.** ``detected_kind`` comes from ``mail.sniff`` (magic bytes); executable
  content is blocked whatever the name says.

Pure standard library, no I/O: callers pass the name, the size and the sniffed kind.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass

from correspondent.domain.errors import InvalidInput

# The reference system's default list, verbatim from BEHAVIOUR §5.
_REFERENCE_BLOCKED_LIST = """
    ade adp app asa ashx asmx asp bas bat cdx cer chm class cmd com config cpl crt csh dll exe fxp
    hlp hta htr htw ida idc idq inf ins isp its jar js jse ksh lnk mad maf mag mam maq mar mas mat
    mau mav maw mda mdb mde mdt mdw mdz msc msh msh1 msh1xml msh2 msh2xml mshxml msi msp mst ops
    pcd pif prf prg printer pst reg rem scf scr sct shb shs shtm shtml soap stm svg tmp url vb vbe
    vbs vsmacros vss vst vsw ws wsc wsf wsh
    """
DEFAULT_BLOCKED_EXTENSIONS: frozenset[str] = frozenset(_REFERENCE_BLOCKED_LIST.split())
DEFAULT_MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENT_BYTES_LIMIT = 128 * 1024 * 1024

FALLBACK_FILENAME = "attachment"
_MAX_NAME_BYTES = 255  # the common file-system limit, in UTF-8 bytes
_MIB = 1024 * 1024

_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_WINDOWS_RESERVED_CHARS = frozenset('<>:"|?*')
_WINDOWS_DEVICE_NAMES = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"com{n}" for n in range(1, 10)]
    + [f"lpt{n}" for n in range(1, 10)]
)

# What a user is told for each kind ``mail.sniff.detect_executable_kind`` can report.
_KIND_DESCRIPTIONS: dict[str, str] = {
    "windows-executable": "a Windows executable",
    "dos-executable": "a DOS executable",
    "elf-executable": "a Linux/Unix (ELF) executable",
    "mach-o-executable": "a macOS (Mach-O) executable",
    "java-class": "a compiled Java class",
    "java-archive": "a Java archive (JAR)",
    "script": "a script with a #! interpreter line",
    "windows-shortcut": "a Windows shortcut (.lnk)",
}


class AttachmentStatus(enum.StrEnum):
    """What became of an attachment; ``REMOVED`` is set later, when a user stops sharing it."""

    SAVED = "saved"
    BLOCKED = "blocked"
    TOO_LARGE = "too_large"
    REMOVED = "removed"


@dataclass(frozen=True)
class AttachmentVerdict:
    """The policy's decision on one attachment; ``reason`` is a sentence for the user, or None."""

    status: AttachmentStatus
    safe_filename: str
    reason: str | None = None


@dataclass(frozen=True)
class AttachmentPolicy:
    """The organisation's blocked extensions and maximum attachment size (BEHAVIOUR §5)."""

    blocked_extensions: frozenset[str]
    max_bytes: int

    def __post_init__(self) -> None:
        if isinstance(self.max_bytes, bool) or not isinstance(self.max_bytes, int):
            raise InvalidInput(
                f"The maximum attachment size must be a whole number of bytes, "
                f"not {self.max_bytes!r}."
            )
        if not 1 <= self.max_bytes <= MAX_ATTACHMENT_BYTES_LIMIT:
            raise InvalidInput(
                f"The maximum attachment size must be between 1 byte and 128 MB "
                f"({MAX_ATTACHMENT_BYTES_LIMIT} bytes); {self.max_bytes} is not."
            )
        object.__setattr__(
            self, "blocked_extensions", _normalise_extensions(self.blocked_extensions)
        )

    @classmethod
    def default(cls) -> AttachmentPolicy:
        """The reference system's defaults: its blocked list and 5 MB."""
        return cls(DEFAULT_BLOCKED_EXTENSIONS, DEFAULT_MAX_ATTACHMENT_BYTES)

    def judge(self, filename: str, size: int, detected_kind: str | None) -> AttachmentVerdict:
        """Decide whether to save a file named ``filename`` of ``size`` bytes.

        ``detected_kind`` is what ``mail.sniff.detect_executable_kind`` found in the content
        (None when the content is not executable). The first reason found wins, in this order:
        disguising characters, blocked extension, executable content, size.
        """
        if size < 0:
            raise InvalidInput(f"An attachment size cannot be negative ({size}).")
        safe = clean_filename(filename)
        if any(char in _BIDI_CONTROLS for char in filename):
            return AttachmentVerdict(
                AttachmentStatus.BLOCKED,
                safe,
                "blocked: the name contains invisible text-direction characters that can "
                "disguise its real extension",
            )
        suffixes = _suffixes(safe)
        blocked = [suffix for suffix in suffixes if suffix in self.blocked_extensions]
        if blocked:
            return AttachmentVerdict(
                AttachmentStatus.BLOCKED, safe, _extension_reason(blocked[-1], suffixes)
            )
        if detected_kind is not None:
            what = _KIND_DESCRIPTIONS.get(detected_kind, f"executable content ({detected_kind})")
            shown = f"ends in .{suffixes[-1]}" if suffixes else "has no extension"
            return AttachmentVerdict(
                AttachmentStatus.BLOCKED,
                safe,
                f"blocked: the content is {what} although the name {shown}",
            )
        if size > self.max_bytes:
            return AttachmentVerdict(
                AttachmentStatus.TOO_LARGE, safe, f"too large: {_size_over(size, self.max_bytes)}"
            )
        return AttachmentVerdict(AttachmentStatus.SAVED, safe)


def clean_filename(filename: str) -> str:
    """Reduce a sender-supplied name to a bare base name that is safe to store and offer.

    Keeps the last path component, removes control, format and bidi characters, replaces the
    characters Windows reserves with ``_``, strips leading dots and trailing dots/spaces, defuses
    Windows device names, and caps the length at 255 UTF-8 bytes keeping the extension.
    """
    name = unicodedata.normalize("NFC", filename)
    name = "".join(
        "_" if char in _WINDOWS_RESERVED_CHARS else char
        for char in name
        if unicodedata.category(char) not in ("Cc", "Cf")
    )
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    previous = None
    while name != previous:  # leading dots hide files; Windows drops trailing dots and spaces
        previous, name = name, name.strip().strip(".")
    if not name:
        return FALLBACK_FILENAME
    if name.split(".", 1)[0].strip().lower() in _WINDOWS_DEVICE_NAMES:
        name = "_" + name
    return _cap_length(name)


def _suffixes(name: str) -> list[str]:
    """The lower-cased dot-separated parts after the stem: ``a.PDF.exe`` -> ``["pdf", "exe"]``."""
    return [part.strip().lower() for part in name.split(".")[1:]]


def _extension_reason(extension: str, suffixes: list[str]) -> str:
    if suffixes[-1] == extension:
        reason = f"blocked: the file extension .{extension} is on the blocked list"
        if len(suffixes) > 1 and suffixes[-2]:
            reason += f" (the name is disguised as .{suffixes[-2]})"
        return reason
    return (
        f"blocked: the name hides the blocked extension .{extension} before .{suffixes[-1]} "
        "(a double extension)"
    )


def _size_over(size: int, limit: int) -> str:
    """``7.2 MB is over the 5 MB limit``; exact bytes when rounding would hide the difference."""
    if min(size, limit) >= _MIB // 10 and round(size / _MIB, 1) > round(limit / _MIB, 1):
        return f"{_format_mib(size)} is over the {_format_mib(limit)} limit"
    return f"{size:,} bytes is over the {limit:,}-byte limit"


def _format_mib(size: int) -> str:
    value = round(size / _MIB, 1)
    return f"{value:.0f} MB" if value.is_integer() else f"{value:.1f} MB"


def _cap_length(name: str) -> str:
    if len(name.encode("utf-8")) <= _MAX_NAME_BYTES:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension.encode("utf-8")) > 32:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    budget = _MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    return stem.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(". ") + suffix


def _normalise_extensions(extensions: frozenset[str]) -> frozenset[str]:
    normalised: set[str] = set()
    for raw in extensions:
        extension = raw.strip().lower().lstrip(".")
        if not extension or "." in extension or any(c.isspace() or c in "/\\" for c in extension):
            raise InvalidInput(
                f"{raw!r} is not a file extension; give single extensions such as 'exe' or '.exe'."
            )
        normalised.add(extension)
    return frozenset(normalised)
