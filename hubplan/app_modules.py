"""Find an optional module (``reference``, ``demo``) in each project app, in app order.

``load_reference`` and ``seed_demo`` call these so that a new app joins them by
adding ``<app>/reference.py`` or ``<app>/demo.py``, without editing the commands.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import module_has_submodule

PROJECT_APPS = ("hubplan", "mapping", "hubs", "remoteagreements", "actionplan")


def project_app_modules(submodule: str) -> list[tuple[str, ModuleType]]:
    """``(app_label, module)`` for each installed project app that has ``submodule``."""
    found = []
    for app_name in settings.INSTALLED_APPS:
        if app_name not in PROJECT_APPS:
            continue
        config = apps.get_app_config(app_name.rsplit(".", 1)[-1])
        if module_has_submodule(config.module, submodule):
            found.append((config.label, import_module(f"{config.name}.{submodule}")))
    return found
