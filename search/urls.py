from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    # One search over every kind of record; it keeps the address it had among the workshops' pages.
    path("work/search/", views.search_page, name="search"),
]
