"""Interface names for the values the views carry (roles, sources, methods, states, types).

Views hold the stable machine values; pages show these catalogued names in the user's language.
"""

from __future__ import annotations

from correspondent.web.admin_forms import ADMINISTRATION
from correspondent.web.i18n import N_

PARTY_ROLES = {"from": N_("From"), "to": N_("To"), "cc": N_("Cc"), "bcc": N_("Bcc")}
TRACKER_SOURCES = {
    "manual": N_("Tracked by hand"),
    "folder": N_("Moved to a tracked folder"),
    "rule": N_("Automatic tracking rule"),
    "reply": N_("Reply to tracked mail"),
    "keyword": N_("Tagged with the track keyword"),
    "import": N_("Imported"),
}
RESOLUTION_METHODS = {
    "unique_match": N_("the only record with this address"),
    "precedence": N_("chosen by record type precedence"),
    "owner_preferred": N_("the record owned by the tracking user"),
    "first_match": N_("the first of several matching records"),
    "all_matches": N_("one of several matching records"),
    "auto_created": N_("created automatically"),
    "no_match": N_("no record has this address"),
}
CORRELATION_METHODS = {
    "in_reply_to": N_("In-Reply-To header"),
    "references": N_("References header"),
    "tracking_token": N_("tracking token in the subject"),
    "smart_match": N_("same subject and participants"),
}
ATTACHMENT_STATES = {
    "saved": N_("Saved"),
    "blocked": N_("Blocked"),
    "too_large": N_("Too large"),
    "removed": N_("Removed"),
}
STATUSES = {"tracked": N_("Tracked")}
RECORD_TYPES = {
    "account": N_("Account"),
    "contact": N_("Contact"),
    "lead": N_("Lead"),
    "opportunity": N_("Opportunity"),
    "case": N_("Case"),
    "user": N_("User"),
}
RECORD_FIELDS = {
    "title": N_("Title"),
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "email": N_("Email address"),
    "account": N_("Account"),
    "contact": N_("Contact"),
    "status": N_("Status"),
    "website": N_("Website"),
    "phone": N_("Phone"),
    "job_title": N_("Job title"),
    "company": N_("Company"),
    "topic": N_("Topic"),
    "estimated_value": N_("Estimated value"),
    "priority": N_("Priority"),
    "owner": N_("Owner"),
}
DIRECTIONS = {"incoming": N_("Incoming"), "outgoing": N_("Outgoing")}
ALERT_LEVELS = {
    "error": N_("Error"),
    "warning": N_("Warning"),
    "information": N_("Information"),
}

ALL: dict[str, dict[str, str]] = {
    "party_role": PARTY_ROLES,
    "tracker_source": TRACKER_SOURCES,
    "resolution": RESOLUTION_METHODS,
    "correlation": CORRELATION_METHODS,
    "attachment_state": ATTACHMENT_STATES,
    "status": STATUSES,
    "record_type": RECORD_TYPES,
    "direction": DIRECTIONS,
    "record_field": RECORD_FIELDS,
    "alert_level": ALERT_LEVELS,
    **ADMINISTRATION,
}


def label(kind: str, value: str) -> str:
    """The untranslated interface name of ``value``; an unknown value is shown as it is."""
    return ALL[kind].get(value, value)


MAILBOX_STATES = {
    "new": N_("Not tested yet"),
    "enabled": N_("Enabled"),
    "failing": N_("Failing"),
    "disabled": N_("Disabled"),
}
ALERT_LEVELS = {"error": N_("Error"), "warning": N_("Warning"), "information": N_("Information")}
TLS_CHOICES = {
    "implicit": N_("TLS from the start (usually port 993)"),
    "starttls": N_("STARTTLS (usually port 143)"),
    "plain": N_("None (only to a server on this computer)"),
}
AUTH_KINDS = {"password": N_("Password"), "xoauth2": N_("OAuth2 access token")}
FOLDER_ROLES = {"inbox": N_("Inbox"), "sent": N_("Sent"), "other": N_("Tracked folder")}
SPECIAL_USES = {
    "\\Sent": N_("Sent"),
    "\\Drafts": N_("Drafts"),
    "\\Trash": N_("Trash"),
    "\\Junk": N_("Junk"),
    "\\Archive": N_("Archive"),
    "\\All": N_("All mail"),
    "\\Flagged": N_("Flagged"),
}
ALL.update(
    mailbox_state=MAILBOX_STATES,
    alert_level=ALERT_LEVELS,
    tls=TLS_CHOICES,
    auth=AUTH_KINDS,
    folder_role=FOLDER_ROLES,
    special_use=SPECIAL_USES,
)
