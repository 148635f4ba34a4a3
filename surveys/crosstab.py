"""A cross-table of two choice questions over the responses that count: how the answers to one split by the other.

PostgreSQL counts each distinct pair of stored answers (GROUP BY), so one query reads a few hundred rows however
many organisations answered; Python spreads the multiple choices of each pair over their options.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery

from .models import Answer, Question
from .results import ANSWERED, MIN_GROUP, choice_options


@dataclass
class CrossCell:
    count: int
    share: float  # percent of the row's organisations


@dataclass
class CrossRow:
    label: str
    total: int  # organisations with this answer to the rows' question that answered the columns' question
    cells: list[CrossCell] = field(default_factory=list)
    hidden: bool = False  # a group under MIN_GROUP organisations, for a reader who may not see it


@dataclass
class CrossTable:
    rows_question: Question
    columns_question: Question
    columns: list[str]  # the column options' labels
    rows: list[CrossRow]
    total: CrossRow  # every organisation that answered both questions
    answered_both: int = 0

    @property
    def hidden_rows(self) -> int:
        return sum(row.hidden for row in self.rows)


def _picked(value) -> list:
    """The options of a stored choice answer: a list for a multiple choice, the one code of a single choice."""
    if value in (None, "", []):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _options(question: Question, found: set[str]) -> list[tuple[str, str]]:
    """The question's options, then any stored code whose option has since been removed, under the code itself."""
    options = choice_options(question)
    known = {code for code, _label in options}
    return options + [(code, code) for code in sorted(found - known)]


def _small(organisations: int) -> bool:
    """A group that could single an organisation out; nobody at all singles out no one."""
    return 0 < organisations < MIN_GROUP


def _row(label: str, tally: dict[str, int], total: int, columns: list[str], hidden: bool) -> CrossRow:
    if hidden:
        return CrossRow(label, total, [], hidden=True)
    cells = [CrossCell(tally[code], 100 * tally[code] / total if total else 0.0) for code in columns]
    return CrossRow(label, total, cells)


def cross_table(*, responses, rows: Question, columns: Question, hide_small: bool) -> CrossTable:
    """Counts and row percentages of the answers to `columns` among the organisations of each answer to `rows`.

    A row counts the organisations that gave that answer to `rows` and answered `columns` too; its percentages are
    of them (a multiple-choice column question may add up to over 100 %). With `hide_small` (a viewer, the
    report) a row of fewer than MIN_GROUP organisations shows no figures. One query.
    """
    other = Answer.objects.filter(ANSWERED, response=OuterRef("response"), question=columns).values("value")[:1]
    pairs = (
        Answer.objects.filter(ANSWERED, response__in=responses, question=rows)
        .annotate(other=Subquery(other))
        .filter(other__isnull=False)
        .values_list("value", "other")
        .annotate(times=Count("pk"))
        .order_by()
    )
    cells: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    row_totals: defaultdict[str, int] = defaultdict(int)
    column_totals: defaultdict[str, int] = defaultdict(int)
    answered_both = 0
    for row_value, column_value, times in pairs:
        picked_columns = _picked(column_value)
        if not picked_columns:
            continue
        answered_both += times
        for code in picked_columns:
            column_totals[code] += times
        for row_code in _picked(row_value):
            row_totals[row_code] += times
            for code in picked_columns:
                cells[row_code][code] += times
    column_options = _options(columns, set(column_totals))
    column_codes = [code for code, _label in column_options]
    table_rows = [
        _row(label, cells[code], row_totals[code], column_codes, hide_small and _small(row_totals[code]))
        for code, label in _options(rows, set(row_totals))
    ]
    return CrossTable(
        rows_question=rows,
        columns_question=columns,
        columns=[label for _code, label in column_options],
        rows=table_rows,
        total=_row("", column_totals, answered_both, column_codes, hide_small and _small(answered_both)),
        answered_both=answered_both,
    )
