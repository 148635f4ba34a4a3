"""Answering pages (being written)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


open_link = start = page = summary = submit = thanks = _todo
