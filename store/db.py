"""Database URLs and engines: SQLite in the user's data directory by default, any SQLAlchemy URL
by `--db` or `EMR_JOBS_DATABASE_URL`; bring the schema to head with Alembic."""

from __future__ import annotations

from pathlib import Path

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
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
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
    """Resolve the URL, bring its schema to head, and return an engine."""
    resolved = resolve_database_url(url)
    upgrade(resolved)
    return make_engine(resolved)


def first_line(exc: BaseException) -> str:
    """The first line of a database error's message (the driver's, not SQLAlchemy's wrapping)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__
