"""Index updates that the services of other apps call where they write in bulk (which sends no signals)."""

from collections.abc import Iterable

from django.db import connection

from . import indexing
from .models import Entry


def answers_index(*, ids: Iterable[int]) -> None:
    """Bring these survey answers' entries up to date; answers deleted or emptied leave the index."""
    indexing.index(Entry.Kind.ANSWERS, ids)


def entries_matching(*, pattern: str) -> list[tuple[str, int]]:
    """(kind, record id) of the entries whose title or text match a PostgreSQL regular expression."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT kind, object_id FROM {Entry._meta.db_table} WHERE title ~* %s OR body ~* %s",  # noqa: S608
            [pattern, pattern],
        )
        return cursor.fetchall()


def entries_refresh(*, keys: Iterable[tuple[str, int]]) -> None:
    """Write these entries again from their records (after texts were changed in bulk)."""
    by_kind: dict[str, set[int]] = {}
    for kind, object_id in keys:
        by_kind.setdefault(kind, set()).add(object_id)
    for kind, ids in by_kind.items():
        indexing.index(kind, ids)
