"""The Teknologiakylä 3.0 portal: project package (settings, URLs, Celery, WSGI)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
