from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = _("Workforce")

    def ready(self) -> None:
        from . import question  # noqa: F401 - registers the workforce needs table as a survey question type
