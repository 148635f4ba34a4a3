"""Template context shared by every page."""

from django.conf import settings

from .access import is_portal_staff, is_portal_viewer


def portal(request):
    user = getattr(request, "user", None)
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "user_is_portal_staff": bool(user) and is_portal_staff(user),
        "user_is_portal_viewer": bool(user) and is_portal_viewer(user),
    }
