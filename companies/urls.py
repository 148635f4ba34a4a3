from django.urls import path

from . import views

app_name = "companies"

urlpatterns = [
    path("companies/", views.directory, name="directory"),
    path("companies/import/", views.import_companies, name="import"),
    path("companies/import/template.<str:fmt>", views.import_template, name="import_template"),
    path("companies/import/<str:token>/", views.import_preview, name="import_preview"),
    path("companies/export.<str:fmt>", views.directory_export, name="export"),
    path("companies/<int:pk>/", views.detail, name="detail"),
    path("buildings/", views.buildings, name="buildings"),
    path("buildings/<slug:slug>/", views.building, name="building"),
]
