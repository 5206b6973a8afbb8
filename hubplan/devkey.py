"""The development key: generated once into ``var/secret_key``, never committed.

Used where no ``SECRET_KEY`` is set and that is safe: with DEBUG on (``make run``),
for the test suite, and by the Makefile, which hands it to the set-up and test
commands (``python -m hubplan.devkey`` prints it). Production sets ``SECRET_KEY``;
with DEBUG off the settings refuse to start without it (hubplan/settings.py), so two
machines can never each generate a key of their own. No Django import here: the
Makefile runs this before the virtualenv exists.
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


if __name__ == "__main__":
    print(development_key())
