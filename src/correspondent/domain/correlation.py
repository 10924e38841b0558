"""Correlation: finding the tracked activity a message answers (BEHAVIOUR §4).

Order: In-Reply-To, then References (newest first), then a tracking token in the subject, then
smart matching (normalised subject plus at least two shared participants within 90 days). The
token is the configured prefix followed by the activity id padded to seven digits, e.g.
``CRM:0001011``, so recognising one needs no lookup table.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

SMART_MATCH_WINDOW = timedelta(days=90)
SMART_MATCH_MIN_SHARED = 2

# Reply and forward prefixes as mail clients write them in many languages. Matched
# case-insensitively, followed by an optional counter ("Re[2]:", "RE(3):") and a colon, which may be
# full width in CJK clients.
_PREFIXES = (
    "re",
    "fw",
    "fwd",
    "aw",
    "wg",
    "sv",
    "vs",
    "vb",
    "tr",
    "rv",
    "ref",
    "rif",
    "enc",
    "res",
    "odp",
    "pd",
    "ynt",
    "atb",
    "antw",
    "doorst",
    "fs",
    "vl",
    "ath",
    "bls",
    "r",
    "回复",
    "回覆",
    "转发",
    "轉寄",
    "答复",
    "返信",
    "転送",
    "답장",
    "전달",
    "отв",
    "пересл",
    "ответ",
    "תשובה",
    "הועבר",
    "رد",
    "إعادة توجيه",
    "ΑΠ",
    "ΣΧΕΤ",
    "ΠΡΘ",
)
_PREFIX_RE = re.compile(
    r"^\s*(?:\[[^\]]{0,40}\]\s*)?(?:"
    + "|".join(sorted((re.escape(p) for p in _PREFIXES), key=len, reverse=True))
    + r")\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*",
    re.IGNORECASE,
)


def normalise_subject(subject: str, token_prefix: str | None = None) -> str:
    """Strip reply/forward prefixes (any language, repeated), tokens and spacing; casefold."""
    text = unicodedata.normalize("NFKC", subject)
    if token_prefix:
        text = token_pattern(token_prefix).sub(" ", text)
    previous = None
    while previous != text:
        previous = text
        text = _PREFIX_RE.sub("", text)
    return " ".join(text.split()).casefold()


def token_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(re.escape(prefix) + r"(\d{7,})", re.IGNORECASE)


def format_token(prefix: str, activity_id: int) -> str:
    return f"{prefix}{activity_id:07d}"


def find_token(subject: str, prefix: str) -> int | None:
    """The activity id of the last tracking token in ``subject``, if any."""
    matches = token_pattern(prefix).findall(unicodedata.normalize("NFKC", subject))
    return int(matches[-1]) if matches else None


@dataclass(frozen=True)
class CorrelationRules:
    enabled: bool = True
    tracking_token: bool = True
    token_prefix: str = "CRM:"
    smart_matching: bool = False


def shares_enough_participants(a: set[str], b: set[str]) -> bool:
    return len(a & b) >= SMART_MATCH_MIN_SHARED
