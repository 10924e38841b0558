"""Merge the access-control and mailbox branches into one history.

Revision ID: 0005
Revises: 0003, 0004
"""

from __future__ import annotations

revision = "0005"
down_revision = ("0003", "0004")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: both branches are already applied."""


def downgrade() -> None:
    """Nothing to change."""
