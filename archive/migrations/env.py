"""Alembic environment: runs on the connection archive.db hands it (no alembic.ini needed)."""

from alembic import context

from archive.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when alembic's CLI is used directly
    raise SystemExit("run migrations through `newsarchive upgrade`")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
