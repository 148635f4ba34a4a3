"""Portal-wide pages: health check, accessibility statement, the favicon. (The front page, which lists the village's
buildings, is the registry's: companies.views.home.)"""

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health


@never_cache
@require_GET
def healthz(request):
    checks = {"database": health.database_ok(), "broker": health.broker_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "ok" if ok else "down" for name, ok in checks.items()})
    body.update({name: state() for name, state in health.REPORTS.items()})
    return JsonResponse(body, status=200 if healthy else 503)


@require_GET
def accessibility(request):
    return render(request, "core/accessibility.html")


@require_GET
def favicon(request):
    """/favicon.ico, which browsers ask for on their own: the project's mark among the static files."""
    return redirect(static("img/favicon.ico"), permanent=True)
