"""analytics tables

The agg_* tables of `data_access/analytics.py`: current rows of each dataset, aggregated, rebuilt
in every import/rollback transaction. `warehouse.upgrade` fills them for existing data.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 04:03:34.222898
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agg_asylum',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('origin', sa.String(length=3), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('applied', sa.BigInteger(), nullable=False),
    sa.Column('recognized', sa.BigInteger(), nullable=False),
    sa.Column('complementary', sa.BigInteger(), nullable=False),
    sa.Column('rejected', sa.BigInteger(), nullable=False),
    sa.Column('closed', sa.BigInteger(), nullable=False)
    )
    with op.batch_alter_table('agg_asylum', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agg_asylum_month'), ['month'], unique=False)

    op.create_table('agg_birth_registration',
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('region', sa.String(length=8), nullable=False),
    sa.Column('district', sa.String(length=64), nullable=True),
    sa.Column('population_type', sa.String(length=40), nullable=False),
    sa.Column('sex', sa.String(length=40), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('children_under5', sa.BigInteger(), nullable=False),
    sa.Column('registered', sa.BigInteger(), nullable=False)
    )
    with op.batch_alter_table('agg_birth_registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agg_birth_registration_date'), ['date'], unique=False)

    op.create_table('agg_education',
    sa.Column('school_year', sa.String(length=7), nullable=False),
    sa.Column('year_start', sa.Date(), nullable=False),
    sa.Column('region', sa.String(length=8), nullable=False),
    sa.Column('population_type', sa.String(length=40), nullable=False),
    sa.Column('level', sa.String(length=40), nullable=False),
    sa.Column('sex', sa.String(length=40), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('school_age', sa.BigInteger(), nullable=False),
    sa.Column('enrolled', sa.BigInteger(), nullable=False),
    sa.Column('enrolled_of_age', sa.BigInteger(), nullable=False),
    sa.Column('dafi_scholars', sa.BigInteger(), nullable=True)
    )
    with op.batch_alter_table('agg_education', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agg_education_year_start'), ['year_start'], unique=False)

    op.create_table('agg_funding',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('donor', sa.Text(), nullable=False),
    sa.Column('agency', sa.String(length=40), nullable=False),
    sa.Column('area', sa.String(length=40), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('pledged_usd', sa.Float(), nullable=False),
    sa.Column('received_usd', sa.Float(), nullable=False)
    )
    with op.batch_alter_table('agg_funding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agg_funding_year'), ['year'], unique=False)

    op.create_table('agg_joint_plan',
    sa.Column('activity_id', sa.String(length=64), nullable=False),
    sa.Column('area', sa.String(length=40), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('lead', sa.String(length=40), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('indicator', sa.Text(), nullable=True),
    sa.Column('baseline', sa.Float(), nullable=True),
    sa.Column('target', sa.Float(), nullable=True),
    sa.Column('budget_usd', sa.Float(), nullable=True),
    sa.Column('undaf_outcome', sa.Text(), nullable=True),
    sa.Column('sdg_target', sa.Text(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=False)
    )
    with op.batch_alter_table('agg_joint_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agg_joint_plan_start'), ['start'], unique=False)

    op.create_table('agg_off_asylum_applications',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('coo_iso', sa.String(length=3), nullable=False),
    sa.Column('coa_iso', sa.String(length=3), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('applied', sa.BigInteger(), nullable=True)
    )
    with op.batch_alter_table('agg_off_asylum_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agg_off_asylum_applications_year'), ['year'], unique=False)

    op.create_table('agg_off_asylum_decisions',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('coo_iso', sa.String(length=3), nullable=False),
    sa.Column('coa_iso', sa.String(length=3), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('dec_recognized', sa.BigInteger(), nullable=True),
    sa.Column('dec_other', sa.BigInteger(), nullable=True),
    sa.Column('dec_rejected', sa.BigInteger(), nullable=True),
    sa.Column('dec_closed', sa.BigInteger(), nullable=True),
    sa.Column('dec_total', sa.BigInteger(), nullable=True)
    )
    with op.batch_alter_table('agg_off_asylum_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agg_off_asylum_decisions_year'), ['year'], unique=False)

    op.create_table('agg_off_demographics',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('coo_iso', sa.String(length=3), nullable=False),
    sa.Column('coa_iso', sa.String(length=3), nullable=False),
    sa.Column('pop_type', sa.Text(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('f_0_4', sa.BigInteger(), nullable=True),
    sa.Column('f_5_11', sa.BigInteger(), nullable=True),
    sa.Column('f_12_17', sa.BigInteger(), nullable=True),
    sa.Column('f_18_59', sa.BigInteger(), nullable=True),
    sa.Column('f_60', sa.BigInteger(), nullable=True),
    sa.Column('f_other', sa.BigInteger(), nullable=True),
    sa.Column('m_0_4', sa.BigInteger(), nullable=True),
    sa.Column('m_5_11', sa.BigInteger(), nullable=True),
    sa.Column('m_12_17', sa.BigInteger(), nullable=True),
    sa.Column('m_18_59', sa.BigInteger(), nullable=True),
    sa.Column('m_60', sa.BigInteger(), nullable=True),
    sa.Column('m_other', sa.BigInteger(), nullable=True),
    sa.Column('f_total', sa.BigInteger(), nullable=True),
    sa.Column('m_total', sa.BigInteger(), nullable=True),
    sa.Column('total', sa.BigInteger(), nullable=True)
    )
    with op.batch_alter_table('agg_off_demographics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agg_off_demographics_year'), ['year'], unique=False)

    op.create_table('agg_off_population',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('coo_iso', sa.String(length=3), nullable=False),
    sa.Column('coa_iso', sa.String(length=3), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('refugees', sa.BigInteger(), nullable=True),
    sa.Column('asylum_seekers', sa.BigInteger(), nullable=True),
    sa.Column('returned_refugees', sa.BigInteger(), nullable=True),
    sa.Column('idps', sa.BigInteger(), nullable=True),
    sa.Column('returned_idps', sa.BigInteger(), nullable=True),
    sa.Column('stateless', sa.BigInteger(), nullable=True),
    sa.Column('ooc', sa.BigInteger(), nullable=True),
    sa.Column('oip', sa.BigInteger(), nullable=True),
    sa.Column('hst', sa.BigInteger(), nullable=True)
    )
    with op.batch_alter_table('agg_off_population', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agg_off_population_year'), ['year'], unique=False)

    op.create_table('agg_off_solutions',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('coo_iso', sa.String(length=3), nullable=False),
    sa.Column('coa_iso', sa.String(length=3), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('returned_refugees', sa.BigInteger(), nullable=True),
    sa.Column('resettlement', sa.BigInteger(), nullable=True),
    sa.Column('naturalisation', sa.BigInteger(), nullable=True),
    sa.Column('returned_idps', sa.BigInteger(), nullable=True)
    )
    with op.batch_alter_table('agg_off_solutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agg_off_solutions_year'), ['year'], unique=False)

    op.create_table('agg_population',
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('population_type', sa.String(length=40), nullable=False),
    sa.Column('origin', sa.String(length=3), nullable=False),
    sa.Column('region', sa.String(length=8), nullable=False),
    sa.Column('district', sa.String(length=64), nullable=True),
    sa.Column('sex', sa.String(length=40), nullable=False),
    sa.Column('age_group', sa.String(length=40), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('persons', sa.BigInteger(), nullable=False)
    )
    with op.batch_alter_table('agg_population', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agg_population_date'), ['date'], unique=False)

    op.create_table('agg_resettlement',
    sa.Column('event', sa.String(length=16), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('origin', sa.String(length=3), nullable=False),
    sa.Column('destination', sa.String(length=3), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('priority', sa.String(length=40), nullable=False),
    sa.Column('decision', sa.String(length=40), nullable=False),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('cases', sa.BigInteger(), nullable=False),
    sa.Column('persons', sa.BigInteger(), nullable=False)
    )
    with op.batch_alter_table('agg_resettlement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agg_resettlement_date'), ['date'], unique=False)

    op.create_table('agg_solutions',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('solution', sa.String(length=40), nullable=False),
    sa.Column('origin', sa.String(length=3), nullable=False),
    sa.Column('destination', sa.String(length=3), nullable=False),
    sa.Column('region', sa.String(length=8), nullable=True),
    sa.Column('sex', sa.String(length=40), nullable=False),
    sa.Column('age_group', sa.String(length=40), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('persons', sa.BigInteger(), nullable=False)
    )
    with op.batch_alter_table('agg_solutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agg_solutions_month'), ['month'], unique=False)

    op.create_table('agg_statelessness',
    sa.Column('event', sa.String(length=16), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('region', sa.String(length=8), nullable=False),
    sa.Column('district', sa.String(length=64), nullable=False),
    sa.Column('sex', sa.String(length=40), nullable=False),
    sa.Column('age_group', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('cases', sa.BigInteger(), nullable=False)
    )
    with op.batch_alter_table('agg_statelessness', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agg_statelessness_date'), ['date'], unique=False)

    op.create_table('agg_targets',
    sa.Column('indicator', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=True),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('undaf_outcome', sa.Text(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=False)
    )
    with op.batch_alter_table('agg_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agg_targets_year'), ['year'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('agg_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agg_targets_year'))

    op.drop_table('agg_targets')
    with op.batch_alter_table('agg_statelessness', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agg_statelessness_date'))

    op.drop_table('agg_statelessness')
    with op.batch_alter_table('agg_solutions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agg_solutions_month'))

    op.drop_table('agg_solutions')
    with op.batch_alter_table('agg_resettlement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agg_resettlement_date'))

    op.drop_table('agg_resettlement')
    with op.batch_alter_table('agg_population', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agg_population_date'))

    op.drop_table('agg_population')
    with op.batch_alter_table('agg_off_solutions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agg_off_solutions_year'))

    op.drop_table('agg_off_solutions')
    with op.batch_alter_table('agg_off_population', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agg_off_population_year'))

    op.drop_table('agg_off_population')
    with op.batch_alter_table('agg_off_demographics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agg_off_demographics_year'))

    op.drop_table('agg_off_demographics')
    with op.batch_alter_table('agg_off_asylum_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agg_off_asylum_decisions_year'))

    op.drop_table('agg_off_asylum_decisions')
    with op.batch_alter_table('agg_off_asylum_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agg_off_asylum_applications_year'))

    op.drop_table('agg_off_asylum_applications')
    with op.batch_alter_table('agg_joint_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agg_joint_plan_start'))

    op.drop_table('agg_joint_plan')
    with op.batch_alter_table('agg_funding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agg_funding_year'))

    op.drop_table('agg_funding')
    with op.batch_alter_table('agg_education', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agg_education_year_start'))

    op.drop_table('agg_education')
    with op.batch_alter_table('agg_birth_registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agg_birth_registration_date'))

    op.drop_table('agg_birth_registration')
    with op.batch_alter_table('agg_asylum', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agg_asylum_month'))

    op.drop_table('agg_asylum')
