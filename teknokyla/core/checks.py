"""Deployment checks of the portal's own settings (run by `manage.py check --deploy`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}  # noqa: S104 -- names that are refused, not bound


@register(Tags.security, deploy=True)
def site_url_is_public(app_configs=None, **kwargs):
    """Invitation links in mail are built from SITE_URL: in production they must lead to the portal over HTTPS."""
    if settings.DEBUG:
        return []
    address = urlsplit(settings.SITE_URL)
    if address.scheme != "https" or (address.hostname or "") in LOCAL_HOSTS:
        return [
            Error(
                f"SITE_URL is {settings.SITE_URL!r}: the invitation links mailed to companies would not reach the "
                "portal.",
                hint="Set SITE_URL to the portal's public https:// address, e.g. https://teknokyla.example.fi.",
                id="core.E001",
            )
        ]
    return []
