"""The search itself: a query analysed like the texts, matched against the index, ranked, and shown with snippets.

Each query word must match (AND). A word Voikko knows matches its base forms, exactly, wherever they stand (as a
word or as a compound part); a compound in the query also matches its parts together. A word Voikko does not know
(a name, a code, a Swedish or English word) matches as a prefix. The Swedish and English vectors are searched with
PostgreSQL's own configurations beside the Finnish terms.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .analysis import WORD, analyser_loaded, word_terms, words
from .models import Entry

PER_PAGE = 20
SNIPPET_CHARS = 240
SNIPPET_LEAD = 70
# Ranking weights of ts_rank, in its order {D, C, B, A}: base forms in a title (A) and a text (B) above compound
# parts in a title (C) and a text (D).
WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
# Only this many words from the start of a long text (an attachment) are looked at for a snippet.
SNIPPET_SCAN_WORDS = 20_000


def _quote(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass
class Query:
    """A user's query, analysed: the tsquery of the Voikko terms, and what snippets highlight."""

    text: str
    tsquery: str
    exact: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    reduced: bool = False

    def matches(self, word: str) -> bool:
        """True when a word of a text matched this query (through its base form, a part, or as a prefix)."""
        lowered = word.lower()
        if any(lowered.startswith(prefix) for prefix in self.prefixes):
            return True
        if not self.exact:
            return False
        terms = word_terms(word)
        return bool(self.exact & terms.all) or any(
            form.startswith(prefix) for form in terms.forms for prefix in self.prefixes
        )

    def may_match(self, lowered: str) -> bool:
        """A cheap first look (before Voikko): the word holds the first two letters of a term or a prefix."""
        return any(needle in lowered for needle in self._needles)

    @property
    def _needles(self) -> set[str]:
        if not hasattr(self, "_needle_cache"):
            self._needle_cache = {term[:2] for term in self.exact | self.prefixes}
        return self._needle_cache


def _stem(word: str) -> str:
    """A prefix for highlighting what PostgreSQL's stemmers matched (reduced mode, Swedish, English)."""
    lowered = word.lower()
    return lowered if len(lowered) <= 4 else lowered[: max(4, len(lowered) - 2)]


def parse(text: str) -> Query | None:
    """The query as a tsquery of Voikko terms ('simple' configuration); None when it has no words."""
    found = words(text)
    if not found:
        return None
    if not analyser_loaded():
        return Query(text=text, tsquery="", prefixes={_stem(word) for word in found}, reduced=True)
    clauses: list[str] = []
    exact: set[str] = set()
    prefixes: set[str] = set()
    for word in found:
        terms = word_terms(word)
        if not terms.known:
            # Highlighting is a little wider than the match: Swedish and English stemmers may have matched too.
            prefixes.add(_stem(terms.forms[0]))
            clauses.append(f"{_quote(terms.forms[0])}:*")
            continue
        alternatives = [_quote(form) for form in terms.forms]
        exact.update(terms.forms)
        if terms.parts:
            # A compound also finds its parts written apart ("laboratorion testaus" for "testauslaboratorio").
            alternatives.append("(" + " & ".join(_quote(part) for part in terms.parts) + ")")
            exact.update(terms.parts)
        clauses.append("(" + " | ".join(alternatives) + ")")
    return Query(text=text, tsquery=" & ".join(clauses), exact=exact, prefixes=prefixes)


@dataclass
class Filters:
    kinds: list[str] = field(default_factory=list)
    theme_id: int | None = None
    building_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@dataclass
class Hit:
    kind: str
    title: SafeString
    url: str
    detail: str
    date: datetime.date | None
    snippet: SafeString


@dataclass
class Results:
    query: Query
    counts: dict[str, int]
    hits: list[Hit]
    total: int
    page: int
    pages: int


def _conditions(query: Query, filters: Filters, *, staff: bool) -> tuple[str, list, str, list]:
    """(WHERE clause, its parameters, rank expression, its parameters) without the kind filter."""
    if query.reduced:
        match = (
            "(finnish @@ websearch_to_tsquery('finnish', %s) OR swedish @@ websearch_to_tsquery('swedish', %s)"
            " OR english @@ websearch_to_tsquery('english', %s))"
        )
        params: list[object] = [query.text] * 3
        rank = (
            f"ts_rank('{WEIGHTS}', finnish, websearch_to_tsquery('finnish', %s))"
            " + 0.5 * ts_rank(swedish, websearch_to_tsquery('swedish', %s))"
            " + 0.5 * ts_rank(english, websearch_to_tsquery('english', %s))"
        )
        rank_params = [query.text] * 3
    else:
        match = (
            "(terms @@ to_tsquery('simple', %s) OR swedish @@ websearch_to_tsquery('swedish', %s)"
            " OR english @@ websearch_to_tsquery('english', %s))"
        )
        params = [query.tsquery, query.text, query.text]
        rank = (
            f"ts_rank('{WEIGHTS}', terms, to_tsquery('simple', %s))"
            " + 0.5 * ts_rank(swedish, websearch_to_tsquery('swedish', %s))"
            " + 0.5 * ts_rank(english, websearch_to_tsquery('english', %s))"
        )
        rank_params = [query.tsquery, query.text, query.text]
    where = [match]
    if not staff:
        where.append("NOT staff_only")
    if filters.theme_id:
        where.append("theme_ids @> ARRAY[%s]::integer[]")
        params.append(filters.theme_id)
    if filters.building_id:
        where.append("building_ids @> ARRAY[%s]::integer[]")
        params.append(filters.building_id)
    if filters.date_from:
        where.append("date >= %s")
        params.append(filters.date_from)
    if filters.date_to:
        where.append("date <= %s")
        params.append(filters.date_to)
    return " AND ".join(where), params, rank, rank_params


