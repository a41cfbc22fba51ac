"""boundaries for the maps; resettlement decisions with days since submission

Adds the `boundaries` dataset table (GeoJSON regions or districts imported with
`hamkori import boundaries FILE.geojson`) and rebuilds `agg_resettlement`, whose `decided`
events now carry the days since submission (RST.DAYS_TO_DECIDE).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 06:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('boundaries',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('level', sa.String(length=40), nullable=False),
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('region', sa.String(length=8), nullable=True),
    sa.Column('geometry', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_boundaries_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['superseded_by'], ['import_batch.id'], name=op.f('fk_boundaries_superseded_by_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_boundaries'))
    )
    with op.batch_alter_table('boundaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_boundaries_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_boundaries_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_boundaries_superseded_by'), ['superseded_by'], unique=False)

    from data_access import analytics  # the current definition of the table's rows
    analytics.rebuild(op.get_bind(), 'resettlement')


def downgrade() -> None:
    with op.batch_alter_table('boundaries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_boundaries_superseded_by'))
        batch_op.drop_index(batch_op.f('ix_boundaries_batch_id'))
        batch_op.drop_index(batch_op.f('ix_boundaries_level'))
    op.drop_table('boundaries')
