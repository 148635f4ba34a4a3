"""The floor: the cheapest page Django can serve through the portal's own middleware."""

from django.http import HttpResponse


def floor(request):
    return HttpResponse(b"ok\n", content_type="text/plain")
