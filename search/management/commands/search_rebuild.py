"""manage.py search_rebuild: write the whole search index again from the records."""

import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from search import indexing
from search.analysis import analyser_loaded
from search.models import Entry


class Command(BaseCommand):
    help = "Rebuild the search index (all kinds, or those named) from the records."

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", choices=[[], *Entry.Kind.values], help="only these kinds")

    def handle(self, *args, kinds, **options):
        if not analyser_loaded():
            self.stderr.write("Voikko is not loaded: the terms are the words as written (reduced mode).")
        started = time.monotonic()
        with transaction.atomic():
            counts = indexing.rebuild(kinds or None)
        if connection.in_atomic_block:  # called inside a transaction (a test): VACUUM cannot run there
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Entry._meta.db_table}")
        else:
            indexing.tidy()
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count}")
        self.stdout.write(f"Rebuilt in {time.monotonic() - started:.1f} s.")
