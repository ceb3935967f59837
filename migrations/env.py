"""Alembic environment: runs migrations on the connection handed in, else on the configured URL, else
on the database every `emr-jobs` command uses (emr_jobs.defaults.database_url: $EMR_JOBS_DATABASE_URL,
else the SQLite file in the user data directory), so `alembic upgrade head` and `emr-jobs db upgrade`
act on the same database."""

from pathlib import Path

from alembic import context
from sqlalchemy import Engine, create_engine

from emr_jobs.defaults import database_url
from emr_jobs.store.models import Base

config = context.config
target_metadata = Base.metadata
IGNORED_TABLES = {"apscheduler_jobs"}


def include_name(name, type_, parent_names):
    return not (type_ == "table" and name in IGNORED_TABLES)


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if isinstance(connection, Engine):  # pytest-alembic hands in an engine
        with connection.begin() as conn:
            _configure(conn)
        return
    if connection is not None:
        _configure(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or database_url()
    if url.startswith("sqlite:///"):  # the CLI's default folder may not exist yet
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    with engine.begin() as conn:
        _configure(conn)
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url") or database_url(), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
