"""The development key: generated once into ``var/secret_key``, never committed.

Used wherever no ``SECRET_KEY`` is set: ``make run``, the test suite, and
``manage.py`` by hand in a checkout (``python -m hubplan.devkey`` prints it). What
serves users must not use it with DEBUG off: :func:`require_configured_key` stops the
web servers (``hubplan.wsgi``, ``hubplan.asgi``) and the worker without a
``SECRET_KEY``, so two machines can never each generate a key of their own. No Django
import at module level: the Makefile runs this before the virtualenv exists.
"""

from __future__ import annotations

import secrets
from pathlib import Path

VAR_DIR = Path(__file__).resolve().parent.parent / "var"


def development_key(var_dir: Path = VAR_DIR) -> str:
    """The key kept in ``var_dir/secret_key``, made on first use (readable by its owner only)."""
    key_file = var_dir / "secret_key"
    if not key_file.exists():
        var_dir.mkdir(exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


MSG_NO_KEY = (
    "SECRET_KEY is not set: with DEBUG off Hubplan does not start without it. Set the "
    "same secret key on every server (for one: python3 -c 'import secrets; "
    "print(secrets.token_urlsafe(50))'), or DEBUG=True for development."
)


def require_configured_key() -> None:
    """Refuse to serve with DEBUG off on the development key (no ``SECRET_KEY`` set)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    if not settings.DEBUG and not settings.SECRET_KEY_CONFIGURED:
        raise ImproperlyConfigured(MSG_NO_KEY)


if __name__ == "__main__":
    print(development_key())
