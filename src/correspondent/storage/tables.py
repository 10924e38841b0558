"""The SQL schema (SQLAlchemy Core). Alembic migrations in ``migrations/`` create it.

Tables are kept apart from the domain classes: repositories translate rows to domain objects, so a
change of API or domain shape never forces a migration by accident.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone of its own)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _now() -> datetime:
    return datetime.now(UTC)


def _created() -> sa.Column[datetime]:
    return sa.Column("created_at", UTCDateTime(), nullable=False, default=_now)


def _modified() -> sa.Column[datetime]:
    return sa.Column("modified_at", UTCDateTime(), nullable=False, default=_now, onupdate=_now)


business_units = sa.Table(
    "business_units",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("parent_id", sa.ForeignKey("business_units.id"), nullable=True),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(320), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("business_unit_id", sa.ForeignKey("business_units.id"), nullable=False),
    sa.Column("roles", sa.JSON, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("email_approved", sa.Boolean, nullable=False, default=False),
    sa.Column("password_hash", sa.String(200), nullable=True),
    _created(),
    _modified(),
)

records = sa.Table(
    "records",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("type", sa.String(40), nullable=False, index=True),
    sa.Column("name", sa.String(400), nullable=False),
    sa.Column("owner_id", sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("business_unit_id", sa.ForeignKey("business_units.id"), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("fields", sa.JSON, nullable=False),
    _created(),
    _modified(),
)

# One row per address of a record or user: the index that party resolution reads.
email_addresses = sa.Table(
    "email_addresses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("address", sa.String(320), nullable=False, index=True),
    sa.Column(
        "record_id", sa.ForeignKey("records.id", ondelete="CASCADE"), nullable=True, index=True
    ),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.CheckConstraint("(record_id IS NULL) <> (user_id IS NULL)", name="one_owner"),
)

blobs = sa.Table(
    "blobs",
    metadata,
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("refs", sa.Integer, nullable=False),
)

activities = sa.Table(
    "activities",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("identity_key", sa.String(1000), nullable=False, unique=True),
    sa.Column("message_id", sa.String(998), nullable=True, index=True),
    sa.Column("direction", sa.String(10), nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("normalised_subject", sa.String(400), nullable=False, index=True),
    sa.Column("sent_at", UTCDateTime(), nullable=True, index=True),
    sa.Column("in_reply_to", sa.String(998), nullable=True),
    sa.Column("references", sa.JSON, nullable=False),
    sa.Column("html_body", sa.Text, nullable=True),
    sa.Column("text_body", sa.Text, nullable=False),
    sa.Column("raw_blob_hash", sa.ForeignKey("blobs.hash"), nullable=False),
    sa.Column("raw_size", sa.BigInteger, nullable=False),
    sa.Column("owner_id", sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("regarding_type", sa.String(40), nullable=True),
    sa.Column("regarding_id", sa.Integer, nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column(
        "parent_id",
        sa.ForeignKey("activities.id", ondelete="SET NULL"),
        nullable=True,
        index=True,
    ),
    sa.Column("correlation_method", sa.String(20), nullable=True),
    _created(),
    _modified(),
    sa.Index("ix_activities_regarding", "regarding_type", "regarding_id"),
)

activity_parties = sa.Table(
    "activity_parties",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "activity_id",
        sa.ForeignKey("activities.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("role", sa.String(4), nullable=False),
    sa.Column("address", sa.String(320), nullable=False, index=True),
    sa.Column("display_name", sa.String(400), nullable=False),
    sa.Column("record_type", sa.String(40), nullable=True),
    sa.Column("record_id", sa.Integer, nullable=True),
    sa.Column("method", sa.String(20), nullable=False),
    sa.Index("ix_activity_parties_record", "record_type", "record_id"),
)

activity_attachments = sa.Table(
    "activity_attachments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "activity_id",
        sa.ForeignKey("activities.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("filename", sa.String(400), nullable=False),
    sa.Column("content_type", sa.String(200), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("blob_hash", sa.ForeignKey("blobs.hash"), nullable=True, index=True),
    sa.Column("content_id", sa.String(400), nullable=True),
    sa.Column("inline", sa.Boolean, nullable=False, default=False),
)

activity_trackers = sa.Table(
    "activity_trackers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("activity_id", sa.ForeignKey("activities.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("tracked_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("activity_id", "user_id", "source", name="uq_activity_trackers_once"),
)

activity_notifications = sa.Table(
    "activity_notifications",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "activity_id",
        sa.ForeignKey("activities.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("text", sa.Text, nullable=False),
    _created(),
)

org_settings = sa.Table(
    "org_settings",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

personal_options = sa.Table(
    "personal_options",
    metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=True),
    sa.Column("source", sa.String(200), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("raw_blob_hash", sa.ForeignKey("blobs.hash"), nullable=False),
    sa.Column("raw_size", sa.BigInteger, nullable=False),
    sa.Column("received_at", UTCDateTime(), nullable=False),
)
