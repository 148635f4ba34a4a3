"""Look for a text in every table of the test database: where does a person's name (or a secret) still live?"""

from django.db import connection


def stored_anywhere(text: str) -> list[str]:
    """The tables of the database where any row's text contains `text`."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT 1 FROM {quoted} AS t WHERE t::text LIKE %s LIMIT 1", [f"%{text}%"])  # noqa: S608
            if cursor.fetchone():
                found.append(table)
    return found
