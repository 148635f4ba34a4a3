"""Build pages (being written)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


build_list = build_create = build_status = build_retry = build_download = _todo
