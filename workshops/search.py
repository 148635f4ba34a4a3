"""Finnish full-text search over interview notes, workshops, findings and measures, with highlighted snippets."""

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from .models import SEARCH_CONFIG, Finding, Interview, Measure, Workshop

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Headline(TypedDict):
    """What _search annotates a record with for its hit."""

    headline: str


# Private-use characters: no user types them by accident, and escaping leaves them as they are.
MARK_START, MARK_STOP = "\ue000", "\ue001"
RESULTS_PER_KIND = 20
# With quotes, "or" or "-word" the user asked for exact web-search semantics; widening would undo them.
WEBSEARCH_OPERATORS = re.compile(r'"|(?:^|\s)-\S|(?:^|\s)or(?:\s|$)', re.IGNORECASE)
PLAIN_LEXEME = re.compile(r"[\w-]+")


# The vectors repeat the GIN index expressions of models.py exactly, so PostgreSQL can use the indexes.
def _interview_vector() -> SearchVector:
    return SearchVector("notes", config=SEARCH_CONFIG)


def _workshop_vector() -> SearchVector:
    return SearchVector("title", "purpose", "notes", "outcomes", config=SEARCH_CONFIG)


def _finding_vector() -> SearchVector:
    return SearchVector("text", config=SEARCH_CONFIG)


def _measure_vector() -> SearchVector:
    return SearchVector("title", "description", "indicator", config=SEARCH_CONFIG)


def _stem_prefix(lexeme: str) -> str:
    """A prefix term that also covers the word's other Finnish stems (talous/taloud-/talout-)."""
    if len(lexeme) <= 3:
        return f"'{lexeme}'"
    keep = len(lexeme) if len(lexeme) <= 5 else max(5, len(lexeme) - 2)
    return f"'{lexeme[:keep]}':*"


def _lexemes(text: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(to_tsvector(%s::regconfig, %s))", [SEARCH_CONFIG, text])
        (lexemes,) = cursor.fetchone()
    return lexemes or []


def finnish_query(q: str) -> SearchQuery | None:
    """The user's words as a Finnish web-search query, widened to the other inflected forms of each word.

    PostgreSQL's Finnish stemmer does not undo consonant gradation: `kiertotalous` stems to
    `kiertotalous` but `kiertotaloudessa` to `kiertotaloud`. Each stem therefore also matches as a
    prefix with its last letters cut off. None for an empty query.
    """
    q = (q or "").strip()
    if not q:
        return None
    query = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
    if WEBSEARCH_OPERATORS.search(q):
        return query
    terms = [_stem_prefix(lexeme) for lexeme in _lexemes(q) if PLAIN_LEXEME.fullmatch(lexeme)]
    if terms:
        # The stems are already normalised: the "simple" configuration leaves them as they are.
        query = query | SearchQuery(" & ".join(terms), config="simple", search_type="raw")
    return query


def _search(queryset: QuerySet, vector: SearchVector, document, q) -> QuerySet:
    # A prepared query (from search_all) saves looking the stems up once per kind.
    query = finnish_query(q) if isinstance(q, str) else q
    if query is None:
        return queryset.none()
    headline = SearchHeadline(
        document,
        query,
        config=SEARCH_CONFIG,
        start_sel=MARK_START,
        stop_sel=MARK_STOP,
        max_words=35,
        min_words=12,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    return (
        queryset.annotate(search=vector, rank=SearchRank(vector, query), headline=headline)
        .filter(search=query)
        .order_by("-rank", "-pk")
    )


def search_interviews(q: str | SearchQuery, *, queryset: QuerySet | None = None) -> QuerySet:
    """Interviews whose notes match, best first, annotated with `rank` and `headline`."""
    queryset = Interview.objects.all() if queryset is None else queryset
    return _search(queryset, _interview_vector(), F("notes"), q)


def search_workshops(q: str | SearchQuery, *, queryset: QuerySet | None = None) -> QuerySet:
    """Workshops whose title, purpose, notes or outcomes match, best first, with `rank` and `headline`."""
    queryset = Workshop.objects.all() if queryset is None else queryset
    document = Concat("purpose", Value("\n"), "notes", Value("\n"), "outcomes", output_field=TextField())
    return _search(queryset, _workshop_vector(), document, q)


def search_findings(q: str | SearchQuery, *, queryset: QuerySet | None = None) -> QuerySet:
    """Findings whose text matches, best first, annotated with `rank` and `headline`."""
    queryset = Finding.objects.all() if queryset is None else queryset
    return _search(queryset, _finding_vector(), F("text"), q)


def search_measures(q: str | SearchQuery, *, queryset: QuerySet | None = None) -> QuerySet:
    """Measures whose title, description or indicator match, best first, with `rank` and `headline`."""
    queryset = Measure.objects.all() if queryset is None else queryset
    document = Concat("description", Value("\n"), "indicator", output_field=TextField())
    return _search(queryset, _measure_vector(), document, q)


# Markdown's marks, which a snippet shows as plain text: headings, quotes and list bullets at the start of a line,
# emphasis and code marks around words, and a link's address (its text stays).
MARKDOWN_LINE_START = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d+[.)][ \t]+)", re.MULTILINE)
MARKDOWN_EMPHASIS = re.compile(r"\*\*|__|~~|`+|\*(?=\S)|(?<=\S)\*")
MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def plain_text(markdown: str) -> str:
    """A Markdown snippet as the words a reader sees, on one line."""
    text = MARKDOWN_LINK.sub(r"\1", markdown)
    text = MARKDOWN_LINE_START.sub("", text)
    text = MARKDOWN_EMPHASIS.sub("", text)
    text = re.sub(r"(?<!\w)_(\S[^_]*\S|\S)_(?!\w)", r"\1", text)
    return " ".join(text.split())