def _fetch(query: Query, filters: Filters, kinds: list[str], *, staff: bool, page: int) -> tuple[dict, list]:
    """({kind: hits}, the page's rows) in one statement: the matches are found and ranked once for both."""
    where, params, rank, rank_params = _conditions(query, filters, staff=staff)
    table = Entry._meta.db_table
    # Only constants and the conditions' placeholders are formatted in; every value is a parameter.
    sql = f"""
        WITH hits AS MATERIALIZED (
            SELECT id, kind, date, {rank} AS rank FROM {table} WHERE {where}
        ), page AS (
            SELECT id, rank FROM hits WHERE kind = ANY(%s)
            ORDER BY rank DESC, date DESC NULLS LAST, id DESC LIMIT %s OFFSET %s
        )
        SELECT kind, count(*), NULL::bigint, NULL, NULL, NULL, NULL::date, NULL, NULL::real FROM hits GROUP BY kind
        UNION ALL
        SELECT e.kind, NULL, e.id, e.title, e.url, e.detail, e.date, e.body, p.rank
        FROM page p JOIN {table} e ON e.id = p.id
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*rank_params, *params, kinds, PER_PAGE, (page - 1) * PER_PAGE])
        rows = cursor.fetchall()
    counts = {row[0]: row[1] for row in rows if row[1] is not None}
    # (kind, id, title, url, detail, date, body, rank), in the order of the ranking (UNION ALL keeps none).
    hits = [(row[0], *row[2:]) for row in rows if row[1] is None]
    hits.sort(key=lambda hit: (-hit[7], -(hit[5].toordinal() if hit[5] else 0), -hit[1]))
    return counts, hits


def search(text: str, filters: Filters | None = None, *, staff: bool, page: int = 1) -> Results | None:
    """One page of hits, best first, and the hits per kind: one query whatever the number of hits."""
    query = parse(text)
    if query is None:
        return None
    filters = filters or Filters()
    kinds = [kind for kind in filters.kinds if kind in Entry.Kind.values] or list(Entry.Kind.values)
    page = max(1, page)
    counts, rows = _fetch(query, filters, kinds, staff=staff, page=page)
    total = sum(counts.get(kind, 0) for kind in kinds)
    pages = max(1, -(-total // PER_PAGE))
    if page > pages:  # a page beyond the last (an old link): the last one, with one more query
        page = pages
        counts, rows = _fetch(query, filters, kinds, staff=staff, page=page)
    hits = [
        Hit(kind=kind, title=highlight(title, query), url=url, detail=detail, date=date, snippet=snippet(body, query))
        for kind, _id, title, url, detail, date, body, _rank in rows
    ]
    ordered = {kind: counts[kind] for kind in Entry.Kind.values if counts.get(kind)}
    return Results(query=query, counts=ordered, hits=hits, total=total, page=page, pages=pages)


def _marked(text: str, query: Query) -> list[tuple[int, int]]:
    spans = []
    for count, match in enumerate(WORD.finditer(text)):
        if count >= SNIPPET_SCAN_WORDS:
            break
        word = match.group()
        if query.may_match(word.lower()) and query.matches(word):
            spans.append(match.span())
    return spans


def _render(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    end = len(text) if end is None else end
    html: list[str] = []
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        html.append(escape(text[position:span_start]))
        html.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    html.append(escape(text[position:end]))
    return "".join(html)


def highlight(text: str, query: Query) -> SafeString:
    """A short text (a title) escaped, with the words that matched the query in <mark>."""
    return mark_safe(_render(text, _marked(text, query)))  # noqa: S308 - every piece of the text is escaped


def snippet(body: str, query: Query) -> SafeString:
    """A stretch of the plain text around its first match, escaped, with the matching words in <mark>."""
    spans = _marked(body, query)
    start = 0
    if spans and spans[0][0] > SNIPPET_LEAD:
        start = body.rfind(" ", 0, spans[0][0] - SNIPPET_LEAD) + 1
    end = min(len(body), start + SNIPPET_CHARS)
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > start else end
    html = _render(body, spans, start, end)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(body) else ""
    return mark_safe(prefix + html + suffix)  # noqa: S308 - every piece of the text is escaped
