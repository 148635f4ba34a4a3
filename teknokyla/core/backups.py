"""Backups of the portal: one tar.gz with a pg_dump of the database, the stored files and a manifest; and restore.

A backup is taken from one snapshot of the database: the dump and the manifest's row counts describe the same
moment. A restore goes into an empty database only, checks every checksum before it changes anything, restores
the database in a single transaction, then the files, and compares the row counts with the manifest.
"""

import hashlib
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import django
import psycopg2
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from psycopg2 import sql

from teknokyla.core import dburl

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
FILES = "files"
TOOL_TIMEOUT = 60 * 60  # seconds; a dump or restore of this portal takes seconds, a hung one must end
VERSION = re.compile(r"\(PostgreSQL\) (\d+)")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, and nothing was changed."""


@dataclass
class RestoreResult:
    database: str
    counts: dict[str, int] = field(default_factory=dict)  # model label -> rows found after the restore
    files: int = 0
    warnings: list[str] = field(default_factory=list)


# PostgreSQL's tools --------------------------------------------------------------------------------------------


def _tool_dirs() -> list[Path]:
    """Where pg_dump and pg_restore may be: the PATH, Debian's per-version folders, the embedded pgserver's."""
    found = [Path(entry) for entry in os.environ.get("PATH", "").split(os.pathsep) if entry]
    found += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    spec = importlib.util.find_spec("pgserver")  # found without importing it (its import has side effects)
    if spec and spec.submodule_search_locations:
        found.append(Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin")
    return found


def tool_version(path: Path) -> int | None:
    """The major version of a PostgreSQL client tool, or None when it does not run."""
    try:
        reply = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return None
    match = VERSION.search(reply.stdout)
    return int(match[1]) if match else None


def find_tool(name: str, *, server_major: int, at_least: int = 0) -> tuple[Path, int]:
    """The tool `name` whose major version is the server's, or else the oldest one newer than the server.

    pg_dump refuses a server newer than itself, and pg_restore an archive made by a newer pg_dump.
    """
    versions: dict[Path, int] = {}
    for folder in _tool_dirs():
        path = (folder / name).resolve()
        if path not in versions and path.is_file() and os.access(path, os.X_OK):
            major = tool_version(path)
            if major is not None:
                versions[path] = major
    usable = {path: major for path, major in versions.items() if major >= max(server_major, at_least)}
    if not usable:
        seen = ", ".join(f"{path} ({major})" for path, major in versions.items()) or "none"
        raise BackupError(
            f"No {name} of PostgreSQL {max(server_major, at_least)} or newer was found (found: {seen}). "
            f"Install the client tools of that version (Debian: postgresql-client-{server_major})."
        )
    path = min(usable, key=lambda p: (usable[p] != server_major, usable[p]))
    return path, usable[path]


def _tool_env(values: dict) -> dict[str, str]:
    """The libpq environment that points a tool at a database (the password never goes on a command line)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    pairs = {
        "PGHOST": values.get("HOST"),
        "PGPORT": values.get("PORT"),
        "PGUSER": values.get("USER"),
        "PGPASSWORD": values.get("PASSWORD"),
        "PGDATABASE": values.get("NAME"),
    }
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def database_settings(url: str | None = None) -> dict:
    """The connection values of a database URL, or of the configured database."""
    if url is None:
        return dict(connection.settings_dict)
    try:
        return dburl.database_settings(url)
    except ValueError as error:
        raise BackupError(f"Only PostgreSQL databases can be restored into. {error}") from None


# What a manifest counts ---------------------------------------------------------------------------------------


def counted_models() -> list:
    """The models of the portal's own apps and its users: the rows a restore must bring back."""
    base = Path(settings.BASE_DIR).resolve()
    own = [
        config
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base) and ".venv" not in Path(config.path).parts
    ]
    found = [model for config in own for model in config.get_models() if not model._meta.proxy]
    user = apps.get_model(settings.AUTH_USER_MODEL)
    return sorted({*found, user}, key=lambda model: model._meta.label)


