"""Engines, sessions and schema upgrades (Alembic) for any SQLAlchemy URL."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from newsarchive.errors import UserError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class DatabaseError(UserError):
    """The database cannot be opened or is at the wrong schema version."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL mode, a busy timeout and its folder created."""
    try:
        if url.startswith("sqlite"):
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseError(f"cannot use database URL {url!r} ({exc}); "
                            "use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB") from None
    except PermissionError as exc:
        raise DatabaseError(f"cannot create the database folder ({exc}); check [archive] database") from None


def _alembic_config(connection: Any) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _backup_sqlite(engine: Engine) -> Path | None:
    db_path = engine.url.database
    if engine.dialect.name != "sqlite" or not db_path or db_path == ":memory:":
        return None
    source = Path(db_path)
    if not source.exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = source.with_name(f"{source.name}.{stamp}.bak")
    with engine.connect() as conn:  # VACUUM INTO makes a consistent copy even in WAL mode
        conn.exec_driver_sql(f"VACUUM INTO '{backup}'")
    return backup if backup.exists() else shutil.copy2(source, backup) and backup


def upgrade(engine: Engine) -> str | None:
    """Bring the schema to the newest version; returns a message when something was done."""
    known = set()
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    for rev in ScriptDirectory.from_config(cfg).walk_revisions():
        known.add(rev.revision)
    try:
        current = current_revision(engine)
    except OperationalError as exc:
        raise DatabaseError(f"cannot open the database ({exc.orig}); check [archive] database "
                            "and that the server is running") from None
    head = head_revision()
    if current == head:
        return None
    if current is not None and current not in known:
        raise DatabaseError(f"the database has schema version {current}, newer than this newsarchive "
                            "knows; upgrade newsarchive (pip install -U newsarchive)")
    backup = None
    if current is not None:
        backup = _backup_sqlite(engine)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    if current is None:
        return None
    return f"upgraded database schema {current} -> {head}" + (f" (backup: {backup})" if backup else "")


class Database:
    """An engine plus a session factory, with the schema brought up to date on open."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.upgrade_message = upgrade(self.engine) if migrate else None
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def has_tables(self) -> bool:
        return inspect(self.engine).has_table("articles")

    def close(self) -> None:
        self.engine.dispose()


def retrying(func: Any, *, attempts: int = 5, base_delay: float = 0.2) -> Any:
    """Run func(), retrying with backoff while the database is locked or unreachable."""
    for attempt in range(attempts):
        try:
            return func()
        except OperationalError as exc:
            if attempt == attempts - 1:
                raise DatabaseError(f"database unavailable after {attempts} attempts ({exc.orig}); "
                                    "check that nothing else holds it and retry") from None
            time.sleep(base_delay * 2**attempt)
    return None
