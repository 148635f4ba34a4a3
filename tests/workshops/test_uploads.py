"""Attachments: upload checks (type by content, size, plain names), private storage, and the protected download."""

import io
import struct
import zipfile
import zlib

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from workshops import uploads
from workshops.models import Attachment

from ..factories import InterviewFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

BOUNDARY = "----upload-test-boundary"


# The assertions read English: the source strings, whatever the fi/sv catalogues say.
@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def staff_client(staff_client):
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return staff_client


@pytest.fixture
def viewer_client(viewer_client):
    viewer_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return viewer_client


# Tiny real files ---------------------------------------------------------------


def png_bytes() -> bytes:
    """A 1×1 grey PNG built by hand: signature, IHDR, IDAT and IEND with their CRCs."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32 + b"\xff\xd9"


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Osallistujat"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx_bytes() -> bytes:
    return zip_bytes(
        {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": "<Relationships/>", "word/document.xml": "<w:document/>"}
    )


def pptx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": "<Relationships/>",
            "ppt/presentation.xml": "<p:presentation/>",
        }
    )


# Fixtures and helpers ----------------------------------------------------------


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def interview(db):
    return InterviewFactory()


def upload_url(record) -> str:
    return reverse("workshops:attachment_upload", args=[record._meta.model_name, record.pk])


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def post_file(client, record, name: str, content: bytes, **fields):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(upload_url(record), {"file": upload, **fields})


def raw_multipart(filename: str, content: bytes) -> bytes:
    """A body with the file name exactly as given: Django's test client would cut a path off it."""
    head = (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{BOUNDARY}--\r\n".encode()


def post_raw(client, record, filename: str, content: bytes):
    return client.post(
        upload_url(record),
        data=raw_multipart(filename, content),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )


def assert_refused(response, root, reason: str):
    assert response.status_code in (400, 413)
    assert reason in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(root) == []


# Uploading ---------------------------------------------------------------------


ALLOWED = [
    ("kuva.png", png_bytes, "image/png"),
    ("fläppi.JPG", jpeg_bytes, "image/jpeg"),
    ("valokuva.jpeg", jpeg_bytes, "image/jpeg"),
    ("muistio.pdf", pdf_bytes, "application/pdf"),
    ("osallistujat.xlsx", xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("raportti.docx", docx_bytes, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("kalvot.pptx", pptx_bytes, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
]


class TestUpload:
    @pytest.mark.parametrize(("name", "make", "mime"), ALLOWED, ids=[name for name, *_ in ALLOWED])
    def test_each_allowed_type_is_stored_privately_under_a_server_chosen_name(
        self, staff_client, staff, interview, private_root, name, make, mime
    ):
        content = make()
        response = post_file(staff_client, interview, name, content, description="Fläppitaulu")
        assert response.status_code == 302
        assert response.url == f"{interview.get_absolute_url()}#attachments"
        attachment = Attachment.objects.get()
        assert (attachment.interview, attachment.workshop) == (interview, None)
        assert attachment.original_name == name and attachment.content_type == mime
        assert attachment.size == len(content) and attachment.uploaded_by == staff
        assert attachment.description == "Fläppitaulu"
        [stored] = stored_files(private_root)
        assert stored.read_bytes() == content
        assert stored.parent == private_root / "attachments"
        assert name.rsplit(".", 1)[0] not in stored.name  # the sent name never reaches the file system

    def test_a_workshop_takes_attachments_too(self, staff_client, private_root):
        workshop = WorkshopFactory()
        assert post_file(staff_client, workshop, "kuva.png", png_bytes()).status_code == 302
        assert Attachment.objects.get().workshop == workshop

    def test_the_record_page_lists_the_file_with_a_download_link(self, staff_client, interview, private_root):
        post_file(staff_client, interview, "muistio.pdf", pdf_bytes())
        content = staff_client.get(interview.get_absolute_url()).content.decode()
        assert reverse("workshops:attachment", args=[Attachment.objects.get().pk]) in content
        assert "muistio.pdf" in content

    @pytest.mark.parametrize(
        ("name", "content", "reason"),
        [
            ("sivu.png", b"<!doctype html><html><script>alert(1)</script></html>", "not allowed"),
            ("ohjelma.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200, "not allowed"),
            ("raportti.docx", zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "a.txt": "x"}), "not allowed"),
            ("raportti.docx", zip_bytes({"word/document.xml": "<w/>"}), "not allowed"),
            ("paketti.zip", zip_bytes({"a.txt": "x"}), "not allowed"),
            ("taulukko.docx", xlsx_bytes(), "content is XLSX"),
            ("kuva.pdf", png_bytes(), "content is PNG"),
            ("muistio.txt", b"plain text", "not allowed"),
            ("kuva.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "not allowed"),
            ("tyhja.pdf", b"", "empty"),
            ("muistio", pdf_bytes(), "has no extension"),
        ],
        ids=[
            "html as png",
            "exe as pdf",
            "zip without word part",
            "zip without content types",
            "plain zip",
            "xlsx named docx",
            "png named pdf",
            "text",
            "svg",
            "empty",
            "no extension",
        ],
    )
    def test_wrong_content_is_refused_with_the_reason_and_nothing_stored(
        self, staff_client, interview, private_root, name, content, reason
    ):
        assert_refused(post_file(staff_client, interview, name, content), private_root, reason)

    def test_a_file_over_20_mb_is_refused(self, staff_client, interview, private_root):
        content = b"\x89PNG\r\n\x1a\n" + b"\x00" * (uploads.MAX_BYTES + 1 - 8)
        assert len(content) == 20 * 1024 * 1024 + 1
        assert_refused(post_file(staff_client, interview, "iso.png", content), private_root, "too large")

    def test_a_file_of_exactly_20_mb_is_taken(self, staff_client, interview, private_root):
        content = b"%PDF-1.4\n" + b"0" * (uploads.MAX_BYTES - 9)
        assert post_file(staff_client, interview, "iso.pdf", content).status_code == 302
        assert Attachment.objects.get().size == uploads.MAX_BYTES

    def test_a_body_far_over_the_limit_is_refused_before_it_is_read(self, staff_client, interview, private_root):
        content = b"%PDF-1.4\n" + b"0" * (uploads.MAX_REQUEST_BYTES + 10)
        response = post_file(staff_client, interview, "valtava.pdf", content)
        assert response.status_code == 413
        assert_refused(response, private_root, "too large")

    @pytest.mark.parametrize(
        ("filename", "reason"),
        [
            ("../x.pdf", "folder path"),
            ("../../etc/passwd.pdf", "folder path"),
            ("a/b.png", "folder path"),
            ("C:\\x.png", "folder path"),
            ("C:\\Users\\aino\\muistio.pdf", "folder path"),
            ("..&#47;x.pdf", "folder path"),
            ("..", "folder path"),
            ("x\x00.pdf", "control characters"),
            ("x\x1b.pdf", "control characters"),
            ("muistio", "no extension"),
        ],
    )
    def test_a_name_with_a_path_or_control_characters_is_refused(
        self, staff_client, interview, private_root, filename, reason
    ):
        content = png_bytes() if filename.endswith(".png") else pdf_bytes()
        assert_refused(post_raw(staff_client, interview, filename, content), private_root, reason)

    def test_a_plain_raw_name_is_taken(self, staff_client, interview, private_root):
        # The same hand-made request with a plain name works, so the refusals above are about the name.
        assert post_raw(staff_client, interview, "muistio.pdf", pdf_bytes()).status_code == 302
        assert Attachment.objects.get().original_name == "muistio.pdf"

    def test_no_file_is_refused(self, staff_client, interview, private_root):
        response = staff_client.post(upload_url(interview), {"description": "ilman tiedostoa"})
        assert_refused(response, private_root, "Choose a file")

    def test_needs_login(self, client, interview, private_root):
        response = post_file(client, interview, "kuva.png", png_bytes())
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        assert not Attachment.objects.exists() and stored_files(private_root) == []

    def test_viewers_may_not_upload(self, viewer_client, interview, private_root):
        assert post_file(viewer_client, interview, "kuva.png", png_bytes()).status_code == 403
        assert not Attachment.objects.exists() and stored_files(private_root) == []

    def test_refuses_users_outside_the_groups(self, outsider_client, interview, private_root):
        assert post_file(outsider_client, interview, "kuva.png", png_bytes()).status_code == 403
        assert not Attachment.objects.exists() and stored_files(private_root) == []

    def test_refuses_get(self, staff_client, interview):
        assert staff_client.get(upload_url(interview)).status_code == 405

    def test_unknown_record_is_404(self, staff_client, interview, private_root):
        url = reverse("workshops:attachment_upload", args=["survey", interview.pk])
        assert staff_client.post(url, {"file": SimpleUploadedFile("k.png", png_bytes())}).status_code == 404
        missing = reverse("workshops:attachment_upload", args=["interview", 999999])
        assert staff_client.post(missing, {"file": SimpleUploadedFile("k.png", png_bytes())}).status_code == 404
        assert stored_files(private_root) == []

    def test_csrf_is_still_checked(self, staff, interview, private_root):
        client = Client(enforce_csrf_checks=True)
        client.force_login(staff)
        assert post_file(client, interview, "kuva.png", png_bytes()).status_code == 403
        assert not Attachment.objects.exists() and stored_files(private_root) == []


# Downloading -------------------------------------------------------------------


@pytest.fixture
def attachment(staff_client, interview, private_root):
    post_file(staff_client, interview, "Työpajan muistio.pdf", pdf_bytes())
    return Attachment.objects.get()


class TestDownload:
    def test_a_viewer_downloads_the_file_with_safe_headers(self, viewer_client, attachment):
        response = viewer_client.get(attachment.get_absolute_url())
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == pdf_bytes()
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''Ty%C3%B6pajan%20muistio.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'"
        assert response["Cache-Control"] == "private, no-store"
        response.close()

    def test_needs_login(self, client, attachment):
        response = client.get(attachment.get_absolute_url())
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_refuses_users_outside_the_groups(self, outsider_client, attachment):
        assert outsider_client.get(attachment.get_absolute_url()).status_code == 403

    def test_refuses_post(self, staff_client, attachment):
        assert staff_client.post(attachment.get_absolute_url()).status_code == 405

    def test_a_missing_file_is_404(self, viewer_client, attachment, private_root):
        for path in stored_files(private_root):
            path.unlink()
        assert viewer_client.get(attachment.get_absolute_url()).status_code == 404

    def test_unknown_attachment_is_404(self, viewer_client):
        assert viewer_client.get(reverse("workshops:attachment", args=[999999])).status_code == 404

    def test_no_public_url_serves_the_file(self, client, viewer_client, attachment, settings):
        guessed = f"{settings.MEDIA_URL}{attachment.file.name}"
        assert client.get(guessed).status_code == 404
        assert viewer_client.get(guessed).status_code == 404


# The checks themselves ---------------------------------------------------------


class TestChecks:
    @pytest.mark.parametrize("name", ["muistio.pdf", "Fläppi 2023-03-01.JPG", "a.b.c.xlsx", "R&D.docx"])
    def test_plain_names_pass(self, name):
        assert uploads.check_file_name(name) == name

    @pytest.mark.parametrize(
        "name", ["../x.pdf", "a/b.png", "C:\\x.png", "C:x.png", "x\x00.pdf", "\u202egnp.pdf", "noext", ".pdf", "x."]
    )
    def test_bad_names_fail(self, name):
        with pytest.raises(ValidationError):
            uploads.check_file_name(name)

    @pytest.mark.parametrize(
        ("make", "kind"),
        [
            (png_bytes, uploads.PNG),
            (jpeg_bytes, uploads.JPEG),
            (pdf_bytes, uploads.PDF),
            (xlsx_bytes, uploads.XLSX),
            (docx_bytes, uploads.DOCX),
            (pptx_bytes, uploads.PPTX),
        ],
    )
    def test_detects_each_type_from_the_content(self, make, kind):
        assert uploads.detect_type(SimpleUploadedFile("whatever.bin", make())) == kind

    def test_a_zip_with_two_kinds_of_document_is_not_trusted(self):
        both = zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": "<w/>", "xl/workbook.xml": "<x/>"})
        assert uploads.detect_type(SimpleUploadedFile("x.docx", both)) is None

    def test_size_is_checked_before_the_content_is_read(self):
        class Unreadable(SimpleUploadedFile):
            def read(self, *args):
                raise AssertionError("read before the size check")

        big = Unreadable("iso.pdf", b"%PDF")
        big.size = uploads.MAX_BYTES + 1
        with pytest.raises(ValidationError) as error:
            uploads.check_upload(big)
        assert error.value.code == "too_large"
