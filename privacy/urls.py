from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.notice, name="notice"),
    path("privacy/contacts/<int:pk>/export/", views.contact_export, name="contact_export"),
    path("privacy/contacts/<int:pk>/erase/", views.contact_erase, name="contact_erase"),
    path("privacy/organisations/<int:pk>/export/", views.company_export, name="company_export"),
]
