"""Database URLs and engines: SQLite in the user's data directory by default, any SQLAlchemy URL
by `--db` or `EMR_JOBS_DATABASE_URL`; bring the schema to head with Alembic."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from emr_jobs.defaults import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    database_url,
)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class DatabaseError(Exception):
    """A database URL that cannot be used, or a server that cannot be reached."""


def resolve_database_url(url: str | None = None) -> str:
    """The URL given, else the environment's, else the per-user SQLite file (emr_jobs.defaults)."""
    return database_url(url)


def make_engine(url: str, *, busy_timeout: float = SQLITE_BUSY_TIMEOUT_SECONDS) -> Engine:
    """An engine for `url`; for SQLite the file's directory is created, WAL is switched on and a
    writer waits up to `busy_timeout` seconds for another's lock."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {url!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"cannot create the database folder {folder}: {exc.strerror or exc} "
                                    "(give --db URL or set EMR_JOBS_DATABASE_URL)") from exc
            if not os.access(folder, os.W_OK | os.X_OK):
                raise DatabaseError(f"cannot write the database in {folder}: permission denied "
                                    "(give --db URL or set EMR_JOBS_DATABASE_URL)")
        # the crawl writes from a thread of its own: a pooled connection is used by one thread at a
        # time, but not always the thread that opened it
        engine = create_engine(parsed, connect_args={"timeout": busy_timeout, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except Exception as exc:  # missing driver, bad dialect name
        raise DatabaseError(f"cannot use database URL {parsed.render_as_string()}: {exc}") from exc


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema at `url` to `revision`; unreachable servers raise DatabaseError."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except DatabaseError:
        raise
    except Exception as exc:
        if exc.__class__.__module__.startswith(("sqlalchemy", "psycopg", "sqlite3")):
            raise DatabaseError(f"cannot open database {make_url(url).render_as_string()}: {first_line(exc)}") from exc
        raise
    finally:
        engine.dispose()


def open_database(url: str | None = None) -> Engine:
    """Resolve the URL, bring its schema to head, and return an engine (the write commands)."""
    resolved = resolve_database_url(url)
    upgrade(resolved)
    return make_engine(resolved)


def open_database_readonly(url: str | None = None) -> Engine:
    """An engine for the read commands (stats, outlook, export, report, sources health): never
    creates a folder or a file, never migrates, never switches a SQLite file to WAL; a SQLite file
    is opened read-only, so a read-only copy can be read. Raises DatabaseError when the database
    does not exist or its schema is not this version's head (saying which)."""
    resolved = resolve_database_url(url)
    try:
        parsed = make_url(resolved)
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {resolved!r}") from exc
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database).expanduser()
        if not path.is_file():
            raise DatabaseError(f"no database at {path} (run 'emr-jobs crawl' or 'emr-jobs db upgrade' "
                                "to create one, or give --db URL)")
        uri = f"file:{quote(str(path.resolve()))}?mode=ro"
        engine = create_engine("sqlite://", creator=lambda: _sqlite_readonly(uri),
                               connect_args={"check_same_thread": False})
    else:
        try:
            engine = create_engine(parsed, pool_pre_ping=True)
        except Exception as exc:  # missing driver, bad dialect name
            raise DatabaseError(f"cannot use database URL {parsed.render_as_string()}: {exc}") from exc
    _check_schema(engine, parsed)
    return engine


def _sqlite_readonly(uri: str):
    import sqlite3

    connection = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        # a WAL file in a folder this user cannot write (no -shm to create): read it as immutable
        connection.close()
        connection = sqlite3.connect(uri + "&immutable=1", uri=True, check_same_thread=False)
    connection.execute("PRAGMA foreign_keys=ON")
    return connection


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def _check_schema(engine: Engine, parsed) -> None:
    from sqlalchemy import inspect, text

    where = parsed.render_as_string(hide_password=True)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                raise DatabaseError(f"{where} is not an emr-jobs database (no schema): run 'emr-jobs db upgrade'")
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DatabaseError:
        raise
    except Exception as exc:
        raise DatabaseError(f"cannot open database {where}: {first_line(exc)}") from exc
    head = head_revision()
    if current != head:
        if _known_revision(current):
            raise DatabaseError(f"the schema of {where} is at revision {current}, older than this version's {head}: "
                                "run 'emr-jobs db upgrade' on it (read commands never migrate)")
        raise DatabaseError(f"the schema of {where} is at revision {current}, which this version ({head}) does not "
                            "know: use the emr-jobs that wrote it")


def _known_revision(revision: str | None) -> bool:
    from alembic.script import ScriptDirectory

    try:
        return revision is not None and ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(
            revision) is not None
    except Exception:  # alembic raises for an unknown revision
        return False


def first_line(exc: BaseException) -> str:
    """The first line of a database error's message (the driver's, not SQLAlchemy's wrapping)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__
