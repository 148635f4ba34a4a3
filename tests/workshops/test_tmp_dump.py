import pytest
from django.urls import reverse
from .test_records import village, record_interview, record_workshop, interview_post, workshop_post  # noqa
from workshops.services.records import participation_set
pytestmark = pytest.mark.django_db

def test_dump(staff_client, village):
    i = record_interview(village, contacts=[village.aino], notes="**Hei** kiertotalous")
    w = record_workshop(village, invited_companies=[village.coder])
    participation_set(workshop=w, invited=[village.aino], attended=[village.aino, village.olli])
    pages = {
        "ilist": staff_client.get(reverse("workshops:interviews"), {"q": "kiertotaloudessa"}),
        "idetail": staff_client.get(i.get_absolute_url()),
        "iform_err": staff_client.post(reverse("workshops:interview_create"), interview_post(village, held_at="", contacts=[village.pekka.pk], is_remote="on")),
        "wform": staff_client.get(reverse("workshops:workshop_edit", args=[w.pk])),
        "wform_err": staff_client.post(reverse("workshops:workshop_create"), workshop_post(village, invited_companies=[village.mill.pk])),
        "wdetail": staff_client.get(w.get_absolute_url()),
        "wlist": staff_client.get(reverse("workshops:workshops")),
    }
    for name, r in pages.items():
        open(f"/tmp/rec_{name}.html", "w").write(r.content.decode())
