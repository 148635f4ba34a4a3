"""`manage.py backup` and `manage.py restore`: every answer and file comes back in a fresh database; bad input is
refused with nothing changed."""

import io
import json
import secrets
import tarfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from bench import stack
from surveys.invitations import invitation_create
from surveys.models import Answer, Response
from teknokyla.core import backups, dburl
from workshops.services.records import attachment_add
from workshops.uploads import PDF

from ..factories import CompanyFactory, ContactFactory, WorkshopFactory
from ..surveys.conftest import PAGE_1, PAGE_2, PAGE_3, build_survey, opened, post_page

ATTACHMENT = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def database_url(name: str) -> str:
    """The URL of database `name` on the test server (a socket directory on the embedded one)."""
    return dburl.database_url(connection.settings_dict, name)


def query(name: str, sql: str, params=()) -> list[tuple]:
    """Rows of a query on database `name`, through its own psycopg2 connection (not Django's)."""
    session = dburl.connect(connection.settings_dict, dbname=name)
    try:
        with session.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        session.close()


def tables_in(name: str) -> int:
    return query(name, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")[0][0]


def row_counts(name: str) -> dict[str, int]:
    """Rows of every model the backup counts, read straight from database `name`."""
    return {
        model._meta.label: query(name, f'SELECT count(*) FROM "{model._meta.db_table}"')[0][0]  # noqa: S608
        for model in backups.counted_models()
    }


@pytest.fixture
def fresh_database():
    """A new empty database on the same server, dropped at the end."""
    name = f"{connection.settings_dict['NAME']}_restore_{secrets.token_hex(4)}"
    base = database_url("postgres")
    stack.create_database(base, name)
    yield name
    stack.drop_database(base, name)


@pytest.fixture
def portal_data(db):
    """Companies, a submitted response with its answers and a workshop with an attached file, all committed."""
    survey = build_survey()
    companies = [CompanyFactory(name=f"Yritys {number} Oy") for number in range(3)]
    contact = ContactFactory(company=companies[0], name="Aino Aalto", email="aino@yritys.example")
    _invitation, token = invitation_create(survey=survey, company=companies[0], contacts=[contact])
    for company in companies[1:]:
        invitation_create(survey=survey, company=company)
    browser = opened(token)
    for number, page in enumerate((PAGE_1, PAGE_2, PAGE_3), start=1):
        assert post_page(browser, number, page).status_code == 302
    assert browser.post(reverse("surveys:submit")).url == reverse("surveys:thanks")
    attachment = attachment_add(
        record=WorkshopFactory(title="Kiertotalouden työpaja"),
        upload=SimpleUploadedFile("muistio.pdf", ATTACHMENT),
        file_type=PDF,
    )
    response = Response.objects.get(company=companies[0])
    assert response.is_submitted
    return {"response": response, "answers": Answer.objects.filter(response=response).count(), "file": attachment}


@pytest.fixture
def archive(portal_data, tmp_path):
    path = tmp_path / "backups" / "teknokyla.tar.gz"
    out = io.StringIO()
    call_command("backup", "--output", str(path), stdout=out)
    assert f"Backup written to {path}" in out.getvalue()
    return path


@pytest.mark.trust("The server is lost: the portal is restored from its backup into a new database", area="Faults")
@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_fresh_database_brings_back_every_answer_and_file(
    portal_data, archive, fresh_database, settings, tmp_path, trust_figure
):
    source = connection.settings_dict["NAME"]
    before = row_counts(source)
    original_root = Path(settings.PRIVATE_ROOT)
    settings.PRIVATE_ROOT = settings.MEDIA_ROOT = tmp_path / "restored-files"  # the new server's empty folder
    out = io.StringIO()

    call_command("restore", str(archive), "--database-url", database_url(fresh_database), stdout=out)

    after = row_counts(fresh_database)
    assert after == before
    response = portal_data["response"]
    restored = query(
        fresh_database,
        "SELECT r.submitted_at, c.name, count(a.id) FROM surveys_response r JOIN companies_company c "
        "ON c.id = r.company_id LEFT JOIN surveys_answer a ON a.response_id = r.id WHERE r.id = %s "
        "GROUP BY r.submitted_at, c.name",
        [response.pk],
    )
    assert restored == [(response.submitted_at, response.company.name, portal_data["answers"])]
    assert portal_data["answers"] >= 10
    answers = dict(
        query(
            fresh_database,
            "SELECT q.code, a.value FROM surveys_answer a JOIN surveys_question q ON q.id = a.question_id "
            "WHERE a.response_id = %s",
            [response.pk],
        )
    )
    assert answers["contact_name"] == "Aino Aalto"
    assert answers["services"] == ["coworking", "__other__"]
    [(name,)] = query(fresh_database, "SELECT file FROM workshops_attachment WHERE id = %s", [portal_data["file"].pk])
    assert (Path(settings.PRIVATE_ROOT) / name).read_bytes() == ATTACHMENT == (original_root / name).read_bytes()
    files = sorted(p.relative_to(settings.PRIVATE_ROOT) for p in Path(settings.PRIVATE_ROOT).rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(original_root) for p in original_root.rglob("*") if p.is_file())
    printed = out.getvalue()
    assert f"surveys.Answer: {before['surveys.Answer']}" in printed
    assert f"Restored into {fresh_database}" in printed

    trust_figure("rows restored", sum(after.values()))
    trust_figure("rows lost", sum(max(0, rows - after[label]) for label, rows in before.items()))
    trust_figure("files restored", len(files))


@pytest.mark.django_db(transaction=True)
def test_restore_reaches_a_database_through_the_servers_unix_socket(
    portal_data, archive, fresh_database, settings, tmp_path
):
    """The embedded server of the README listens on a socket only: its percent-encoded folder in --database-url."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW unix_socket_directories")
        socket_dir = cursor.fetchone()[0].split(",")[0].strip()
    values = {**connection.settings_dict, "HOST": socket_dir, "PORT": connection.settings_dict["PORT"] or ""}
    url = dburl.database_url(values, fresh_database)
    assert "%2F" in url and socket_dir not in url
    settings.PRIVATE_ROOT = settings.MEDIA_ROOT = tmp_path / "restored-files"
    before = row_counts(connection.settings_dict["NAME"])

    call_command("restore", str(archive), "--database-url", url, stdout=io.StringIO())

    assert row_counts(fresh_database) == before
    [(submitted,)] = query(fresh_database, "SELECT count(*) FROM surveys_response WHERE submitted_at IS NOT NULL")
    assert submitted == Response.objects.filter(submitted_at__isnull=False).count() == 1


def _rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of the archive with one member's bytes changed by `change(name, data) -> data`."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            if data is not None:
                data = change(member.name, data)
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data) if data is not None else None)
    return target


def _flip_last_byte(name: str, data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 0xFF]) if name == backups.DUMP else data


def _future_format(name: str, data: bytes) -> bytes:
    if name != backups.MANIFEST:
        return data
    return json.dumps({**json.loads(data), "format": backups.FORMAT + 1}).encode()


def _unknown_migration(name: str, data: bytes) -> bytes:
    if name != backups.MANIFEST:
        return data
    manifest = json.loads(data)
    return json.dumps(
        {**manifest, "migrations": [*manifest["migrations"], ["surveys", "9999_from_the_future"]]}
    ).encode()


@pytest.mark.trust("A damaged, foreign or newer backup is restored, or one over a database in use", area="Faults")
@pytest.mark.django_db(transaction=True)
def test_bad_archives_and_a_database_in_use_are_refused_with_nothing_changed(
    archive, fresh_database, settings, tmp_path, trust_figure
):
    source = connection.settings_dict["NAME"]
    before = row_counts(source)
    settings.PRIVATE_ROOT = settings.MEDIA_ROOT = tmp_path / "restored-files"
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"\x1f\x8b" + secrets.token_bytes(4000))
    foreign = tmp_path / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as tar:
        tar.add(__file__, arcname="notes.py")
    cases = {
        "missing": (tmp_path / "nowhere.tar.gz", "No backup archive at"),
        "garbage": (garbage, "is not a readable backup archive"),
        "foreign": (foreign, "has no readable manifest.json"),
        "damaged": (_rewrite(archive, tmp_path / "damaged.tar.gz", _flip_last_byte), "checksum of database.dump"),
        "newer format": (_rewrite(archive, tmp_path / "format.tar.gz", _future_format), "this version reads 1"),
        "newer portal": (_rewrite(archive, tmp_path / "newer.tar.gz", _unknown_migration), "newer version"),
    }
    tried = refused = 0
    for path, reason in cases.values():
        tried += 1
        with pytest.raises(CommandError, match=reason):
            call_command("restore", str(path), "--database-url", database_url(fresh_database))
        refused += 1
        assert tables_in(fresh_database) == 0
        assert not Path(settings.PRIVATE_ROOT).exists()

    # The configured database holds the portal: a restore over it is refused, and it is left as it was.
    tried += 1
    with pytest.raises(CommandError, match=f"The database {source} is not empty"):
        call_command("restore", str(archive))
    refused += 1
    assert row_counts(source) == before
    assert not Path(settings.PRIVATE_ROOT).exists()

    # Files of the backup that exist already are not overwritten without --force, and the database stays empty.
    call_command("restore", str(archive), "--database-url", database_url(fresh_database), stdout=io.StringIO())
    again = f"{fresh_database}_again"
    stack.create_database(database_url("postgres"), again)
    try:
        tried += 1
        with pytest.raises(CommandError, match="exist already"):
            call_command("restore", str(archive), "--database-url", database_url(again))
        refused += 1
        assert tables_in(again) == 0
        call_command("restore", str(archive), "--database-url", database_url(again), "--force", stdout=io.StringIO())
        assert row_counts(again) == before
    finally:
        stack.drop_database(database_url("postgres"), again)

    trust_figure("bad restores tried", tried)
    trust_figure("bad restores refused", refused)
    trust_figure("rows changed by a refused restore", sum(before.values()) - sum(row_counts(source).values()))


@pytest.mark.django_db
def test_the_client_tools_match_the_server():
    server = connection.pg_version // 10000
    path, major = backups.find_tool("pg_dump", server_major=server)
    assert major == server  # this machine has the matching client tools (Debian's, or the embedded pgserver's)
    assert backups.tool_version(path) == major
    with pytest.raises(backups.BackupError, match="No pg_restore of PostgreSQL 99 or newer"):
        backups.find_tool("pg_restore", server_major=99)
