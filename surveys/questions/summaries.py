"""What a question's results are made of (counts, texts, a number summary), for the question types that fill them.

`surveys.results` reads the answers and asks each question's type to summarise them into a `QuestionResult`.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ..models import Question


@dataclass
class OptionCount:
    """One option of a question and how many picked it."""

    label: str
    count: int
    share: float  # percent of those who answered the question


@dataclass
class TextAnswer:
    text: str
    company: str | None  # None when the reader may not see who wrote it


@dataclass
class NumberSummary:
    count: int
    mean: Decimal
    minimum: Decimal
    maximum: Decimal
    median: Decimal


@dataclass
class QuestionResult:
    question: Question
    kind: str = "texts"  # which block of the results template shows this question (the type's `results_kind`)
    answered: int = 0
    counts: list[OptionCount] = field(default_factory=list)  # choices, yes/no, or the 1–5 of a scale
    other_texts: list[TextAnswer] = field(default_factory=list)
    texts: list[TextAnswer] = field(default_factory=list)
    numbers: NumberSummary | None = None
    mean: Decimal | None = None  # of a scale
    first_date: datetime.date | None = None
    last_date: datetime.date | None = None
    needs: list[Any] = field(default_factory=list)  # a type's own rows: the skill areas of a workforce needs table
    other_total: int = 0  # “other” texts written, of which `other_texts` may show only the first
    text_total: int = 0  # free-text answers written, of which `texts` may show only the first

    @property
    def more_texts(self) -> int:
        return self.text_total - len(self.texts) if self.kind == "texts" else 0

    @property
    def more_other_texts(self) -> int:
        return self.other_total - len(self.other_texts)


# Values as (stored value, times) pairs: each distinct stored value of a question and how many answers hold it.
Values = list[tuple[Any, int]]
# A question's texts as `surveys.results` reads them: {"text" or "other": ([(text, organisation name)], total)}.
Texts = dict[str, tuple[list[tuple[str, str]], int]]


def share(count: int, total: int) -> float:
    return 100 * count / total if total else 0.0


def read_number(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def read_date(value: object) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def text_answers(rows: list[tuple[str, str]], with_names: bool) -> list[TextAnswer]:
    """Texts with their writers for staff (by organisation); bare texts, alphabetically, for everyone else."""
    if with_names:
        return [TextAnswer(text, company) for text, company in sorted(rows, key=lambda r: (r[1].lower(), r[0]))]
    return [TextAnswer(text, None) for text in sorted(text for text, _company in rows)]


def median(numbers: list[tuple[Decimal, int]], count: int) -> Decimal:
    """The median of numbers given as (number, times) pairs, as `statistics.median` gives it for the whole list."""
    middle = sorted(numbers)
    wanted = [(count - 1) // 2, count // 2]  # the one middle position, or the two around the middle
    found, position = [], 0
    for value, times in middle:
        while wanted and wanted[0] < position + times:
            found.append(value)
            wanted.pop(0)
        position += times
    return found[0] if count % 2 else (found[0] + found[1]) / 2
