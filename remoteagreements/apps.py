"""Distance-work agreements: HR's register, signatures, follow-up and measurement."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hubplan.navigation import NavItem


def _sees_list(user) -> bool:
    from hubplan.access import is_hr

    return is_hr(user)


def _sees_only_stats(user) -> bool:
    return not _sees_list(user)


class RemoteagreementsConfig(AppConfig):
    name = "remoteagreements"
    verbose_name = _("Distansarbetsavtal")
    # HR gets the register; everyone else the statistics, whose page links managers on to
    # their staff's agreements. Asking "is this user a manager?" in the menu would cost a
    # query on every page for every user, so the menu only uses the cached roles.
    nav_items = (
        NavItem(
            _("Distansarbetsavtal"), "agreements:list", visible=_sees_list, prefix="/agreements/"
        ),
        NavItem(_("Distansarbete"), "agreements:stats", visible=_sees_only_stats),
    )
