"""The portal's admin site: Django's, with the second login step of two-factor authentication in front of it."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.shortcuts import redirect
from django.urls import reverse


class PortalAdminSite(admin.AdminSite):
    """A user who turned two-factor authentication on enters the admin only after the code, as on the staff pages."""

    def has_permission(self, request):
        from . import twofactor

        return super().has_permission(request) and twofactor.pending_step(request) is None

    def login(self, request, extra_context=None):
        from . import twofactor

        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff:
            step = twofactor.pending_step(request)
            if step is not None:
                target = twofactor.safe_next(request, reverse("admin:index", current_app=self.name))
                return redirect(twofactor.step_redirect_url(request, step, next_url=target))
        return super().login(request, extra_context)


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with PortalAdminSite as `admin.site` (listed in INSTALLED_APPS in its place)."""

    default_site = "teknokyla.core.admin_site.PortalAdminSite"

    def ready(self):
        from .inputs import install_admin_guards, install_form_guards

        # Before the admin imports every app's admin.py (and with it their forms): each form field made from then on
        # refuses control characters and years out of range. This app is the first in INSTALLED_APPS to import forms.
        install_form_guards()
        install_admin_guards()
        super().ready()
        from . import twofactor  # noqa: F401  (connects the login signal that notes a user's authenticator)
