"""Portal-wide pages: home, accessibility statement, language switch, login, groups."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from teknokyla.core.groups import STAFF_GROUP, VIEWER_GROUP

pytestmark = pytest.mark.django_db


def test_home_is_public_and_finnish_by_default(client):
    response = client.get(reverse("home"))
    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fi">' in content
    assert 'href="#main"' in content  # the skip link
    assert reverse("accessibility") in content
    with translation.override("fi"):
        assert translation.gettext("Skip to content") in content


def test_bootstrap_is_served_from_our_own_static_files(client):
    content = client.get(reverse("home")).content.decode()
    assert "/static/css/bootstrap.min.css" in content
    assert "cdn" not in content.lower()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_language_switcher_changes_the_language(client, language):
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302
    content = client.get(reverse("home")).content.decode()
    assert f'<html lang="{language}">' in content
    with translation.override(language):
        assert translation.gettext("Accessibility statement") in content


def test_catalogues_are_compiled_for_finnish_and_swedish():
    with translation.override("fi"):
        finnish = translation.gettext("Accessibility statement")
    with translation.override("sv"):
        swedish = translation.gettext("Accessibility statement")
    assert finnish != "Accessibility statement"
    assert swedish != "Accessibility statement"
    assert finnish != swedish


def test_accessibility_statement_has_a_feedback_channel(client):
    content = client.get(reverse("accessibility")).content.decode()
    assert "mailto:" in content


def test_staff_log_in_with_django_auth(client, staff):
    response = client.post(reverse("login"), {"username": staff.username, "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert client.get(reverse("companies:directory")).status_code == 200


def test_wrong_password_is_told_and_username_kept(client, staff):
    response = client.post(reverse("login"), {"username": staff.username, "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert f'value="{staff.username}"' in response.content.decode()


def test_groups_exist_with_their_permissions():
    staff = Group.objects.get(name=STAFF_GROUP)
    viewers = Group.objects.get(name=VIEWER_GROUP)
    staff_perms = set(staff.permissions.values_list("codename", flat=True))
    viewer_perms = set(viewers.permissions.values_list("codename", flat=True))
    assert {"add_company", "change_company", "view_company", "change_contact"} <= staff_perms
    assert "view_company" in viewer_perms
    assert not any(p.startswith(("add_", "change_", "delete_")) for p in viewer_perms)


def test_viewer_may_read_but_not_change_in_the_admin(viewer_client, staff_client):
    changelist = reverse("admin:companies_company_changelist")
    add = reverse("admin:companies_company_add")
    assert viewer_client.get(changelist).status_code == 200
    assert viewer_client.get(add).status_code == 403
    assert staff_client.get(add).status_code == 200


@pytest.mark.django_db
def test_every_page_has_the_project_mark_as_icon_and_a_description(client):
    html = client.get(reverse("home")).content.decode()
    assert '<link rel="icon" href="/static/img/mark.svg" type="image/svg+xml">' in html
    assert '<link rel="apple-touch-icon" href="/static/img/apple-touch-icon.png">' in html
    assert '<meta name="description" content="Kemin Teknologiakylän Teknologiakylä 3.0 -hankkeen portaali' in html


def test_favicon_ico_leads_to_the_mark_instead_of_a_404(client):
    reply = client.get("/favicon.ico")
    assert reply.status_code == 301
    assert reply["Location"] == "/static/img/favicon.ico"
