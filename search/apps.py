from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from teknokyla.core import health

        from . import signals
        from .analysis import analyser_loaded

        signals.connect()
        # Without Voikko the portal still works (the search in its reduced mode): reported, not a failure.
        health.report("search_analyser", lambda: "loaded" if analyser_loaded() else "missing")
