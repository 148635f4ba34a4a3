"""Top-level URLs of the portal."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from companies import views as companies_views
from teknokyla.core import twofactor_views
from teknokyla.core import views as core_views

admin.site.site_header = _("Teknologiakylä 3.0 – administration")
admin.site.site_title = _("Teknologiakylä 3.0")
admin.site.index_title = _("Records of the portal")

urlpatterns = [
    path("", companies_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accessibility/", core_views.accessibility, name="accessibility"),
    # Unnamed: no page of the portal, only the icon browsers ask for by this address.
    path("favicon.ico", core_views.favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", twofactor_views.LoginView.as_view(), name="login"),
    path("accounts/two-factor/", twofactor_views.settings_page, name="two_factor"),
    path("accounts/two-factor/verify/", twofactor_views.verify, name="two_factor_verify"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("companies.urls")),
    path("", include("surveys.urls")),
    path("work/", include("workshops.urls")),
    path("reports/", include("reports.urls")),
    path("workforce/", include("workforce.urls")),
    path("", include("privacy.urls")),
    path("", include("search.urls")),
]
