"""Signals of the survey, for apps above it that keep copies of its answers (the search index).

A page's answers are written in bulk, which sends no model signals; `answers_written` is sent instead, inside the
transaction of the write, with the ids of the answers the page held before and after it (some may be gone).
"""

from django.dispatch import Signal

answers_written = Signal()  # sender: Answer; answer_ids: set[int]
