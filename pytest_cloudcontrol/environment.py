"""The process environment while fakes are active: fake credentials, no profile, a default Region.

The first fake to start sets it; the last one to stop puts back exactly what was there, whatever the
order the fakes stop in. A fake started with a ``monkeypatch`` makes its changes through it, so they
unwind in order with the test's own monkeypatching (pytest undoes them after the fixture's teardown).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Protocol

from .transport.botocore_hook import FAKE_CREDENTIALS

CREDENTIAL_VARIABLES: Mapping[str, str] = {
    "AWS_ACCESS_KEY_ID": FAKE_CREDENTIALS.access_key,
    "AWS_SECRET_ACCESS_KEY": FAKE_CREDENTIALS.secret_key,
    "AWS_SESSION_TOKEN": str(FAKE_CREDENTIALS.token),
    "AWS_SECURITY_TOKEN": str(FAKE_CREDENTIALS.token),
}
# Unset while active, so nothing resolves a real profile's credentials.
PROFILE_VARIABLES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")
REGION_VARIABLES = ("AWS_DEFAULT_REGION", "AWS_REGION")


class MonkeyPatch(Protocol):
    """What a fake needs of ``pytest.MonkeyPatch`` to make its environment changes through it."""

    def setenv(self, name: str, value: str, prepend: str | None = None) -> None:
        """Set an environment variable, to be undone later."""

    def delenv(self, name: str, raising: bool = True) -> None:
        """Unset an environment variable, to be undone later."""


def changes(region: str) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """The variables a fake needs that differ from the environment now, and their values now.

    None stands for an unset variable, in both.
    """
    environ = os.environ
    wanted: dict[str, str | None] = dict(CREDENTIAL_VARIABLES)
    wanted.update(dict.fromkeys(PROFILE_VARIABLES))
    if not any(environ.get(name) for name in REGION_VARIABLES):
        wanted["AWS_DEFAULT_REGION"] = region
    changed, saved = {}, {}
    for name, value in wanted.items():
        now = environ.get(name)
        if now != value:
            changed[name], saved[name] = value, now
    return changed, saved


def _set(values: Mapping[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


# The active fakes, in the order they started; and how to undo the first one's changes.
_holders: list[object] = []
_undo: Callable[[], None] | None = None


def enter(holder: object, region: str, monkeypatch: MonkeyPatch | None = None) -> None:
    """Note an active fake; the first one sets the environment (through ``monkeypatch`` if given)."""
    global _undo
    if not _holders:
        wanted, saved = changes(region)
        if monkeypatch is not None:
            for name, value in wanted.items():
                if value is None:
                    monkeypatch.delenv(name, raising=False)
                else:
                    monkeypatch.setenv(name, value)
            _undo = None  # monkeypatch undoes them, after the test's own changes
        else:
            _set(wanted)
            _undo = lambda: _set(saved)  # noqa: E731
    _holders.append(holder)


def leave(holder: object) -> None:
    """Forget an active fake; when the last one leaves, the environment is put back."""
    global _undo
    for index in range(len(_holders) - 1, -1, -1):
        if _holders[index] is holder:
            del _holders[index]
            break
    if not _holders and _undo is not None:
        undo, _undo = _undo, None
        undo()
