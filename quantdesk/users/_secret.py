"""The key that signs web sessions (Chainlit's ``CHAINLIT_AUTH_SECRET``).

Set it in the environment for a deployment with several web processes; unset, it
is generated on first run into the data dir (mode 0600) and reused afterwards, so
sign-ins survive a restart. Its value is never printed or logged; changing it
signs everyone out.
"""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
from pathlib import Path

from quantdesk.config import Settings
from quantdesk.errors import ConfigError

SECRET_FILE = "web-auth-secret"
_MIN_LENGTH = 32


def web_auth_secret(settings: Settings) -> str:
    """The configured secret, else the data dir's (created now if missing)."""
    if settings.web_auth_secret is not None:
        return settings.web_auth_secret.get_secret_value()
    return _load_or_create(settings.data_dir / SECRET_FILE)


def _load_or_create(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        _create(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(f"the web session secret {path} is readable by others (mode {mode:04o}); "
                          f"run `chmod 600 {path}`, or delete it to sign everyone out and make a new one")
    value = path.read_text(encoding="ascii").strip()
    if len(value) < _MIN_LENGTH:
        raise ConfigError(f"the web session secret {path} is empty or too short; delete it and a new one is made")
    return value


def _create(path: Path) -> None:
    # Written whole to a private temp file, then linked into place: a second process
    # starting at the same moment either wins the link or reads the finished file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{SECRET_FILE}.")  # mkstemp makes it 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