def highlight(headline: str) -> SafeString:
    """A headline as plain text (no Markdown marks), escaped, with its start and stop markers as <mark> elements."""
    html: str = escape(plain_text(headline or ""))
    html = re.sub(f"{MARK_START}(.*?){MARK_STOP}", r"<mark>\1</mark>", html, flags=re.DOTALL)
    # A marker character typed into a note would otherwise leave a lone tag behind.
    return mark_safe(html.replace(MARK_START, "").replace(MARK_STOP, ""))  # noqa: S308 - escaped just above


@dataclass
class SearchHit:
    title: str
    url: str
    snippet: SafeString
    detail: str = ""


@dataclass
class ResultGroup:
    kind: str
    label: str
    hits: list[SearchHit] = field(default_factory=list)
    more: bool = False  # True when more than RESULTS_PER_KIND matched


def _group(kind: str, label, queryset: QuerySet, to_hit) -> ResultGroup:
    rows = list(queryset[: RESULTS_PER_KIND + 1])
    return ResultGroup(
        kind=kind, label=label, hits=[to_hit(row) for row in rows[:RESULTS_PER_KIND]], more=len(rows) > RESULTS_PER_KIND
    )


def _interview_hit(interview: "WithAnnotations[Interview, _Headline]") -> SearchHit:
    names = ", ".join(company.name for company in interview.companies.all())
    title = f"{interview} – {names}" if names else str(interview)
    return SearchHit(title=title, url=interview.get_absolute_url(), snippet=highlight(interview.headline))


def _workshop_hit(workshop: "WithAnnotations[Workshop, _Headline]") -> SearchHit:
    return SearchHit(
        title=workshop.title,
        url=workshop.get_absolute_url(),
        snippet=highlight(workshop.headline),
        detail=timezone.localdate(workshop.held_at).isoformat(),
    )


def _finding_hit(finding: "WithAnnotations[Finding, _Headline]") -> SearchHit:
    return SearchHit(
        title=str(finding),
        url=finding.get_absolute_url(),
        snippet=highlight(finding.headline),
        detail=str(finding.get_kind_display()),
    )


def _measure_hit(measure: "WithAnnotations[Measure, _Headline]") -> SearchHit:
    return SearchHit(
        title=measure.title,
        url=measure.get_absolute_url(),
        snippet=highlight(measure.headline),
        detail=str(measure.get_status_display()),
    )


def search_all(q: str) -> list[ResultGroup]:
    """Every kind searched with one Finnish query; a group per kind (interviews, workshops, findings, measures)."""
    query = finnish_query(q)
    if query is None:
        return []
    return [
        _group(
            "interviews",
            _("Interviews"),
            search_interviews(query).prefetch_related("companies"),
            _interview_hit,
        ),
        _group("workshops", _("Workshops"), search_workshops(query), _workshop_hit),
        _group("findings", _("Findings"), search_findings(query), _finding_hit),
        _group("measures", _("Measures"), search_measures(query), _measure_hit),
    ]
