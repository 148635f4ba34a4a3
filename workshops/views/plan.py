"""Findings, measures, board and search pages (being written)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


finding_list = finding_create = finding_detail = finding_edit = board = _todo
measure_list = measure_create = measure_detail = measure_edit = search = _todo
