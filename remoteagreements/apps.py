"""Distance-work agreements: HR's register, signatures, follow-up and measurement."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemoteagreementsConfig(AppConfig):
    name = "remoteagreements"
    verbose_name = _("Distansarbetsavtal")
