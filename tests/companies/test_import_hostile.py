"""The import, searched with generated bad cells and broken files: every refusal is `line N: column: reason` or one
message about the file, the command exits with an error, and the registry is left as it was (dry run or not)."""

import csv
import io
import re
import zipfile

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from ..security.hostile import CONTROL, examples, hostile_values, malformed_numbers, rolled_back
from .test_import import HEADER, OPISTO, SAATO, english, snapshot, village, xlsx_bytes  # noqa: F401

# The two buildings of test_import.py; its English messages (`english`, autouse) hold here too.
pytestmark = [pytest.mark.django_db, pytest.mark.fuzz, pytest.mark.usefixtures("village")]

ROW_ERROR = re.compile(r"^line (\d+): (\w+): \S.*$")

with_control = st.builds(lambda text, char, at: text[:at] + char + text[at:], st.text(min_size=1, max_size=10),
                         st.sampled_from(CONTROL), st.integers(0, 10))  # fmt: skip
# Cells each column must refuse, whatever else the row holds.
BAD_CELLS = {
    "name": st.one_of(st.just("Ä" * 201), with_control),
    "business_id": st.sampled_from(["2077474-1", "²077474-0", "x" * 21, "2077474-0\x00"]),
    "kind": st.sampled_from(["firma", "٣", "company\x01", "🙂"]),
    "industry": st.sampled_from(["99999x", "٣٣", "711211", "A1"]),
    "customer_since": st.one_of(malformed_numbers, st.sampled_from(["1000", "99999", "abc", "2999"])).filter(
        lambda value: value.strip() not in ("", "-0", "1_000")
    ),
    "website": st.sampled_from(["https://" + "a" * 250 + ".example", "not a url", "https://a\x01.example"]),
    "contact_email": st.sampled_from(["a" * 250 + "@example.fi", "no-at-sign", "a@b\x00.fi", "²@example.fi"]),
    "contact_phone": st.sampled_from(["1" * 41, "040\x00123", "+358 40 " + "9" * 40]),
    "contact_language": st.sampled_from(["xx", "suomi?", "f\x00i"]),
    "building": st.sampled_from(["Nowhere", "Kosmos\x00"]),
}
XLSX_REFUSES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _run(path, dry_run: bool) -> tuple[str | None, list[str]]:
    """(the command's error or None, the lines it wrote to stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    args = [str(path), *(["--dry-run"] if dry_run else [])]
    try:
        call_command("import_companies", *args, stdout=stdout, stderr=stderr)
    except CommandError as error:
        return str(error), stderr.getvalue().splitlines()
    return None, stderr.getvalue().splitlines()


def _file(tmp_path, rows, fmt: str, line_end: str = "\r\n"):
    path = tmp_path / f"companies.{fmt}"
    if fmt == "xlsx":
        path.write_bytes(xlsx_bytes(rows))
        return path
    text = io.StringIO()
    writer = csv.writer(text, lineterminator=line_end)
    writer.writerow(HEADER)
    writer.writerows([row.get(column) or "" for column in HEADER] for row in rows)
    # A lone surrogate goes out as the broken bytes a broken program writes: the file is then no valid UTF-8.
    path.write_bytes(text.getvalue().encode("utf-8", "surrogatepass"))
    return path


@settings(max_examples=examples(0.5))
@given(
    values=st.fixed_dictionaries(BAD_CELLS),
    row=st.integers(0, 1),
    fmt=st.sampled_from(["csv", "xlsx"]),
    dry_run=st.booleans(),
)
def test_a_bad_cell_is_named_by_its_line_and_column_and_nothing_changes(values, row, fmt, dry_run, tmp_path_factory):
    # Each column's bad cell in a file of its own: one refusal must not hide another column's traceback.
    for column, value in values.items():
        _check_bad_cell(column, value, row, fmt, dry_run, tmp_path_factory)


def _check_bad_cell(column, value, row, fmt, dry_run, tmp_path_factory):
    if fmt == "xlsx" and XLSX_REFUSES.search(value):
        fmt = "csv"  # a workbook cannot hold these; a CSV can
    rows = [dict(SAATO), dict(OPISTO)]
    rows[row][column] = value
    if column == "building":
        rows[row]["premises"] = "K101"
    with rolled_back():
        before = snapshot()
        path = _file(tmp_path_factory.mktemp("import"), rows, fmt)
        error, lines = _run(path, dry_run)
        assert error is not None, f"{column}={value!r} was imported"
        if not lines:  # a NUL makes the whole file no CSV text: one message about the file
            assert error.startswith(str(path) + ": "), f"{column}={value!r}: {error}"
            assert snapshot() == before
            return
        matches = [ROW_ERROR.match(line) for line in lines]
        assert all(matches), lines
        assert (str(row + 2), column) in {(m.group(1), m.group(2)) for m in matches}, lines
        assert snapshot() == before


@given(
    cells=st.fixed_dictionaries({column: st.one_of(st.none(), hostile_values) for column in HEADER}),
    line_end=st.sampled_from(["\r\n", "\n", "\r"]),
    dry_run=st.booleans(),
)
def test_any_cells_are_imported_or_refused_by_line_and_column(cells, line_end, dry_run, tmp_path_factory):
    rows = [dict(SAATO), {**OPISTO, **{k: v for k, v in cells.items() if v is not None}}]
    path = _file(tmp_path_factory.mktemp("import"), rows, "csv", line_end)
    with rolled_back():
        before = snapshot()
        error, lines = _run(path, dry_run)
        if error is None:
            assert not lines
            if dry_run:
                assert snapshot() == before
            return
        assert snapshot() == before
        if lines:
            assert all(ROW_ERROR.match(line) for line in lines), lines
        else:
            assert error.startswith(str(path) + ": "), error


def test_old_mac_line_endings_import_like_any_other(tmp_path):
    path = _file(tmp_path, [SAATO, OPISTO], "csv", "\r")
    error, lines = _run(path, dry_run=False)
    assert (error, lines) == (None, [])


def _broken_workbooks(raw: bytes):
    """Ways a workbook arrives broken: a part missing, a cell reference or a shared string index mangled, cut short."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}

    def rezip(changed: dict[str, bytes | None]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, content in {**parts, **changed}.items():
                if content is not None:
                    archive.writestr(name, content)
        return buffer.getvalue()

    sheet = "xl/worksheets/sheet1.xml"
    return st.one_of(
        st.just(rezip({"xl/sharedStrings.xml": None})),
        st.just(rezip({sheet: re.sub(rb'r="([A-Z]+)2"', rb'r="\1"', parts[sheet])})),
        st.just(rezip({sheet: re.sub(rb'r="([A-Z]+)2"', rb'r="2\1"', parts[sheet])})),
        st.just(rezip({sheet: re.sub(rb"<v>(\d+)</v>", rb"<v>99\1</v>", parts[sheet])})),
        st.just(rezip({sheet: parts[sheet][: len(parts[sheet]) // 2]})),
        st.just(rezip({"xl/styles.xml": b"<not xml"})),
        st.integers(100, len(raw) - 1).map(lambda cut: raw[:cut]),
        st.binary(min_size=1, max_size=200).map(lambda noise: raw[:200] + noise + raw[400:]),
    )


@given(data=st.data(), dry_run=st.booleans())
def test_a_broken_workbook_gets_one_message_and_changes_nothing(data, dry_run, tmp_path_factory):
    broken = data.draw(_broken_workbooks(xlsx_bytes([SAATO, OPISTO])), label="workbook")
    path = tmp_path_factory.mktemp("import") / "companies.xlsx"
    path.write_bytes(broken)
    with rolled_back():
        before = snapshot()
        error, lines = _run(path, dry_run)
        if error is None:
            return  # some damage leaves a readable workbook: then it imports like any other
        assert snapshot() == before
        if error is not None:
            assert all(ROW_ERROR.match(line) for line in lines), lines
            assert lines or error.startswith(str(path) + ": "), error
