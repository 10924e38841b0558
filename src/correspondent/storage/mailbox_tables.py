"""Tables of the mailbox sync (migration 0003): mailboxes, alerts, watched folders with their
sync position, the UID → activity map and the per-message failure list.

``mailbox_messages`` is unique on (mailbox, folder, uidvalidity, uid): one UID is looked at once
per UIDVALIDITY. ``keyword_written`` says whether ``$Tracked`` is known to be on the server, so a
missing ``$Tracked`` means "the user removed it" only after we wrote it.
"""

from __future__ import annotations

import sqlalchemy as sa

from correspondent.storage.tables import UTCDateTime, metadata

mailboxes = sa.Table(
    "mailboxes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("address", sa.String(320), nullable=False),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("port", sa.Integer, nullable=False),
    sa.Column("tls", sa.String(10), nullable=False),
    sa.Column("login", sa.String(320), nullable=False),
    sa.Column("auth_kind", sa.String(10), nullable=False),
    sa.Column("secret", sa.Text, nullable=False),
    sa.Column("enabled", sa.Boolean, nullable=False, default=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("process_from", UTCDateTime(), nullable=True),
    sa.Column("last_sync_at", UTCDateTime(), nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("failures", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", UTCDateTime(), nullable=True),
    sa.Column("capabilities", sa.JSON, nullable=False),
    sa.Column("lease_owner", sa.String(100), nullable=True),
    sa.Column("lease_until", UTCDateTime(), nullable=True),
    sa.Column("tracked_watermark", UTCDateTime(), nullable=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("address", name="uq_mailboxes_address"),
)

mailbox_alerts = sa.Table(
    "mailbox_alerts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "mailbox_id", sa.ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("level", sa.String(12), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

mailbox_folders = sa.Table(
    "mailbox_folders",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "mailbox_id", sa.ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("name", sa.String(1000), nullable=False),
    sa.Column("role", sa.String(10), nullable=False),
    sa.Column("tracked", sa.Boolean, nullable=False, default=False),
    sa.Column("regarding_type", sa.String(40), nullable=True),
    sa.Column("regarding_id", sa.Integer, nullable=True),
    sa.Column("mailbox_guid", sa.String(200), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("uidvalidity", sa.BigInteger, nullable=True),
    sa.Column("last_uid", sa.BigInteger, nullable=False, default=0),
    sa.Column("highestmodseq", sa.BigInteger, nullable=True),
    sa.Column("skipped", sa.JSON, nullable=False),
)

mailbox_messages = sa.Table(
    "mailbox_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("mailbox_id", sa.ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
    sa.Column("folder_id", sa.ForeignKey("mailbox_folders.id", ondelete="CASCADE"), nullable=False),
    sa.Column("uidvalidity", sa.BigInteger, nullable=False),
    sa.Column("uid", sa.BigInteger, nullable=False),
    sa.Column(
        "activity_id",
        sa.ForeignKey("activities.id", ondelete="SET NULL"),
        nullable=True,
        index=True,
    ),
    sa.Column("message_id", sa.String(998), nullable=True, index=True),
    sa.Column("outcome", sa.String(12), nullable=False),
    sa.Column("keyword_written", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint(
        "mailbox_id", "folder_id", "uidvalidity", "uid", name="uq_mailbox_messages_uid"
    ),
    sa.Index("ix_mailbox_messages_folder", "folder_id", "uidvalidity", "outcome"),
)

mailbox_failures = sa.Table(
    "mailbox_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "mailbox_id", sa.ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("folder_id", sa.ForeignKey("mailbox_folders.id", ondelete="CASCADE"), nullable=False),
    sa.Column("uidvalidity", sa.BigInteger, nullable=False),
    sa.Column("uid", sa.BigInteger, nullable=False),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_retry_at", UTCDateTime(), nullable=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint(
        "mailbox_id", "folder_id", "uidvalidity", "uid", name="uq_mailbox_failures_uid"
    ),
)
