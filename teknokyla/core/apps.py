from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "teknokyla.core"
    label = "core"
    verbose_name = _("Portal")

    def ready(self):
        from . import checks, groups  # noqa: F401 -- checks registers itself
        from .storeddates import install_stored_date_casts

        install_stored_date_casts()

        # Permissions exist only after every app has migrated, so the groups'
        # permissions are kept in step after each migrate run.
        post_migrate.connect(groups.sync_group_permissions, dispatch_uid="core.sync_groups")
