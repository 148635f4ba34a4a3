"""The admin in Finnish and Swedish, third-party pages included: simple-history, django-celery-beat, django-axes and
django-import-export read their texts from the project's catalogues."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from teknokyla.core.admin_messages import MESSAGES
from workshops.services.plan import finding_create

pytestmark = pytest.mark.django_db


def _messages():
    for package, messages in MESSAGES.items():
        for message in messages:
            yield package, message


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_marked_admin_text_has_a_translation(language):
    untranslated = []
    for package, message in _messages():
        with translation.override(language):
            if isinstance(message, Promise):  # a plural, marked with ngettext_lazy
                text = str(message)
                with translation.override("en"):
                    english = str(message)
            else:
                english = message
                text = translation.gettext(message)
        if text == english:
            untranslated.append((package, english))
    assert untranslated == []


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("fi", ["Ajastetut tehtävät", "Aikaväliaikataulu", "Kertaluonteinen tehtävä"]),
        ("sv", ["Schemalagda uppgifter", "Intervallschema", "Engångsuppgift"]),
    ],
)
def test_the_schedules_admin_speaks_the_staff_members_language(staff_client, language, texts):
    response = staff_client.get(
        reverse("admin:django_celery_beat_periodictask_changelist"), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert texts[0] in content
    form = staff_client.get(reverse("admin:django_celery_beat_periodictask_add"), HTTP_ACCEPT_LANGUAGE=language)
    if form.status_code == 200:  # staff may only read the schedules: then the change list is what they see
        assert texts[1] in form.content.decode() and texts[2] in form.content.decode()


@pytest.mark.parametrize(
    ("language", "texts"),
    [("fi", ["Muutoksen syy", "Muutokset"]), ("sv", ["Orsak till ändringen", "Ändringar"])],
)
def test_the_change_history_speaks_the_staff_members_language(staff_client, language, texts):
    finding = finding_create(text="Laboratorio puuttuu.", kind="need")
    response = staff_client.get(
        reverse("admin:workshops_finding_history", args=[finding.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    content = response.content.decode()
    for text in texts:
        assert text in content, text
    assert "Change reason" not in content and "Changed by" not in content
