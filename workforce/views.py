"""Workforce pages (being written)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


matching = matching_export = need_list = need_create = need_detail = need_edit = _todo
programme_list = programme_create = programme_detail = programme_edit = _todo
