"""API keys bound to controllers, with expiry and rotation; no key names in public authorship

- ``api_key_controller``: the controllers (councils) each key may act on. Keys made before
  this revision are bound to none: an admin key stays global, any other key is refused every
  write until it is bound (``ropa keys bind``).
- ``api_key``: ``expires_at``, ``rotated_at`` and the previous secret kept for a rotation's
  overlap (``previous_prefix``, ``previous_hash``, ``previous_valid_until``).
- ``notice_version.author`` was the key's name, which is public: each one that names a key
  becomes that key's scope (the audit trail keeps the name).

Revision ID: 0004_keys14
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004_keys14"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("rotated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("previous_prefix", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.add_column(
            sa.Column("previous_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(
            sa.Column("previous_valid_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_api_key_previous_prefix"), ["previous_prefix"], unique=False
        )

    op.create_table(
        "api_key_controller",
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("controller_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["controller_id"],
            ["controller.id"],
            name=op.f("fk_api_key_controller_controller_id_controller"),
        ),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["api_key.id"],
            name=op.f("fk_api_key_controller_key_id_api_key"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key_id", "controller_id", name=op.f("pk_api_key_controller")),
    )
    with op.batch_alter_table("api_key_controller", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_key_controller_controller_id"), ["controller_id"], unique=False
        )

    # A version's author named the key that made it; it becomes the key's scope.
    api_key = sa.table("api_key", sa.column("name"), sa.column("scope"))
    notice_version = sa.table("notice_version", sa.column("author"))
    op.execute(
        notice_version.update()
        .where(notice_version.c.author.in_(sa.select(api_key.c.name)))
        .values(
            author=sa.select(api_key.c.scope)
            .where(api_key.c.name == notice_version.c.author)
            .scalar_subquery()
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("api_key_controller", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_key_controller_controller_id"))
    op.drop_table("api_key_controller")
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_key_previous_prefix"))
        batch_op.drop_column("previous_valid_until")
        batch_op.drop_column("previous_hash")
        batch_op.drop_column("previous_prefix")
        batch_op.drop_column("rotated_at")
        batch_op.drop_column("expires_at")
