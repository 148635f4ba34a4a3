"""Checks on attachment uploads: a plain file name, at most 20 MB, and an allowed type judged by the content."""

import html
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
from django.core.exceptions import ValidationError
from django.http.multipartparser import MultiPartParser
from django.utils.datastructures import ImmutableList
from django.utils.translation import gettext_lazy as _

from teknokyla.core.security import body_larger_than

MAX_BYTES = 20 * 1024 * 1024
# A request body this much above the file limit cannot hold an acceptable file: refused before it is parsed.
MAX_REQUEST_BYTES = MAX_BYTES + 1024 * 1024
MAX_NAME_LENGTH = 200
# filetype looks at no more than the first 8 KiB.
HEAD_BYTES = 8192


@dataclass(frozen=True)
class FileType:
    label: str
    mime: str
    extensions: tuple[str, ...]


PNG = FileType("PNG", "image/png", (".png",))
JPEG = FileType("JPEG", "image/jpeg", (".jpg", ".jpeg"))
PDF = FileType("PDF", "application/pdf", (".pdf",))
XLSX = FileType("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
DOCX = FileType("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
PPTX = FileType("PPTX", "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",))
ALLOWED = (PNG, JPEG, PDF, XLSX, DOCX, PPTX)
ACCEPT = ",".join(extension for kind in ALLOWED for extension in kind.extensions)

_BY_MAGIC = {"image/png": PNG, "image/jpeg": JPEG, "application/pdf": PDF}
# Office Open XML files are ZIP archives: the folder of the main part tells which document it is.
_OOXML_FOLDERS = {"xl/": XLSX, "word/": DOCX, "ppt/": PPTX}


def _refuse(message, code: str, **params) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def check_file_name(name: str) -> str:
    """The name as sent, refused when it holds a folder path, a control character or no extension."""
    # Django reads HTML entities in a sent name (`..&#47;x.pdf`), so the decoded name must be plain too.
    if html.unescape(name) != name:
        check_file_name(html.unescape(name))
    if any(unicodedata.category(char) in {"Cc", "Cf"} for char in name):
        raise _refuse(_("The file name contains control characters (such as a NUL byte)."), "control_character")
    if "/" in name or "\\" in name or (len(name) > 1 and name[1] == ":") or name.strip() in {"", ".", ".."}:
        raise _refuse(
            _("The file name “%(name)s” contains a folder path. Send the file with a plain name, such as notes.pdf."),
            "path_in_name",
            name=name,
        )
    if len(name) > MAX_NAME_LENGTH:
        raise _refuse(_("The file name is longer than %(max)s characters."), "name_too_long", max=MAX_NAME_LENGTH)
    if not PurePosixPath(name).suffix:
        raise _refuse(
            _("The file name “%(name)s” has no extension. Name the file for example notes.pdf."),
            "no_extension",
            name=name,
        )
    return name


def _ooxml_type(upload) -> FileType | None:
    """The Office document a ZIP archive really is, or None if it is some other archive."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    found = {kind for folder, kind in _OOXML_FOLDERS.items() if any(name.startswith(folder) for name in names)}
    return found.pop() if len(found) == 1 else None


def detect_type(upload) -> FileType | None:
    """The allowed type the file's content shows (magic bytes, and the parts of a ZIP), or None."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    guess = filetype.guess(head)
    if guess is None:
        return None
    if guess.mime in _BY_MAGIC:
        return _BY_MAGIC[guess.mime]
    if head.startswith(b"PK\x03\x04"):
        kind = _ooxml_type(upload)
        upload.seek(0)
        return kind
    return None


def check_upload(upload, *, sent_name: str | None = None) -> FileType:
    """The type of an acceptable upload; otherwise ValidationError with the reason.

    The size is checked before any byte is read; the name as the browser sent it (when known) must be plain and its
    extension must agree with the content.
    """
    name = check_file_name(sent_name if sent_name is not None else upload.name)
    if upload.size > MAX_BYTES:
        raise _refuse(
            _("The file is too large (%(size)s MB). The largest allowed is 20 MB."),
            "too_large",
            size=f"{upload.size / (1024 * 1024):.1f}",
        )
    if upload.size == 0:
        raise _refuse(_("The file is empty."), "empty")
    kind = detect_type(upload)
    if kind is None:
        raise _refuse(
            _(
                "This type of file is not allowed. Allowed: PNG, JPEG, PDF, XLSX, DOCX and PPTX "
                "(judged by the file's content, not by its name)."
            ),
            "type_not_allowed",
        )
    extension = PurePosixPath(name).suffix.lower()
    if extension not in kind.extensions:
        raise _refuse(
            _("The file's content is %(type)s, but its name ends in %(extension)s. Rename it to end in %(expected)s."),
            "extension_mismatch",
            type=kind.label,
            extension=extension,
            expected=kind.extensions[0],
        )
    return kind


def request_too_large(request) -> bool:
    """True when the request body is larger than any acceptable upload: refuse it without reading it."""
    return body_larger_than(request, MAX_REQUEST_BYTES)


class _SentNameParser(MultiPartParser):
    """Django's multipart parser, noting each file name as sent before folders and control characters are cut."""

    def __init__(self, *args, sent_names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.sent_names = sent_names

    def sanitize_file_name(self, file_name):
        self.sent_names.append(file_name)
        return super().sanitize_file_name(file_name)


def keep_sent_file_names(request) -> list[str]:
    """Have the request's upload parsed so that the file names as sent are kept, and return that (filled) list.

    Django quietly turns `../x.pdf` into `x.pdf`; to refuse such a name with the reason, it must be seen first.
    Call before anything reads request.POST or request.FILES (so the view must be csrf_exempt and check CSRF after).
    Django has no public hook for the name as sent: this replaces the request's `parse_file_upload` as Django 5.2
    defines it (pinned by tests/core/test_django_private_apis.py).
    """
    sent_names: list[str] = []

    def parse_file_upload(META, post_data):
        request.upload_handlers = ImmutableList(
            request.upload_handlers, warning="You cannot alter upload handlers after the upload has been processed."
        )
        parser = _SentNameParser(META, post_data, request.upload_handlers, request.encoding, sent_names=sent_names)
        return parser.parse()

    request.parse_file_upload = parse_file_upload
    return sent_names
