"""articles: one index on (source_id, content_hash) instead of content_hash alone

The store path finds an article by its source and text digest. SQLite, which has no
statistics, picked the source_id index for that query and scanned every article of the
source; the two-column index answers it directly.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 19:30:00
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain CREATE/DROP INDEX (no batch mode): the articles table is never copied
    op.create_index("ix_articles_source_content_hash", "articles", ["source_id", "content_hash"], unique=False)
    op.drop_index("ix_articles_content_hash", table_name="articles")


def downgrade() -> None:
    op.create_index("ix_articles_content_hash", "articles", ["content_hash"], unique=False)
    op.drop_index("ix_articles_source_content_hash", table_name="articles")
