"""activities by parent: an index on ``parent_id``

Revision ID: 0008
Revises: 0007

The tracking pane lists an activity's replies (the activities correlated to it), and deleting
an activity clears its replies' link; both look activities up by ``parent_id``, which without
an index is a scan of every activity.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEX = "ix_activities_parent_id"


def upgrade() -> None:
    op.create_index(INDEX, "activities", ["parent_id"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="activities")
