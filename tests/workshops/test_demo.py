"""The demo interviews, workshops, attachments, findings and measures: complete, valid, private and loaded once."""

import datetime
import io
import re
import struct
import zlib

import filetype
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from companies import demo as companies_demo
from companies.models import Company
from surveys import demo as surveys_demo
from workshops import demo
from workshops.markdown import render_markdown
from workshops.models import (
    Attachment,
    Finding,
    Interview,
    Measure,
    MeasureStatusChange,
    Participation,
    Theme,
    Workshop,
)

pytestmark = pytest.mark.django_db

PROJECT_START = datetime.date(2022, 6, 1)
PROJECT_END = datetime.date(2024, 5, 31)


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = settings.MEDIA_ROOT = settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def printed(private_root):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _counts() -> list[int]:
    models = (Interview, Workshop, Participation, Attachment, Finding, Measure, MeasureStatusChange)
    throughs = [
        field.remote_field.through
        for model in (Interview, Workshop, Finding, Measure)
        for field in model._meta.many_to_many
    ]
    return [model.objects.count() for model in (*models, *throughs)]


def _files(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file() and path.name != "demo-logins.json")


def test_load_demo_prints_the_counts_and_a_second_run_changes_nothing(printed, private_root):
    assert "Demo workshops: 5 interviews, 2 workshops, 20 findings, 8 measures, 3 attachments." in printed
    assert "Demo survey: " in printed and "Demo login: staff / " in printed
    first, files = _counts(), _files(private_root)

    out = io.StringIO()
    call_command("load_demo", stdout=out)

    assert _counts() == first
    assert _files(private_root) == files
    assert "Demo workshops: 5 interviews, 2 workshops, 20 findings, 8 measures, 3 attachments." in out.getvalue()


def test_demo_interviews_are_with_demo_companies_in_the_village_during_the_project(printed):
    staff = get_user_model().objects.get(username="staff")
    first_demo_companies = list(
        Company.objects.filter(name__endswith="(demo)").exclude(business_id="").order_by("business_id")[:8]
    )
    interviews = list(Interview.objects.prefetch_related("companies", "contacts", "interviewers", "themes"))
    assert len(interviews) == 5
    for interview in interviews:
        held = interview.held_at.date()
        assert PROJECT_START <= held <= PROJECT_END
        assert held.month in (2, 3, 4, 5, 9, 10, 11)  # spring or autumn
        companies = list(interview.companies.all())
        assert companies and set(companies) <= set(first_demo_companies)
        assert {contact.company for contact in interview.contacts.all()} == set(companies)
        assert list(interview.interviewers.all()) == [staff]
        assert interview.building is not None and interview.room
        assert interview.themes.exists()
        assert "<h2>" in render_markdown(interview.notes) or "<ul>" in render_markdown(interview.notes)
    assert {theme.slug for i in interviews for theme in i.themes.all()} >= {
        "premises",
        "growth-and-development",
        "circular-economy",
        "digitalisation",
        "workforce-and-skills",
        "cooperation-with-schools",
    }


def test_demo_workshops_invite_companies_and_schools_and_record_attendance(printed):
    workshops = {workshop.title: workshop for workshop in Workshop.objects.all()}
    assert set(workshops) == {
        "Kiertotalouden mahdollisuudet teknologiakylässä",
        "Osaava työvoima – yritykset ja oppilaitokset yhdessä",
    }
    for workshop in workshops.values():
        assert PROJECT_START <= workshop.held_at.date() <= PROJECT_END
        invited = set(workshop.invited_companies.all())
        kinds = {company.kind for company in invited}
        assert {Company.Kind.COMPANY, Company.Kind.EDUCATION} <= kinds
        participations = list(workshop.participations.select_related("contact__company"))
        assert {p.contact.company for p in participations} <= invited
        attended = [p for p in participations if p.attended]
        assert 0 < len(attended) < len(participations)
        assert workshop.notes and workshop.outcomes and workshop.purpose
        assert workshop.facilitators.filter(username="staff").exists()
    schools = workshops["Osaava työvoima – yritykset ja oppilaitokset yhdessä"].invited_companies
    assert schools.filter(name="Lapin ammattikorkeakoulu, Kemin kampus").exists()
    assert schools.filter(name__startswith="Lappia").count() == 3


def _png_pixels(data: bytes) -> bytes:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    position, idat, size = 8, b"", None
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    width, height = size
    pixels = zlib.decompress(idat)
    assert len(pixels) == height * (1 + 3 * width)
    return pixels


def _check_pdf(data: bytes) -> None:
    assert data.startswith(b"%PDF-1.") and data.rstrip().endswith(b"%%EOF")
    xref = int(re.search(rb"startxref\s+(\d+)", data).group(1))
    assert data[xref:].startswith(b"xref")
    table = data[xref:].split(b"trailer")[0].split(b"\n")[3:]
    for number, row in enumerate(filter(None, table), start=1):
        offset = int(row[:10])
        assert data[offset:].startswith(f"{number} 0 obj".encode()), number


def test_demo_attachments_are_real_files_stored_privately(printed, private_root):
    attachments = list(Attachment.objects.select_related("workshop"))
    assert len(attachments) == 3
    assert {a.content_type for a in attachments} == {"image/png", "application/pdf"}
    for attachment in attachments:
        path = private_root / attachment.file.name
        assert path.is_file() and path.resolve().is_relative_to(private_root.resolve())
        data = path.read_bytes()
        assert len(data) == attachment.size
        assert filetype.guess(data).mime == attachment.content_type
        assert attachment.original_name not in attachment.file.name  # the server chose the stored name
        assert attachment.workshop is not None and attachment.description
        if attachment.content_type == "image/png":
            _png_pixels(data)
        else:
            _check_pdf(data)


