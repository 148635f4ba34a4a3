"""The two staff groups and the permissions each one carries."""

from django.contrib.auth.models import Group, Permission

STAFF_GROUP = "Digipolis staff"
VIEWER_GROUP = "Viewers"

# Apps whose records the project's staff manage.
PORTAL_APPS = ("companies", "surveys", "workshops", "reports", "workforce", "privacy", "django_celery_beat", "axes")

# Identified answers: a company's response and each of its answers, and their history. Viewers see aggregated results
# with small groups hidden, never what one named company answered -- so not in the admin either.
IDENTIFIED_ANSWER_MODELS = ("response", "answer", "historicalresponse", "historicalanswer")


def sync_group_permissions(sender=None, **kwargs):
    """Give staff every permission of the portal's apps and viewers the view ones."""
    staff, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    viewers, _ = Group.objects.get_or_create(name=VIEWER_GROUP)
    portal_perms = Permission.objects.filter(content_type__app_label__in=PORTAL_APPS)
    staff.permissions.set(portal_perms)
    viewers.permissions.set(
        portal_perms.filter(codename__startswith="view_").exclude(
            content_type__app_label="surveys", content_type__model__in=IDENTIFIED_ANSWER_MODELS
        )
    )
