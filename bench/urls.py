"""The portal's URLs plus the floor view, mounted only in the benchmark's settings."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/floor", views.floor, name="bench-floor"),
    path("", include("teknokyla.urls")),
]
