"""The project app: roles, the base layout, the dashboards and cross-app commands."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hubplan.navigation import NavItem


class HubplanConfig(AppConfig):
    name = "hubplan"
    verbose_name = _("Hubplan")
    nav_items = (
        NavItem(_("Översikt"), "home", prefix="/"),
        NavItem(_("Kommuner"), "municipalities:list"),
    )

    def ready(self):
        # Every save of an agreement, hub or activity raises its lock_version (no lost updates).
        from hubplan import locking

        locking.connect()
