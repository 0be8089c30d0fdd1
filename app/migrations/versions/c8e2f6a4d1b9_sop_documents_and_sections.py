"""SOP documents and their sections; responses say why a cited section is to re-check

Each imported version of a register entry keeps its original file (named, hashed, filed
once under SOPS_DIR) and its text as numbered sections. A response citing a section that a
new version changed or removed is marked for re-check with the reason.

Revision ID: c8e2f6a4d1b9
Revises: b3e7d1f9a2c4
Create Date: 2026-12-07 07:45:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "c8e2f6a4d1b9"
down_revision = "b3e7d1f9a2c4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sop_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sop_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_filename", sa.String(length=255), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("no_headings", sa.Boolean(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["users.id"], name=op.f("fk_sop_documents_imported_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["sop_id"], ["sops.id"], name=op.f("fk_sop_documents_sop_id_sops"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sop_documents")),
        sa.UniqueConstraint("sop_id", "version", name="uq_sop_documents_version"),
        sa.UniqueConstraint("stored_filename", name=op.f("uq_sop_documents_stored_filename")),
    )
    with op.batch_alter_table("sop_documents") as batch:
        batch.create_index(batch.f("ix_sop_documents_sop_id"), ["sop_id"], unique=False)
        batch.create_index(batch.f("ix_sop_documents_sha256"), ["sha256"], unique=False)
    op.create_table(
        "sop_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=120), nullable=False),
        sa.Column("heading", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["sop_documents.id"],
            name=op.f("fk_sop_sections_document_id_sop_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sop_sections")),
        sa.UniqueConstraint("document_id", "number", name="uq_sop_sections_number"),
    )
    with op.batch_alter_table("sop_sections") as batch:
        batch.create_index(batch.f("ix_sop_sections_document_id"), ["document_id"], unique=False)
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("recheck_reason", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("recheck_reason")
    op.drop_table("sop_sections")
    op.drop_table("sop_documents")
