"""Plan pages (being written)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


plan_list = plan_detail = plan_edit = markdown_preview = report_preview = _todo
