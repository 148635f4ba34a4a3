from django.urls import path

from .views import builds, plans

app_name = "reports"

urlpatterns = [
    # The written parts of the plan
    path("plans/", plans.plan_list, name="plans"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/preview/", plans.markdown_preview, name="markdown_preview"),
    path("plans/<int:pk>/report/", plans.report_preview, name="report_preview"),
    # Builds of the PDF and the Word edition
    path("", builds.build_list, name="builds"),
    path("build/", builds.build_create, name="build_create"),
    path("builds/status/", builds.build_status, name="build_status"),
    path("builds/<int:pk>/retry/", builds.build_retry, name="build_retry"),
    path("builds/<int:pk>/download/", builds.build_download, name="build_download"),
    path("builds/<int:pk>/download/docx/", builds.build_download, {"edition": "docx"}, name="build_download_docx"),
]
