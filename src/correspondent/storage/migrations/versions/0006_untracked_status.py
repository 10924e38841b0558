"""activities nobody tracks any more say so: status ``untracked``

Revision ID: 0006
Revises: 0005

Until now an activity kept ``status = 'tracked'`` after its last tracker untracked it (and kept
it). Untracking now sets ``untracked`` and tracking again ``tracked``; this puts the rows left
behind by the old behaviour right.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "UPDATE activities SET status = 'untracked' WHERE status = 'tracked' AND NOT EXISTS "
        "(SELECT 1 FROM activity_trackers t WHERE t.activity_id = activities.id)"
    )


def downgrade() -> None:
    op.execute("UPDATE activities SET status = 'tracked' WHERE status = 'untracked'")
