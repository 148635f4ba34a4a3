"""The two staff groups and the permissions each one carries."""

from django.contrib.auth.models import Group, Permission

STAFF_GROUP = "Digipolis staff"
VIEWER_GROUP = "Viewers"

# Apps whose records the project's staff manage.
PORTAL_APPS = ("companies", "surveys", "workshops", "reports", "workforce", "privacy", "django_celery_beat", "axes")


def sync_group_permissions(sender=None, **kwargs):
    """Give staff every permission of the portal's apps and viewers the view ones."""
    staff, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    viewers, _ = Group.objects.get_or_create(name=VIEWER_GROUP)
    portal_perms = Permission.objects.filter(content_type__app_label__in=PORTAL_APPS)
    staff.permissions.set(portal_perms)
    viewers.permissions.set(portal_perms.filter(codename__startswith="view_"))