def _count(cursor, table: str) -> int:
    cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
    return cursor.fetchone()[0]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_roots() -> dict[str, Path]:
    """The folders of stored files, by their name in the archive (media only when it is not the private one)."""
    roots = {"private": Path(settings.PRIVATE_ROOT)}
    if Path(settings.MEDIA_ROOT).resolve() != roots["private"].resolve():
        roots["media"] = Path(settings.MEDIA_ROOT)
    return roots


# Backup --------------------------------------------------------------------------------------------------------


def default_backup_path() -> Path:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.BASE_DIR) / "var" / "backups" / f"teknokyla-{stamp}.tar.gz"


def backup_create(*, destination: Path) -> dict:
    """Write the backup archive to `destination` and return its manifest."""
    destination = Path(destination)
    if destination.exists():
        raise BackupError(f"{destination} exists already; a backup never overwrites a file.")
    values = database_settings()
    session = dburl.connect(values)
    try:
        # One snapshot for the dump and the counts: what the manifest says is what the dump holds.
        session.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with session.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version_num')::int")
            snapshot, server_version = cursor.fetchone()
            cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
            migrations = [list(row) for row in cursor.fetchall()]
            counts = {
                model._meta.label: {"table": model._meta.db_table, "rows": _count(cursor, model._meta.db_table)}
                for model in counted_models()
            }
        pg_dump, dump_major = find_tool("pg_dump", server_major=server_version // 10000)
        with tempfile.TemporaryDirectory(prefix="teknokyla-backup-") as work:
            dump = Path(work) / DUMP
            reply = subprocess.run(
                [str(pg_dump), "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"],
                env=_tool_env(values),
                capture_output=True,
                text=True,
                timeout=TOOL_TIMEOUT,
                check=False,
            )
            if reply.returncode != 0:
                raise BackupError(f"pg_dump failed: {reply.stderr.strip()[-2000:]}")
            session.rollback()  # the snapshot is no longer needed
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "django_version": django.get_version(),
                "postgresql_server": server_version // 10000,
                "pg_dump": dump_major,
                "database": values["NAME"],
                "migrations": migrations,
                "counts": counts,
                "checksums": {DUMP: _sha256(dump)},
                "files": {},
            }
            _write_archive(destination, dump, manifest)
    finally:
        session.close()
    return manifest


