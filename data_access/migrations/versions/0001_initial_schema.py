"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 03:16:35.388838
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('import_batch',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('dataset', sa.String(length=40), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('replaced_rows', sa.Integer(), nullable=False),
    sa.Column('user_name', sa.String(length=120), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('rolled_back_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rolled_back_by', sa.String(length=120), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batch'))
    )
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_batch_dataset'), ['dataset'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_batch_sha256'), ['sha256'], unique=False)

    op.create_table('ref_country',
    sa.Column('iso3', sa.String(length=3), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('iso3', name=op.f('pk_ref_country'))
    )
    op.create_table('ref_population_type',
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_ref_population_type'))
    )
    op.create_table('ref_region',
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_ref_region'))
    )
    op.create_table('warehouse_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('data_version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warehouse_state'))
    )
    op.create_table('asylum',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('origin', sa.String(length=3), nullable=False),
    sa.Column('applied', sa.BigInteger(), nullable=False),
    sa.Column('recognized', sa.BigInteger(), nullable=False),
    sa.Column('complementary', sa.BigInteger(), nullable=False),
    sa.Column('rejected', sa.BigInteger(), nullable=False),
    sa.Column('closed', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_asylum_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['superseded_by'], ['import_batch.id'], name=op.f('fk_asylum_superseded_by_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asylum'))
    )
    with op.batch_alter_table('asylum', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asylum_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_asylum_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_asylum_superseded_by'), ['superseded_by'], unique=False)

    op.create_table('birth_registration',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('region', sa.String(length=8), nullable=False),
    sa.Column('district', sa.String(length=64), nullable=True),
    sa.Column('population_type', sa.String(length=40), nullable=False),
    sa.Column('sex', sa.String(length=40), nullable=False),
    sa.Column('children_under5', sa.BigInteger(), nullable=False),
    sa.Column('registered', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_birth_registration_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['superseded_by'], ['import_batch.id'], name=op.f('fk_birth_registration_superseded_by_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_birth_registration'))
    )
    with op.batch_alter_table('birth_registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_birth_registration_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_birth_registration_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_birth_registration_superseded_by'), ['superseded_by'], unique=False)

    op.create_table('education',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('school_year', sa.String(length=7), nullable=False),
    sa.Column('region', sa.String(length=8), nullable=False),
    sa.Column('population_type', sa.String(length=40), nullable=False),
    sa.Column('level', sa.String(length=40), nullable=False),
    sa.Column('sex', sa.String(length=40), nullable=False),
    sa.Column('school_age', sa.BigInteger(), nullable=False),
    sa.Column('enrolled', sa.BigInteger(), nullable=False),
    sa.Column('enrolled_of_age', sa.BigInteger(), nullable=False),
    sa.Column('dafi_scholars', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_education_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['superseded_by'], ['import_batch.id'], name=op.f('fk_education_superseded_by_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_education'))
    )
    with op.batch_alter_table('education', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_education_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_school_year'), ['school_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_superseded_by'), ['superseded_by'], unique=False)

    op.create_table('framework',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('level', sa.String(length=40), nullable=False),
    sa.Column('parent', sa.String(length=64), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('start_year', sa.Integer(), nullable=False),
    sa.Column('end_year', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_framework_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['superseded_by'], ['import_batch.id'], name=op.f('fk_framework_superseded_by_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_framework'))
    )
    with op.batch_alter_table('framework', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_framework_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_framework_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_framework_superseded_by'), ['superseded_by'], unique=False)

    op.create_table('funding',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('donor', sa.Text(), nullable=False),
    sa.Column('agency', sa.String(length=40), nullable=False),
    sa.Column('area', sa.String(length=40), nullable=True),
    sa.Column('pledged_usd', sa.Float(), nullable=False),
    sa.Column('received_usd', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_funding_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['superseded_by'], ['import_batch.id'], name=op.f('fk_funding_superseded_by_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funding'))
    )
    with op.batch_alter_table('funding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_funding_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_funding_superseded_by'), ['superseded_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_funding_year'), ['year'], unique=False)

    op.create_table('joint_plan',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('activity_id', sa.String(length=64), nullable=False),
    sa.Column('area', sa.String(length=40), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('lead', sa.String(length=40), nullable=False),
    sa.Column('partners', sa.Text(), nullable=True),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('indicator', sa.Text(), nullable=True),
    sa.Column('baseline', sa.Float(), nullable=True),
    sa.Column('target', sa.Float(), nullable=True),
    sa.Column('budget_usd', sa.Float(), nullable=True),
    sa.Column('undaf_outcome', sa.Text(), nullable=True),
    sa.Column('sdg_target', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_joint_plan_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['superseded_by'], ['import_batch.id'], name=op.f('fk_joint_plan_superseded_by_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_joint_plan'))
    )
    with op.batch_alter_table('joint_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_joint_plan_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_joint_plan_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_joint_plan_superseded_by'), ['superseded_by'], unique=False)

    op.create_table('off_asylum_applications',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('coo_name', sa.Text(), nullable=True),
    sa.Column('coo', sa.String(length=3), nullable=True),
    sa.Column('coo_iso', sa.String(length=3), nullable=False),
    sa.Column('coa_name', sa.Text(), nullable=True),
    sa.Column('coa', sa.String(length=3), nullable=True),
    sa.Column('coa_iso', sa.String(length=3), nullable=False),
    sa.Column('procedure_type', sa.Text(), nullable=False),
    sa.Column('app_type', sa.Text(), nullable=False),
    sa.Column('dec_level', sa.Text(), nullable=False),
    sa.Column('app_pc', sa.Text(), nullable=False),
    sa.Column('applied', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_off_asylum_applications_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['superseded_by'], ['import_batch.id'], name=op.f('fk_off_asylum_applications_superseded_by_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_off_asylum_applications'))
    )
    with op.batch_alter_table('off_asylum_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_off_asylum_applications_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_off_asylum_applications_superseded_by'), ['superseded_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_off_asylum_applications_year_coa_iso'), ['year', 'coa_iso'], unique=False)

    op.create_table('off_asylum_decisions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('coo_name', sa.Text(), nullable=True),
    sa.Column('coo', sa.String(length=3), nullable=True),
    sa.Column('coo_iso', sa.String(length=3), nullable=False),
    sa.Column('coa_name', sa.Text(), nullable=True),
    sa.Column('coa', sa.String(length=3), nullable=True),
    sa.Column('coa_iso', sa.String(length=3), nullable=False),
    sa.Column('procedure_type', sa.Text(), nullable=False),
    sa.Column('dec_level', sa.Text(), nullable=False),
    sa.Column('dec_pc', sa.Text(), nullable=False),
    sa.Column('dec_recognized', sa.BigInteger(), nullable=True),
    sa.Column('dec_other', sa.BigInteger(), nullable=True),
    sa.Column('dec_rejected', sa.BigInteger(), nullable=True),
    sa.Column('dec_closed', sa.BigInteger(), nullable=True),
    sa.Column('dec_total', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_off_asylum_decisions_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['superseded_by'], ['import_batch.id'], name=op.f('fk_off_asylum_decisions_superseded_by_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_off_asylum_decisions'))
    )
    with op.batch_alter_table('off_asylum_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_off_asylum_decisions_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_off_asylum_decisions_superseded_by'), ['superseded_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_off_asylum_decisions_year_coa_iso'), ['year', 'coa_iso'], unique=False)

    op.create_table('off_demographics',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('coo_name', sa.Text(), nullable=True),
    sa.Column('coo', sa.String(length=3), nullable=True),
    sa.Column('coo_iso', sa.String(length=3), nullable=False),
    sa.Column('coa_name', sa.Text(), nullable=True),
    sa.Column('coa', sa.String(length=3), nullable=True),
    sa.Column('coa_iso', sa.String(length=3), nullable=False),
    sa.Column('pop_type', sa.Text(), nullable=False),
    sa.Column('location', sa.Text(), nullable=True),
    sa.Column('loc_type', sa.Text(), nullable=True),
    sa.Column('acc_type', sa.Text(), nullable=True),
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
    sa.Column('total', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_off_demographics_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['superseded_by'], ['import_batch.id'], name=op.f('fk_off_demographics_superseded_by_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_off_demographics'))
    )
    with op.batch_alter_table('off_demographics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_off_demographics_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_off_demographics_superseded_by'), ['superseded_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_off_demographics_year_coa_iso'), ['year', 'coa_iso'], unique=False)

    op.create_table('off_population',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('coo_name', sa.Text(), nullable=True),
    sa.Column('coo', sa.String(length=3), nullable=True),
    sa.Column('coo_iso', sa.String(length=3), nullable=False),
    sa.Column('coa_name', sa.Text(), nullable=True),
    sa.Column('coa', sa.String(length=3), nullable=True),
    sa.Column('coa_iso', sa.String(length=3), nullable=False),
    sa.Column('refugees', sa.BigInteger(), nullable=True),
    sa.Column('asylum_seekers', sa.BigInteger(), nullable=True),
    sa.Column('returned_refugees', sa.BigInteger(), nullable=True),
    sa.Column('idps', sa.BigInteger(), nullable=True),
    sa.Column('returned_idps', sa.BigInteger(), nullable=True),
    sa.Column('stateless', sa.BigInteger(), nullable=True),
    sa.Column('ooc', sa.BigInteger(), nullable=True),
    sa.Column('oip', sa.BigInteger(), nullable=True),
    sa.Column('hst', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_off_population_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['superseded_by'], ['import_batch.id'], name=op.f('fk_off_population_superseded_by_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_off_population'))
    )
    with op.batch_alter_table('off_population', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_off_population_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_off_population_superseded_by'), ['superseded_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_off_population_year_coa_iso'), ['year', 'coa_iso'], unique=False)

    op.create_table('off_solutions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('coo_name', sa.Text(), nullable=True),
    sa.Column('coo', sa.String(length=3), nullable=True),
    sa.Column('coo_iso', sa.String(length=3), nullable=False),
    sa.Column('coa_name', sa.Text(), nullable=True),
    sa.Column('coa', sa.String(length=3), nullable=True),
    sa.Column('coa_iso', sa.String(length=3), nullable=False),
    sa.Column('returned_refugees', sa.BigInteger(), nullable=True),
    sa.Column('resettlement', sa.BigInteger(), nullable=True),
    sa.Column('naturalisation', sa.BigInteger(), nullable=True),
    sa.Column('returned_idps', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_off_solutions_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['superseded_by'], ['import_batch.id'], name=op.f('fk_off_solutions_superseded_by_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_off_solutions'))
    )
    with op.batch_alter_table('off_solutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_off_solutions_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_off_solutions_superseded_by'), ['superseded_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_off_solutions_year_coa_iso'), ['year', 'coa_iso'], unique=False)

    op.create_table('population',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('population_type', sa.String(length=40), nullable=False),
    sa.Column('origin', sa.String(length=3), nullable=False),
    sa.Column('region', sa.String(length=8), nullable=False),
    sa.Column('district', sa.String(length=64), nullable=True),
    sa.Column('sex', sa.String(length=40), nullable=False),
    sa.Column('age_group', sa.String(length=40), nullable=False),
    sa.Column('persons', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_population_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['superseded_by'], ['import_batch.id'], name=op.f('fk_population_superseded_by_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_population'))
    )
    with op.batch_alter_table('population', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_population_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_population_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_population_superseded_by'), ['superseded_by'], unique=False)

    op.create_table('ref_district',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('region', sa.String(length=8), nullable=False),
    sa.Column('name_ru', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['region'], ['ref_region.code'], name=op.f('fk_ref_district_region_ref_region')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_ref_district'))
    )
    with op.batch_alter_table('ref_district', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ref_district_region'), ['region'], unique=False)

    op.create_table('resettlement',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.String(length=64), nullable=False),
    sa.Column('persons', sa.BigInteger(), nullable=False),
    sa.Column('origin', sa.String(length=3), nullable=False),
    sa.Column('destination', sa.String(length=3), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('priority', sa.String(length=40), nullable=False),
    sa.Column('submitted', sa.Date(), nullable=False),
    sa.Column('decision', sa.String(length=40), nullable=False),
    sa.Column('decided', sa.Date(), nullable=True),
    sa.Column('departed', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_resettlement_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['superseded_by'], ['import_batch.id'], name=op.f('fk_resettlement_superseded_by_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resettlement'))
    )
    with op.batch_alter_table('resettlement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resettlement_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resettlement_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resettlement_superseded_by'), ['superseded_by'], unique=False)

    op.create_table('solutions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('solution', sa.String(length=40), nullable=False),
    sa.Column('origin', sa.String(length=3), nullable=False),
    sa.Column('destination', sa.String(length=3), nullable=False),
    sa.Column('region', sa.String(length=8), nullable=True),
    sa.Column('sex', sa.String(length=40), nullable=False),
    sa.Column('age_group', sa.String(length=40), nullable=False),
    sa.Column('persons', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_solutions_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['superseded_by'], ['import_batch.id'], name=op.f('fk_solutions_superseded_by_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_solutions'))
    )
    with op.batch_alter_table('solutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_solutions_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_solutions_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_solutions_superseded_by'), ['superseded_by'], unique=False)

    op.create_table('statelessness',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.String(length=64), nullable=False),
    sa.Column('region', sa.String(length=8), nullable=False),
    sa.Column('district', sa.String(length=64), nullable=False),
    sa.Column('sex', sa.String(length=40), nullable=False),
    sa.Column('age_group', sa.String(length=40), nullable=False),
    sa.Column('identified', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('resolved', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_statelessness_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['superseded_by'], ['import_batch.id'], name=op.f('fk_statelessness_superseded_by_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statelessness'))
    )
    with op.batch_alter_table('statelessness', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statelessness_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statelessness_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statelessness_superseded_by'), ['superseded_by'], unique=False)

    op.create_table('targets',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('indicator', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=True),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('undaf_outcome', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_targets_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['superseded_by'], ['import_batch.id'], name=op.f('fk_targets_superseded_by_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_targets'))
    )
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_targets_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_targets_indicator_year'), ['indicator', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_targets_superseded_by'), ['superseded_by'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_targets_superseded_by'))
        batch_op.drop_index(batch_op.f('ix_targets_indicator_year'))
        batch_op.drop_index(batch_op.f('ix_targets_batch_id'))

    op.drop_table('targets')
    with op.batch_alter_table('statelessness', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statelessness_superseded_by'))
        batch_op.drop_index(batch_op.f('ix_statelessness_case_id'))
        batch_op.drop_index(batch_op.f('ix_statelessness_batch_id'))

    op.drop_table('statelessness')
    with op.batch_alter_table('solutions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_solutions_superseded_by'))
        batch_op.drop_index(batch_op.f('ix_solutions_month'))
        batch_op.drop_index(batch_op.f('ix_solutions_batch_id'))

    op.drop_table('solutions')
    with op.batch_alter_table('resettlement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resettlement_superseded_by'))
        batch_op.drop_index(batch_op.f('ix_resettlement_case_id'))
        batch_op.drop_index(batch_op.f('ix_resettlement_batch_id'))

    op.drop_table('resettlement')
    with op.batch_alter_table('ref_district', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ref_district_region'))

    op.drop_table('ref_district')
    with op.batch_alter_table('population', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_population_superseded_by'))
        batch_op.drop_index(batch_op.f('ix_population_date'))
        batch_op.drop_index(batch_op.f('ix_population_batch_id'))

    op.drop_table('population')
    with op.batch_alter_table('off_solutions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_off_solutions_year_coa_iso'))
        batch_op.drop_index(batch_op.f('ix_off_solutions_superseded_by'))
        batch_op.drop_index(batch_op.f('ix_off_solutions_batch_id'))

    op.drop_table('off_solutions')
    with op.batch_alter_table('off_population', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_off_population_year_coa_iso'))
        batch_op.drop_index(batch_op.f('ix_off_population_superseded_by'))
        batch_op.drop_index(batch_op.f('ix_off_population_batch_id'))

    op.drop_table('off_population')
    with op.batch_alter_table('off_demographics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_off_demographics_year_coa_iso'))
        batch_op.drop_index(batch_op.f('ix_off_demographics_superseded_by'))
        batch_op.drop_index(batch_op.f('ix_off_demographics_batch_id'))

    op.drop_table('off_demographics')
    with op.batch_alter_table('off_asylum_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_off_asylum_decisions_year_coa_iso'))
        batch_op.drop_index(batch_op.f('ix_off_asylum_decisions_superseded_by'))
        batch_op.drop_index(batch_op.f('ix_off_asylum_decisions_batch_id'))

    op.drop_table('off_asylum_decisions')
    with op.batch_alter_table('off_asylum_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_off_asylum_applications_year_coa_iso'))
        batch_op.drop_index(batch_op.f('ix_off_asylum_applications_superseded_by'))
        batch_op.drop_index(batch_op.f('ix_off_asylum_applications_batch_id'))

    op.drop_table('off_asylum_applications')
    with op.batch_alter_table('joint_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_joint_plan_superseded_by'))
        batch_op.drop_index(batch_op.f('ix_joint_plan_batch_id'))
        batch_op.drop_index(batch_op.f('ix_joint_plan_activity_id'))

    op.drop_table('joint_plan')
    with op.batch_alter_table('funding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_funding_year'))
        batch_op.drop_index(batch_op.f('ix_funding_superseded_by'))
        batch_op.drop_index(batch_op.f('ix_funding_batch_id'))

    op.drop_table('funding')
    with op.batch_alter_table('framework', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_framework_superseded_by'))
        batch_op.drop_index(batch_op.f('ix_framework_code'))
        batch_op.drop_index(batch_op.f('ix_framework_batch_id'))

    op.drop_table('framework')
    with op.batch_alter_table('education', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_education_superseded_by'))
        batch_op.drop_index(batch_op.f('ix_education_school_year'))
        batch_op.drop_index(batch_op.f('ix_education_batch_id'))

    op.drop_table('education')
    with op.batch_alter_table('birth_registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_birth_registration_superseded_by'))
        batch_op.drop_index(batch_op.f('ix_birth_registration_date'))
        batch_op.drop_index(batch_op.f('ix_birth_registration_batch_id'))

    op.drop_table('birth_registration')
    with op.batch_alter_table('asylum', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asylum_superseded_by'))
        batch_op.drop_index(batch_op.f('ix_asylum_month'))
        batch_op.drop_index(batch_op.f('ix_asylum_batch_id'))

    op.drop_table('asylum')
    op.drop_table('warehouse_state')
    op.drop_table('ref_region')
    op.drop_table('ref_population_type')
    op.drop_table('ref_country')
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_batch_sha256'))
        batch_op.drop_index(batch_op.f('ix_import_batch_dataset'))

    op.drop_table('import_batch')
