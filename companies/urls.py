from django.urls import path

from . import views

app_name = "companies"

urlpatterns = [
    path("companies/", views.directory, name="directory"),
    path("companies/import/", views.import_companies, name="import"),
    path("companies/<int:pk>/", views.detail, name="detail"),
    path("buildings/", views.buildings, name="buildings"),
    path("buildings/<slug:slug>/", views.building, name="building"),
]
