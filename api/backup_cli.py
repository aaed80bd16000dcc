"""`perennial backup create | verify | restore`: the database together with the dev server's Temporal state.

Temporal is copied first and the database second, so the record may be a moment ahead of the process
but never behind it. A journey restored one step behind its record runs that step's activity again,
which finds its idempotency key and writes nothing. A record behind its journey would lose writes that
Temporal never repeats, and would give a running journey's member id to the next signup.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Annotated, Literal, TypeVar

import typer
from pydantic import BaseModel, ValidationError

from api import backup_storage as storage
from api.settings import Settings
from domain.errors import PerennialError, Rejected

FORMAT = 1
MANIFEST = "manifest.json"
Kind = Literal["temporal-dev", "sqlite", "postgresql"]
FILES = {"temporal-dev": "temporal.db", "sqlite": "perennial.db", "postgresql": "perennial.dump"}
# Objects belong to whoever restores: the roles of the backed-up server may not exist where it lands.
PG_RESTORE = ("--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction")
NO_TEMPORAL = "Temporal state (no --temporal-db): a cluster or Temporal Cloud is backed up on its own side"
LEFT_OUT = ["secrets (PERENNIAL_SECRET_KEY, PERENNIAL_PAYLOAD_KEY)", "the policy file", "the dev outbox"]
T = TypeVar("T")

app = typer.Typer(no_args_is_help=True, help="Back up and restore the database with the Temporal state.")
Backup = Annotated[Path, typer.Argument(help="A directory made by `perennial backup create`.")]
TemporalDb = Annotated[
    Path | None,
    typer.Option(
        envvar="PERENNIAL_TEMPORAL_DB",
        help="The dev server's --db-filename (var/temporal.db under `make run`); not for a cluster or Cloud.",
    ),
]


class Part(BaseModel):
    name: Literal["temporal", "database"]
    kind: Kind
    file: Literal["temporal.db", "perennial.db", "perennial.dump"]  # never a path out of the backup
    source: str
    taken_at: datetime
    size_bytes: int
    sha256: str


class Manifest(BaseModel):
    format: int
    created_at: datetime
    perennial_version: str
    alembic_revision: str | None
    journey_settings: dict[str, str]
    parts: list[Part]
    not_included: list[str]

    def part(self, name: str) -> Part | None:
        return next((p for p in self.parts if p.name == name), None)


@app.command("create")
def create_command(
    dest: Annotated[Path, typer.Argument(help="A new directory for this backup.")],
    temporal_db: TemporalDb = None,
) -> None:
    """Back up the Temporal dev server's file (when given), then the database, while everything runs."""
    manifest = _cli(lambda: create(Settings(), dest, temporal_db))
    for part in manifest.parts:
        typer.echo(f"{part.name:<9} {part.file:<15} {part.size_bytes:>14,} bytes  sha256 {part.sha256}")
    if temporal_db is None:
        typer.echo(f"not included: {NO_TEMPORAL}", err=True)
    typer.echo(f"backup written to {dest}")


@app.command("verify")
def verify_command(src: Backup) -> None:
    """Check a backup without restoring it: manifest, sizes, sha256, and that every file opens."""
    manifest = _cli(lambda: verify(src))
    parts = ", ".join(f"{p.name} ({p.kind}, taken {p.taken_at:%Y-%m-%d %H:%M:%S}Z)" for p in manifest.parts)
    typer.echo(f"{src} is intact: {parts}; schema revision {manifest.alembic_revision}")


@app.command("restore")
def restore_command(
    src: Backup,
    temporal_db: TemporalDb = None,
    force: Annotated[bool, typer.Option(help="Replace a database or file that is not empty.")] = False,
) -> None:
    """With everything stopped, restore the database at DATABASE_URL and the dev server's file."""
    for note in _cli(lambda: restore(Settings(), src, temporal_db, force=force)):
        typer.echo(f"next: {note}")
    typer.echo(f"restored from {src}")


def create(settings: Settings, dest: Path, temporal_db: Path | None) -> Manifest:
    """Copy the dev server's Temporal file (if given), then the database, into a new directory `dest`."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise Rejected(f"{dest} already exists and is not empty; give each backup a new directory.")
    kind = storage.database_kind(settings.database_url)
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        parts = [_take(work, "temporal", "temporal-dev", str(temporal_db))] if temporal_db else []
        if kind == "sqlite":
            parts.append(_take(work, "database", kind, str(storage.sqlite_path(settings.database_url))))
            revision = storage.sqlite_revision(work / FILES[kind])
        else:
            revision = storage.postgres_revision(settings.database_url)
            parts.append(_take(work, "database", kind, settings.database_url))
        manifest = Manifest(
            format=FORMAT,
            created_at=datetime.now(UTC),
            perennial_version=metadata.version("perennial"),
            alembic_revision=revision,
            journey_settings=journey_settings(settings),
            parts=parts,
            not_included=LEFT_OUT if temporal_db else [NO_TEMPORAL, *LEFT_OUT],
        )
        (work / MANIFEST).write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
        if dest.exists():
            dest.rmdir()
        work.rename(dest)  # a backup directory holds a whole backup or does not exist
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


def verify(src: Path) -> Manifest:
    """Check the manifest, every file's size and sha256, and that each file opens as what it claims."""
    manifest = read_manifest(src)
    for part in manifest.parts:
        path = src / part.file
        if not path.is_file():
            raise Rejected(f"{path} is missing: this backup is incomplete; use another one.")
        if (path.stat().st_size, storage.sha256(path)) != (part.size_bytes, part.sha256):
            raise Rejected(f"{path} does not match its manifest (size, sha256): use another backup.")
        if part.kind == "postgresql":
            storage.run("pg_restore", "--list", str(path))
        else:
            storage.check_sqlite(path)
    return manifest


