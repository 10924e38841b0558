"""Tables for sign-in and access control: roles, shares, API tokens, sessions, login attempts.

They share ``metadata`` with ``storage.tables`` so migrations and test clean-up see one schema.
Built-in roles are not rows: ``roles`` holds only roles an administrator created or edited, and a
row named like a built-in role replaces it. An emptied database therefore still has working roles.
Secrets (session ids, API tokens) are stored as SHA-256 digests; they are long random values, so
a slow password hash would add nothing but latency to every request.
"""

from __future__ import annotations

import sqlalchemy as sa

from correspondent.storage.tables import UTCDateTime, metadata, records, users

roles = sa.Table(
    "roles",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("privileges", sa.JSON, nullable=False),
    # {"account": {"read": "organisation", ...}, ...}
    sa.Column("modified_at", UTCDateTime(), nullable=False),
)

record_shares = sa.Table(
    "record_shares",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("record_type", sa.String(40), nullable=False),
    sa.Column("record_id", sa.Integer, nullable=False),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("access", sa.String(20), nullable=False),
    sa.Column("granted_by", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("record_type", "record_id", "user_id", name="uq_record_shares_once"),
    sa.Index("ix_record_shares_user", "user_id", "record_type", "record_id"),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("expires_at", UTCDateTime(), nullable=True),
    sa.Column("revoked_at", UTCDateTime(), nullable=True),
    sa.Column("last_used_at", UTCDateTime(), nullable=True),
)

web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("expires_at", UTCDateTime(), nullable=False),
)

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(400), nullable=False),
    # "account:<email>" or "address:<client ip>"
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Index("ix_login_failures_key_at", "key", "at"),
)

# Access-filtered listing: records of a type by business unit, activities by their owner's unit.
sa.Index("ix_records_type_bu", records.c.type, records.c.business_unit_id)
# Records by type and fields' "account" (an account's contacts): ix_records_type_account, an
# expression index that differs by database, so it lives only in migration 0004.
sa.Index("ix_users_business_unit_id", users.c.business_unit_id)
