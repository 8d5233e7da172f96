"""The virtual clock, and the switch that makes botocore's waiters and retry back-off sleep on it."""

from __future__ import annotations

import importlib
import threading
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from .models import utc_from_epoch


class VirtualClock:
    """A clock that moves only when told: by ``advance``, or by a botocore sleep while the fake is active.

    It starts at the wall time it was made (or at ``start``), so event times look real, and then stands
    still: the same test gives the same timestamps however slow the machine is.
    """

    def __init__(self, start: datetime | float | None = None) -> None:
        if isinstance(start, datetime):
            start = start.timestamp()
        self._now = time.time() if start is None else float(start)
        self._lock = threading.Lock()

    def time(self) -> float:
        """Now, in epoch seconds."""
        return self._now

    def now(self) -> datetime:
        """Now, as an aware UTC ``datetime``."""
        return utc_from_epoch(self._now)

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (never backward)."""
        if seconds < 0:
            raise ValueError(f"a clock only moves forward; got advance({seconds})")
        with self._lock:
            self._now += seconds

    def sleep(self, seconds: float) -> None:
        """Sleep in virtual time: advance the clock, return at once."""
        self.advance(max(seconds, 0.0))


class _SleepRedirect(types.ModuleType):
    """Stands in for the ``time`` module inside a botocore module: ``sleep`` goes to a virtual clock."""

    def __init__(self, clock: VirtualClock) -> None:
        super().__init__("time")
        self.sleep = clock.sleep

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


# The botocore modules whose ``time.sleep`` is a wait a test should not spend: the retry back-off of
# the legacy and standard modes (``Endpoint._needs_retry``) and the waiters (``Waiter.wait``).
_SLEEPING_MODULES = ("botocore.endpoint", "botocore.waiter")


@contextmanager
def botocore_sleeps_on(clock: VirtualClock) -> Iterator[None]:
    """While inside, botocore's retry back-off and waiter delays advance ``clock`` instead of sleeping."""
    modules = [importlib.import_module(name) for name in _SLEEPING_MODULES]
    saved = [module.__dict__["time"] for module in modules]
    redirect = _SleepRedirect(clock)
    for module in modules:
        setattr(module, "time", redirect)  # noqa: B010 - the name is a module global, not an attribute
    try:
        yield
    finally:
        for module, original in zip(modules, saved, strict=True):
            setattr(module, "time", original)  # noqa: B010