def restore(settings: Settings, src: Path, temporal_db: Path | None, *, force: bool) -> list[str]:
    """Restore into the configured database (and `temporal_db`); returns what the operator does next."""
    manifest = verify(src)
    database, temporal = manifest.part("database"), manifest.part("temporal")
    kind = storage.database_kind(settings.database_url)
    if database is None or database.kind != kind:
        raise Rejected(
            f"This backup holds {'a ' + database.kind if database else 'no'} database but DATABASE_URL "
            f"points at {kind}; Perennial does not convert between the two."
        )
    _check_temporal_settings(settings, manifest, temporal_db)
    notes = _schema_notes(manifest.alembic_revision)
    files = [(temporal_db, temporal)] if temporal_db and temporal else []
    if kind == "sqlite":
        files.append((storage.sqlite_path(settings.database_url), database))
    elif (tables := len(storage.postgres_tables(settings.database_url))) and not force:
        raise Rejected(
            f"{storage.redacted(settings.database_url)} already holds {tables} tables; restore into a "
            "new empty database (createdb NAME), or pass --force to drop its public schema."
        )
    for target, _ in files:
        if target.exists() and target.stat().st_size > 0 and not force:
            raise Rejected(f"{target} already exists; stop Perennial and move it aside, or pass --force.")
    if kind == "postgresql":
        if force:
            storage.psql(settings.database_url, "DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        storage.run("pg_restore", *PG_RESTORE, str(src / database.file), url=settings.database_url)
    for target, part in files:
        for stale in (target, *(target.with_name(target.name + s) for s in ("-wal", "-shm", "-journal"))):
            stale.unlink(missing_ok=True)  # a stale -wal beside the restored file would be replayed into it
        target.parent.mkdir(parents=True, exist_ok=True)
        storage.copy_sqlite(src / part.file, target)
    if temporal_db:
        notes.append(f"start the Temporal dev server with --db-filename {temporal_db}, then worker and web")
    return notes


def read_manifest(src: Path) -> Manifest:
    path = src / MANIFEST
    if not path.is_file():
        raise Rejected(f"{path} is missing; give a directory made by `perennial backup create`.")
    try:
        manifest = Manifest.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in exc.errors())
        raise Rejected(f"{path} is not a valid backup manifest ({problems}).") from exc
    if manifest.format != FORMAT:
        raise Rejected(
            f"{path} is in format {manifest.format}: restore it with Perennial {manifest.perennial_version}."
        )
    return manifest


def journey_settings(settings: Settings) -> dict[str, str]:
    """What a worker needs to find and read the restored journeys; the payload key as a fingerprint only."""
    key = hashlib.sha256(b"payload key\0" + settings.payload_key.encode()).hexdigest()[:16]
    return {
        "TEMPORAL_NAMESPACE": settings.temporal_namespace,
        "PERENNIAL_TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
        "PERENNIAL_WORKFLOW_ID_PREFIX": settings.workflow_id_prefix,
        "PERENNIAL_PAYLOAD_KEY": key,
    }


def _take(work: Path, name: Literal["temporal", "database"], kind: Kind, source: str) -> Part:
    taken_at, path = datetime.now(UTC), work / FILES[kind]
    if kind == "postgresql":
        storage.run("pg_dump", "--format=custom", f"--file={path}", url=source)
        source = storage.redacted(source)
    else:
        storage.copy_sqlite(Path(source), path)
    size, digest = path.stat().st_size, storage.sha256(path)
    return Part(
        name=name, kind=kind, file=path.name, source=source, taken_at=taken_at, size_bytes=size, sha256=digest
    )


def _check_temporal_settings(settings: Settings, manifest: Manifest, temporal_db: Path | None) -> None:
    if manifest.part("temporal") is None:
        if temporal_db is not None:
            raise Rejected("This backup holds no Temporal state: leave out --temporal-db (docs/backup.md).")
        return
    if temporal_db is None:
        raise Rejected(
            "This backup holds the Temporal dev server's state: pass --temporal-db PATH, the file "
            "the dev server will start from (var/temporal.db under `make run`)."
        )
    then, now = manifest.journey_settings, journey_settings(settings)
    if wrong := [name for name in then if now.get(name) != then[name]]:
        fixes = ", ".join("the key in use then" if n.endswith("KEY") else f"{n}={then[n]!r}" for n in wrong)
        raise Rejected(
            f"{', '.join(wrong)} differ from the backup's, so the worker would not find or read "
            f"the restored journeys: set {fixes}."
        )


def _schema_notes(revision: str | None) -> list[str]:
    from alembic.script import ScriptDirectory

    from models.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = script.get_current_head()
    if revision == head:
        return []
    if revision is not None and revision not in {r.revision for r in script.walk_revisions()}:
        raise Rejected(
            f"The backup's schema is at revision {revision}, which this release does not know "
            f"(its newest is {head}): restore with the release that made the backup."
        )
    return [f"the schema is at revision {revision}, this release at {head}: run `perennial migrate`"]


def _cli(action: Callable[[], T]) -> T:
    try:
        return action()
    except PerennialError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