def test_demo_findings_cover_every_kind_and_theme_and_each_has_a_theme_and_a_source(printed):
    findings = list(Finding.objects.prefetch_related("themes", "interviews", "workshops", "questions", "companies"))
    assert len(findings) == 20
    assert {finding.kind for finding in findings} == set(Finding.Kind.values)
    assert {theme.slug for f in findings for theme in f.themes.all()} == set(
        Theme.objects.values_list("slug", flat=True)
    )
    for finding in findings:
        finding.full_clean()
        assert finding.themes.all(), finding
        assert finding.interviews.all() or finding.workshops.all() or finding.questions.all(), finding
        assert finding.created_by.username == "staff"
    with_questions = [f for f in findings if f.questions.all()]
    assert len(with_questions) >= 10
    assert {q.section.survey.slug for f in with_questions for q in f.questions.all()} == {surveys_demo.SLUG}
    assert sum(1 for f in findings if f.companies.all()) >= 15
    assert sum(1 for f in findings if f.interviews.all()) >= 15 and sum(1 for f in findings if f.workshops.all()) >= 5


def test_demo_measures_answer_findings_with_timing_indicators_and_a_dated_history(printed):
    measures = list(Measure.objects.prefetch_related("findings", "partners", "status_changes", "themes"))
    assert len(measures) == 8
    for measure in measures:
        measure.full_clean()
        assert measure.findings.all(), measure
        assert measure.themes.all(), measure
        assert "2023-Q1" <= measure.start_quarter <= measure.end_quarter <= "2026-Q4"
        assert measure.responsible_label
        assert measure.indicator and measure.indicator_baseline < measure.indicator_target
        steps = sorted(measure.status_changes.all(), key=lambda s: (s.changed_on, s.pk))
        assert steps and steps[0].status == Measure.Status.PROPOSED
        assert steps[-1].status == measure.status
        assert [s.changed_on for s in steps] == sorted({s.changed_on for s in steps})
    assert {m.status for m in measures} == set(Measure.Status.values)
    assert sum(1 for m in measures if m.estimated_cost is not None and m.funding_source) >= 5
    assert {"Lapin liitto", "EAKR", "oma rahoitus"} <= {
        part.strip() for m in measures for part in m.funding_source.split(",") if part.strip()
    }
    lab = Measure.objects.get(indicator="yrityksiä yhteiskäyttölaboratoriossa")
    assert (lab.indicator_baseline, lab.indicator_target) == (4, 12)
    assert Measure.objects.filter(responsible_user__username="staff").exists()
    assert Measure.objects.filter(responsible_organisation__kind=Company.Kind.EDUCATION).exists()
    # Some findings stay unanswered, so the board has something to flag.
    assert Finding.objects.filter(measures__isnull=True).exists()


def test_without_the_survey_and_the_demo_users_the_demo_still_loads(private_root):
    companies_demo.load_registry()
    counts = demo.load_workshops()
    assert counts == {"interviews": 5, "workshops": 2, "findings": 20, "measures": 8, "attachments": 3}
    assert not Finding.objects.filter(questions__isnull=False).exists()
    for finding in Finding.objects.prefetch_related("interviews", "workshops"):
        assert finding.interviews.all() or finding.workshops.all(), finding
    assert not Interview.objects.filter(interviewers__isnull=False).exists()
    # Measures meant for the staff member fall to Digipolis.
    assert not Measure.objects.filter(responsible_user__isnull=False).exists()
    assert not Measure.objects.filter(responsible_organisation__isnull=True).exists()


def test_status_steps_after_now_are_left_out(private_root):
    companies_demo.load_registry()
    demo.load_workshops(now=datetime.datetime(2023, 10, 1, 12, tzinfo=demo.HELSINKI))
    side_streams = Measure.objects.get(title="Sivuvirtakartta ja kiertotalousverkosto")
    assert side_streams.status == Measure.Status.IN_PROGRESS
    assert side_streams.status_changes.count() == 3
    test_bed = Measure.objects.get(title="Teollisuuden digitalisaation testiympäristö")
    assert test_bed.status == Measure.Status.PROPOSED
    assert not test_bed.status_changes.exists()


def test_a_second_load_keeps_staff_edits_and_adds_back_only_what_is_missing(private_root):
    companies_demo.load_registry()
    demo.load_workshops()
    finding = Finding.objects.get(kind=Finding.Kind.THREAT, importance=1)
    Finding.objects.filter(pk=finding.pk).update(importance=3)
    Measure.objects.filter(title="Joukkoliikenteen lisävuorot teknologiakylään").delete()
    workshop = Workshop.objects.get(title__startswith="Kiertotalouden")
    workshop.attachments.filter(content_type="image/png").delete()

    counts = demo.load_workshops()

    assert counts == {"interviews": 5, "workshops": 2, "findings": 20, "measures": 8, "attachments": 3}
    finding.refresh_from_db()
    assert finding.importance == 3
    assert workshop.attachments.filter(content_type="image/png").count() == 1


def test_the_demo_files_are_valid_by_themselves():
    pixels = _png_pixels(demo.demo_png(20, 10))
    assert len(pixels) == 10 * (1 + 3 * 20)
    pdf = demo.demo_pdf(("Äänekäs (sulut) \\ ja – viiva",))
    _check_pdf(pdf)
    assert "Äänekäs".encode("cp1252") in pdf and rb"\(sulut\)" in pdf
