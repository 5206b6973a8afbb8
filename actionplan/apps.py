"""The action plan: four insatsområden, activities, timeline, budget and follow-up."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hubplan.navigation import NavItem


class ActionplanConfig(AppConfig):
    name = "actionplan"
    verbose_name = _("Handlingsplan")
    nav_items = (NavItem(_("Handlingsplan"), "plan:overview"),)
