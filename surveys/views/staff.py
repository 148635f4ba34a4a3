"""Staff pages of the survey (being written)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


survey_list = dashboard = results = export = remind = _todo
