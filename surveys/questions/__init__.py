"""Question types, one class each: how a question is asked, stored, shown, summarised and exported.

Ask `question_type(question)` instead of branching on `Question.Type`. The survey's own types are in `builtin`;
an app above surveys registers its own from its `AppConfig.ready()` (docs/architecture.md).
"""

from . import builtin  # noqa: F401 - registers the survey's own types
from .base import (
    ExportColumn,
    ExportSheet,
    QuestionType,
    UnknownQuestionType,
    lookups,
    question_type,
    register,
    registered,
    response_submitted,
)

__all__ = [
    "ExportColumn",
    "ExportSheet",
    "QuestionType",
    "UnknownQuestionType",
    "lookups",
    "question_type",
    "register",
    "registered",
    "response_submitted",
]
