"""The few private Django APIs the portal leans on, each checked against Django 5.2 (5.2.20) and pinned here.

Each stays because no public API does the same; each test fails on the Django upgrade that changes what the
code relies on, so the upgrade starts by looking at these. Their behaviour is tested where they are used
(tests/security/test_uploads.py for the file names as sent, tests/surveys for answers deleted with history).
"""

import inspect

from django.db.models.query import QuerySet
from django.http.multipartparser import MultiPartParser
from django.http.request import HttpRequest
from django.utils.datastructures import ImmutableList


def test_a_request_parses_its_upload_through_its_own_parse_file_upload():
    """workshops/uploads.py `keep_sent_file_names` replaces `request.parse_file_upload` to see names as sent."""
    assert "self.parse_file_upload(" in inspect.getsource(HttpRequest._load_post_and_files)
    assert list(inspect.signature(HttpRequest.parse_file_upload).parameters) == ["self", "META", "post_data"]
    # ...and the replacement freezes the upload handlers with the class Django's own method uses.
    assert "ImmutableList(" in inspect.getsource(HttpRequest.parse_file_upload)
    assert ImmutableList((1,), warning="frozen")[0] == 1


def test_the_multipart_parser_cleans_each_file_name_in_sanitize_file_name():
    """workshops/uploads.py `_SentNameParser` notes the name in `sanitize_file_name` before Django cleans it."""
    assert "self.sanitize_file_name(" in inspect.getsource(MultiPartParser)  # in _parse, for every file part
    assert MultiPartParser.sanitize_file_name(None, "../../etc/x.pdf") == "x.pdf"


def test_a_queryset_deletes_without_signals_with_raw_delete():
    """surveys/services.py `_delete_with_history` writes the history rows itself, then deletes with `_raw_delete`."""
    assert list(inspect.signature(QuerySet._raw_delete).parameters) == ["self", "using"]
