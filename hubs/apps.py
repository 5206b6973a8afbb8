"""Registry of work hubs, co-working spaces and candidate premises, with their use over time."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hubplan.navigation import NavItem


class HubsConfig(AppConfig):
    name = "hubs"
    verbose_name = _("Hubbar och lokaler")
    nav_items = (NavItem(_("Hubbar"), "hubs:list"),)
