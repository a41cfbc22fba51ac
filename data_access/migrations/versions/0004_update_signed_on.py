"""signed_on in agg_joint_plan_updates

The day an update started to count (the later of the two signatures), so the joint-plan status
read for a past date does not change when an old update is signed later. The table is rebuilt
from joint_plan_updates.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('agg_joint_plan_updates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_on', sa.Date(), nullable=True))
    # emptied: warehouse.upgrade rebuilds empty analytics tables from their source rows
    op.execute("DELETE FROM agg_joint_plan_updates")


def downgrade() -> None:
    with op.batch_alter_table('agg_joint_plan_updates', schema=None) as batch_op:
        batch_op.drop_column('signed_on')
