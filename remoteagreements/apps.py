"""Distance-work agreements: HR's register, signatures, follow-up and measurement."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hubplan.navigation import NavItem


def _sees_list(user) -> bool:
    from remoteagreements.visibility import may_see_agreement_list

    return may_see_agreement_list(user)


def _sees_only_stats(user) -> bool:
    return not _sees_list(user)


class RemoteagreementsConfig(AppConfig):
    name = "remoteagreements"
    verbose_name = _("Distansarbetsavtal")
    # Statistics for everyone; HR and managers get the register instead (stats linked from it).
    nav_items = (
        NavItem(
            _("Distansarbetsavtal"), "agreements:list", visible=_sees_list, prefix="/agreements/"
        ),
        NavItem(_("Distansarbete"), "agreements:stats", visible=_sees_only_stats),
    )
