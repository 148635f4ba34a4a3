"""Interview and workshop pages (being written)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


interview_list = interview_create = interview_detail = interview_edit = _todo
workshop_list = workshop_create = workshop_detail = workshop_edit = _todo
attachment_upload = attachment_download = _todo
