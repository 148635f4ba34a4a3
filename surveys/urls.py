from django.urls import path

from .views import answering, inviting, responses, staff

app_name = "surveys"

urlpatterns = [
    # Companies, from their invitation link; the token leaves the URL at once.
    path("s/<str:token>/", answering.open_link, name="open"),
    path("survey/", answering.start, name="start"),
    path("survey/page/<int:number>/", answering.page, name="page"),
    path("survey/summary/", answering.summary, name="summary"),
    path("survey/submit/", answering.submit, name="submit"),
    path("survey/thanks/", answering.thanks, name="thanks"),
    # Staff
    path("surveys/", staff.survey_list, name="list"),
    path("surveys/<slug:slug>/", staff.dashboard, name="dashboard"),
    path("surveys/<slug:slug>/results/", staff.results, name="results"),
    path("surveys/<slug:slug>/export/", staff.export_page, name="export_page"),
    path("surveys/<slug:slug>/export.<str:fmt>", staff.export, name="export"),
    path("surveys/<slug:slug>/remind/<int:company_id>/", staff.remind, name="remind"),
    path("surveys/<slug:slug>/invite/", inviting.invite, name="invite"),
    path("surveys/<slug:slug>/invite/send/", inviting.invite_send, name="invite_send"),
    # One organisation's response: staff only
    path("surveys/<slug:slug>/responses/<int:pk>/", responses.response_detail, name="response"),
    path(
        "surveys/<slug:slug>/responses/<int:pk>/pages/<int:number>/",
        responses.response_correct,
        name="response_correct",
    ),
    path("surveys/<slug:slug>/responses/<int:pk>/reopen/", responses.response_reopen, name="response_reopen"),
    path("surveys/<slug:slug>/responses/<int:pk>/submit/", responses.response_submit, name="response_submit"),
]
