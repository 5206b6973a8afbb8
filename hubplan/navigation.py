"""Navigation entries, declared by each app on its AppConfig.

An app lists ``nav_items`` on its AppConfig; the base layout shows them in
INSTALLED_APPS order. Apps thus add themselves to the menu without editing a
shared template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse


def _anyone(user) -> bool:
    return True


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    visible: Callable[[object], bool] = _anyone
    # URL prefix that marks the item active; defaults to the item's own URL.
    prefix: str | None = None


def nav_for(user, path: str) -> list[dict]:
    """The menu for ``user``: label, URL and whether it is the current section."""
    items = []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", ()):
            if not item.visible(user):
                continue
            url = reverse(item.url_name)
            prefix = item.prefix or url
            active = path == url if prefix == "/" else path.startswith(prefix)
            items.append({"label": item.label, "url": url, "active": active})
    return items