def _write_archive(destination: Path, dump: Path, manifest: dict) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    # The archive holds personal data: only its owner may read it.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            archive.add(dump, arcname=DUMP)
            for name, root in _file_roots().items():
                manifest["files"][name] = 0
                for path in sorted(root.rglob("*")) if root.is_dir() else []:
                    if path.is_file() and not path.is_symlink():
                        member = f"{FILES}/{name}/{path.relative_to(root).as_posix()}"
                        manifest["checksums"][member] = _sha256(path)
                        manifest["files"][name] += 1
                        archive.add(path, arcname=member)
            body = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(timezone.now().timestamp()), 0o600
            archive.addfile(info, fileobj=io.BytesIO(body))
        partial.rename(destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


# Restore -------------------------------------------------------------------------------------------------------


def _unpack(archive: Path, into: Path) -> dict:
    """Extract the archive safely and check it whole: its manifest, format, every checksum, no stray file."""
    if not archive.is_file():
        raise BackupError(f"No backup archive at {archive}.")
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            tar.extractall(into, filter="data")  # no absolute paths, links out or devices
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(f"{archive} is not a readable backup archive: {error}") from error
    try:
        manifest = json.loads((into / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{archive} has no readable {MANIFEST}: it is not a backup of this portal.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is a backup of format {manifest.get('format')!r}; this version reads {FORMAT}.")
    checksums = manifest.get("checksums", {})
    present = {path.relative_to(into).as_posix() for path in into.rglob("*") if path.is_file()} - {MANIFEST}
    if DUMP not in checksums or present != set(checksums):
        missing = sorted(set(checksums) - present) or [DUMP]
        raise BackupError(f"{archive} is incomplete or has files its manifest does not list (e.g. {missing[0]}).")
    for member, expected in checksums.items():
        if _sha256(into / member) != expected:
            raise BackupError(f"{archive} is damaged: the checksum of {member} does not match its manifest.")
    return manifest


def _check_migrations(manifest: dict) -> list[str]:
    """Refuse a backup made by a newer portal; tell which migrations the restored database still lacks."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    archived = {tuple(pair) for pair in manifest.get("migrations", [])}
    unknown = sorted(archived - known)
    if unknown:
        app, name = unknown[0]
        raise BackupError(
            f"The backup was made by a newer version of the portal: {len(unknown)} of its migrations "
            f"(e.g. {app}.{name}) are unknown here. Restore it with the version that made it."
        )
    behind = len(known - archived)
    if behind:
        return [f"{behind} migrations of this version are not in the backup: run `manage.py migrate` after it."]
    return []


def _inspect_target(values: dict) -> tuple[int, int]:
    """(relations in the database's own schemas, the server's major version)."""
    try:
        session = dburl.connect(values)
    except psycopg2.Error as error:
        raise BackupError(f"Cannot connect to the database {values['NAME']}: {str(error).strip()}") from error
    try:
        with session.cursor() as cursor:
            cursor.execute(
                """
                SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'
                """
            )
            tables = cursor.fetchone()[0]
            cursor.execute("SELECT current_setting('server_version_num')::int")
            return tables, cursor.fetchone()[0] // 10000
    finally:
        session.close()


def backup_restore(*, archive: Path, database_url: str | None = None, force: bool = False) -> RestoreResult:
    """Restore a backup into an empty database and the configured file folders; every check comes first."""
    archive = Path(archive)
    values = database_settings(database_url)
    with tempfile.TemporaryDirectory(prefix="teknokyla-restore-") as work:
        unpacked = Path(work)
        manifest = _unpack(archive, unpacked)
        result = RestoreResult(database=values["NAME"], warnings=_check_migrations(manifest))
        tables, server_major = _inspect_target(values)
        if tables:
            raise BackupError(
                f"The database {values['NAME']} is not empty ({tables} tables or sequences). A backup is restored "
                "into an empty database only: create one (createdb) and give it with --database-url."
            )
        roots = _file_roots()
        copies = []
        for name in manifest.get("files", {}):
            if name not in roots:
                raise BackupError(f"The backup has files of a folder ({name}) that this installation does not use.")
            source_root = unpacked / FILES / name
            for source in sorted(source_root.rglob("*")) if source_root.is_dir() else []:
                if source.is_file():
                    copies.append((source, roots[name] / source.relative_to(source_root)))
        clashes = [target for _source, target in copies if target.exists()]
        if clashes and not force:
            raise BackupError(
                f"{len(clashes)} files of the backup exist already (e.g. {clashes[0]}); "
                "nothing was restored. Use --force to overwrite them."
            )
        pg_restore, _major = find_tool(
            "pg_restore", server_major=server_major, at_least=int(manifest.get("pg_dump", 0))
        )
        reply = subprocess.run(
            [
                str(pg_restore), "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges",
                f"--dbname={values['NAME']}", str(unpacked / DUMP),
            ],
            env=_tool_env(values),
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT,
            check=False,
        )  # fmt: skip
        if reply.returncode != 0:
            raise BackupError(f"pg_restore failed, the database is unchanged: {reply.stderr.strip()[-2000:]}")
        for source, target in copies:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            os.chmod(target, 0o600)
        result.files = len(copies)
    result.counts = _verify_counts(values, manifest)
    return result


def _verify_counts(values: dict, manifest: dict) -> dict[str, int]:
    """Count the restored rows of every model of the manifest; a difference is an error."""
    session = dburl.connect(values)
    try:
        with session.cursor() as cursor:
            found = {label: _count(cursor, entry["table"]) for label, entry in manifest.get("counts", {}).items()}
    finally:
        session.close()
    wrong = [
        f"{label}: {found[label]} of {entry['rows']}"
        for label, entry in manifest["counts"].items()
        if found[label] != entry["rows"]
    ]
    if wrong:
        raise BackupError("The restored row counts differ from the backup's manifest: " + "; ".join(wrong))
    return found
