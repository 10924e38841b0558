"""What the administration forms show: the organisation settings form, and the names of depths,
operations and share access.

The settings' values, defaults and validation live in ``domain/settings.py``; this module only
says how each is asked for on the page (its widget, its label, the error a person reads).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from correspondent.domain.attachments import MAX_ATTACHMENT_BYTES_LIMIT
from correspondent.web.i18n import N_


@dataclass(frozen=True)
class SettingField:
    key: str
    label: str
    widget: str
    """"switch" (a checkbox: on/off), "choice", "text", "extensions" or "number"."""
    hint: str = ""
    error: str = ""
    """The catalogued message shown when the value is refused."""
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        return "setting-" + self.key.replace(".", "-").replace("_", "-")


@dataclass(frozen=True)
class SettingSection:
    title: str
    fields: tuple[SettingField, ...]


_SWITCH_ERROR = N_("Choose on or off.")

ORG_SETTINGS_FORM = (
    SettingSection(
        N_("Resolution"),
        (
            SettingField(
                "resolution.from_multiple",
                N_("When the From address matches several records"),
                "choice",
                error=N_("Choose one of the options."),
                choices=(
                    ("first", N_("Link the first match")),
                    ("unresolved", N_("Leave it unresolved")),
                ),
            ),
            SettingField(
                "resolution.recipients_unresolved_on_multiple",
                N_("Leave To, Cc and Bcc unresolved when several records match"),
                "switch",
                error=_SWITCH_ERROR,
            ),
            SettingField(
                "resolution.match_inactive",
                N_("Inactive records may match addresses"),
                "switch",
                error=_SWITCH_ERROR,
            ),
        ),
    ),
    SettingSection(
        N_("Tracking"),
        (
            SettingField(
                "tracking.require_regarding",
                N_("Require a regarding record"),
                "switch",
                hint=N_("Email can only be tracked linked to a record."),
                error=_SWITCH_ERROR,
            ),
            SettingField(
                "tracking.require_approved_email",
                N_("Require approval of email addresses"),
                "switch",
                hint=N_("Mail of users whose email address is not approved is not tracked."),
                error=_SWITCH_ERROR,
            ),
            SettingField(
                "tracking.internal_as_two_activities",
                N_("Store mail between two users as a sent and a received activity"),
                "switch",
                error=_SWITCH_ERROR,
            ),
        ),
    ),
    SettingSection(
        N_("Correlation"),
        (
            SettingField(
                "correlation.enabled",
                N_("Correlate replies with tracked mail"),
                "switch",
                error=_SWITCH_ERROR,
            ),
            SettingField(
                "correlation.tracking_token",
                N_("Recognise tracking tokens in subjects"),
                "switch",
                error=_SWITCH_ERROR,
            ),
            SettingField(
                "correlation.token_prefix",
                N_("Tracking token prefix"),
                "text",
                hint=N_("Put before the digits in subjects, for example CRM:0001011."),
                error=N_("Enter 1 to 20 characters without spaces."),
            ),
            SettingField(
                "correlation.smart_matching",
                N_("Smart matching (same subject and participants)"),
                "switch",
                error=_SWITCH_ERROR,
            ),
        ),
    ),
    SettingSection(
        N_("Attachments"),
        (
            SettingField(
                "attachments.blocked_extensions",
                N_("Blocked file extensions"),
                "extensions",
                hint=N_("Separated by spaces or commas; such files are never saved."),
            ),
            SettingField(
                "attachments.max_bytes",
                N_("Maximum attachment size in bytes"),
                "number",
                hint=N_("Larger files are not saved; 5 MB is 5242880 bytes."),
                error=N_("Enter a whole number of bytes from 1 to %(limit)s."),
            ),
        ),
    ),
)

SETTING_FIELDS: Mapping[str, SettingField] = {
    f.key: f for section in ORG_SETTINGS_FORM for f in section.fields
}
MAX_BYTES = MAX_ATTACHMENT_BYTES_LIMIT


def settings_from_form(form: Mapping[str, str]) -> dict[str, str]:
    """Every setting of the form (fields are named by their ids) as the text the use case
    takes; an unticked box sends nothing, which is "off"."""
    values: dict[str, str] = {}
    for key, field in SETTING_FIELDS.items():
        if field.widget == "switch":
            values[key] = "on" if form.get(field.id) == "on" else "off"
        else:
            values[key] = form.get(field.id, "")
    return values


DEPTHS = {
    "none": N_("None"),
    "user": N_("Own records"),
    "business_unit": N_("Business unit"),
    "organisation": N_("Organisation"),
}
OPERATIONS = {
    "create": N_("Create"),
    "read": N_("Read"),
    "write": N_("Write"),
    "delete": N_("Delete"),
    "assign": N_("Assign"),
    "share": N_("Share"),
}
SHARE_ACCESS = {"read": N_("Read"), "read_write": N_("Read and write")}
ROLE_NAMES = {
    "administrator": N_("Administrator"),
    "sales_manager": N_("Sales manager"),
    "salesperson": N_("Salesperson"),
    "read_only": N_("Read only"),
}
ROLE_DESCRIPTIONS = {
    "administrator": N_("Everything in the organisation, plus users, roles and settings."),
    "sales_manager": N_("Everything in their business unit; reads customers organisation-wide."),
    "salesperson": N_(
        "Reads customers organisation-wide; works on their own records and activities."
    ),
    "read_only": N_("Reads customers organisation-wide and their own activities; changes nothing."),
}
MAILBOX_STATES = {
    "new": N_("New, not tested"),
    "enabled": N_("Enabled"),
    "failing": N_("Failing, will retry"),
    "disabled": N_("Disabled"),
}

ADMINISTRATION = {
    "depth": DEPTHS,
    "operation": OPERATIONS,
    "share_access": SHARE_ACCESS,
    "role": ROLE_NAMES,
    "role_description": ROLE_DESCRIPTIONS,
    "mailbox_status": MAILBOX_STATES,
}
