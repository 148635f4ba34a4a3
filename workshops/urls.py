from django.urls import path

from .views import plan, records

app_name = "workshops"

urlpatterns = [
    # Records: interviews, workshops and their attachments
    path("interviews/", records.interview_list, name="interviews"),
    path("interviews/new/", records.interview_create, name="interview_create"),
    path("interviews/<int:pk>/", records.interview_detail, name="interview"),
    path("interviews/<int:pk>/edit/", records.interview_edit, name="interview_edit"),
    path("workshops/", records.workshop_list, name="workshops"),
    path("workshops/new/", records.workshop_create, name="workshop_create"),
    path("workshops/<int:pk>/", records.workshop_detail, name="workshop"),
    path("workshops/<int:pk>/edit/", records.workshop_edit, name="workshop_edit"),
    path("<str:record>/<int:pk>/attachments/", records.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", records.attachment_download, name="attachment"),
    # Plan: findings, measures, the board
    path("findings/", plan.finding_list, name="findings"),
    path("findings/new/", plan.finding_create, name="finding_create"),
    path("findings/board/", plan.board, name="board"),
    path("findings/<int:pk>/", plan.finding_detail, name="finding"),
    path("findings/<int:pk>/edit/", plan.finding_edit, name="finding_edit"),
    path("measures/", plan.measure_list, name="measures"),
    path("measures/new/", plan.measure_create, name="measure_create"),
    path("measures/<int:pk>/", plan.measure_detail, name="measure"),
    path("measures/<int:pk>/edit/", plan.measure_edit, name="measure_edit"),
]
