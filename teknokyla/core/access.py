"""Who may see what: the one place that decides access to staff pages."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from . import twofactor
from .groups import STAFF_GROUP, VIEWER_GROUP


def _group_names(user) -> set[str]:
    # Cached on the user object so one request asks the database once.
    if not hasattr(user, "_portal_groups"):
        user._portal_groups = set(user.groups.values_list("name", flat=True))
    return user._portal_groups


def is_portal_staff(user) -> bool:
    """True for Digipolis staff (and superusers): they may change records."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or STAFF_GROUP in _group_names(user)


def is_portal_viewer(user) -> bool:
    """True for anyone who may read the staff pages (staff and viewers)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return is_portal_staff(user) or VIEWER_GROUP in _group_names(user)


def _requires(check, *, set_up_page: bool = False):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            # The password alone opens no staff page for a user who turned two-factor authentication on.
            step = twofactor.pending_step(request)
            if step == "verify" or (step == "set_up" and not set_up_page):
                return redirect(twofactor.step_redirect_url(request, step))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


viewer_required = _requires(is_portal_viewer)
viewer_required.__doc__ = "Staff pages that viewers may read: login first, then group membership."
staff_required = _requires(is_portal_staff)
staff_required.__doc__ = "Staff pages that change records: only Digipolis staff."
two_factor_set_up_required = _requires(is_portal_viewer, set_up_page=True)
two_factor_set_up_required.__doc__ = "The two-factor set-up page: open to staff and viewers who have not set it up yet."
