"""Kommun reference data and the kartläggning (surveys, commuting, migration)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hubplan.navigation import NavItem


class MappingConfig(AppConfig):
    name = "mapping"
    verbose_name = _("Kartläggning och referensdata")
    nav_items = (
        NavItem(_("Kartläggning"), "surveys:round-list"),
        # Daily rest from shift schedules lives under /surveys/ but is its own question.
        NavItem(_("Dygnsvila"), "surveys:shift-list"),
    )

    def ready(self):
        # The survey import's job kinds: registered in every process, the web servers
        # (which enqueue) and the worker (which runs them).
        from mapping import survey_jobs  # noqa: F401
