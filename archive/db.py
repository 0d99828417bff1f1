"""Engines, sessions and schema upgrades (Alembic) for any SQLAlchemy URL."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from newsarchive.errors import UserError

if TYPE_CHECKING:  # Alembic (0.2 s to import) is imported where a schema is read or upgraded:
    # the crawl's worker processes open the database without either.
    from alembic.config import Config as AlembicConfig

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
T = TypeVar("T")


def migrations_dir() -> Path:
    """The Alembic scripts folder: the package's own, or a copy when the code runs from a zip.

    Scrapyd runs the spider from a zipped egg of the project, where the scripts are not files
    Alembic can list; they are copied out once per process then.
    """
    if MIGRATIONS_DIR.is_dir():
        return MIGRATIONS_DIR
    return _extracted_migrations()


@functools.cache
def _extracted_migrations() -> Path:
    target = Path(tempfile.mkdtemp(prefix="newsarchive-migrations-"))
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    _copy_tree(resources.files("archive") / "migrations", target)
    return target


def _copy_tree(source: Traversable, target: Path) -> None:
    for item in source.iterdir():
        if item.is_dir():
            if item.name != "__pycache__":
                (target / item.name).mkdir()
                _copy_tree(item, target / item.name)
        elif item.name.endswith((".py", ".mako")):
            (target / item.name).write_bytes(item.read_bytes())


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
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(migrations_dir()))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _backup_sqlite(engine: Engine) -> Path | None:
    """A consistent copy of an SQLite database file next to it, before a schema upgrade."""
    db_path = engine.url.database
    if engine.dialect.name != "sqlite" or not db_path or db_path == ":memory:":
        return None
    source = Path(db_path)
    if not source.exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = source.with_name(f"{source.name}.{stamp}.bak")
    counter = 1
    while backup.exists():
        backup = source.with_name(f"{source.name}.{stamp}-{counter}.bak")
        counter += 1
    quoted = str(backup).replace("'", "''")
    try:
        with engine.connect() as conn:  # VACUUM INTO makes a consistent copy even in WAL mode
            conn.exec_driver_sql(f"VACUUM INTO '{quoted}'")
    except OperationalError:
        shutil.copy2(source, backup)
    return backup


def known_revisions() -> set[str]:
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return {rev.revision for rev in ScriptDirectory.from_config(cfg).walk_revisions()}


def upgrade(engine: Engine) -> str | None:
    """Bring the schema to the newest version; returns a message when something was done.

    A database from a newer newsarchive is refused (one line). SQLite files are backed up first;
    foreign keys are switched off while tables are rebuilt (Alembic's batch mode copies tables,
    and with cascading foreign keys on, dropping the old copy would delete child rows).
    PostgreSQL upgrades take an advisory lock, so two processes opening an old database at
    once do not both migrate it.
    """
    try:
        current = current_revision(engine)
    except OperationalError as exc:
        raise DatabaseError(f"cannot open the database ({_first_line(exc.orig)}); check [archive] "
                            "database and that the server is running") from None
    head = head_revision()
    if current == head:
        return None
    if current is not None and current not in known_revisions():
        raise DatabaseError(f"the database has schema version {current}, newer than this newsarchive "
                            "knows; upgrade newsarchive (pip install -U newsarchive)")
    backup = _backup_sqlite(engine) if current is not None else None
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()  # PRAGMA foreign_keys only works outside a transaction
        try:
            with conn.begin():
                if engine.dialect.name == "postgresql":
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7240114)")
                from alembic import command

                command.upgrade(_alembic_config(conn), "head")
            if sqlite:
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                conn.commit()
                if broken:
                    raise DatabaseError(f"the schema upgrade left {len(broken)} rows with broken "
                                        f"references; restore the backup {backup} and report this")
        finally:
            if sqlite:
                conn.rollback()
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()
    if current is None:
        return None
    return f"upgraded database schema {current} -> {head}" + (f" (backup: {backup})" if backup else "")


def _first_line(exc: BaseException | None) -> str:
    return str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else "no detail"


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


def is_transient(exc: OperationalError) -> bool:
    """A lock or a lost connection (worth retrying), not a broken schema or a bad path."""
    if exc.connection_invalidated:
        return True
    message = str(exc.orig).lower()
    if "sqlite" in type(exc.orig).__module__:
        return "locked" in message or "busy" in message
    return True  # psycopg's OperationalError: server gone, admin shutdown, serialization failure


def retrying(func: Callable[[], T], *, attempts: int = 5, base_delay: float = 0.2) -> T:
    """Run func() (a whole transaction), retrying with exponential backoff while the database is
    locked or unreachable; then fail with one line. Other errors pass through at once."""
    for attempt in range(attempts):
        try:
            return func()
        except OperationalError as exc:
            if not is_transient(exc):
                raise
            if attempt == attempts - 1:
                raise DatabaseError(f"database unavailable after {attempts} attempts "
                                    f"({_first_line(exc.orig)}); check that the database server is "
                                    "running and nothing else holds the database, then rerun — "
                                    "everything stored so far is kept") from None
            time.sleep(base_delay * 2**attempt)
    raise AssertionError("unreachable")
