"""The virtual clock, and the switch that makes botocore's waiters and retry back-off sleep on it."""

from __future__ import annotations

import importlib
import sys
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

# aiobotocore's counterparts await ``asyncio.sleep``, looked up in these modules at call time: the retry
# back-off (``AioEndpoint._needs_retry``, through ``_sleep`` in newer versions) and the waiters
# (``AIOWaiter.wait``, likewise). aiobotocore is optional and slow to import, so these are never imported
# here: those already imported are redirected on entry, later ones by ``redirect_late_imports``.
_ASYNC_SLEEPING_MODULES = ("aiobotocore.endpoint", "aiobotocore.waiter")


class _AsyncSleepRedirect(types.ModuleType):
    """Stands in for ``asyncio`` inside an aiobotocore module: ``sleep`` goes to a virtual clock."""

    def __init__(self, clock: VirtualClock, original: types.ModuleType) -> None:
        super().__init__("asyncio")
        self._clock = clock
        self._asyncio = original

    async def sleep(self, delay: float, result: Any = None) -> Any:
        """Advance the clock by ``delay``, then let other tasks run once, as a real sleep does."""
        self._clock.sleep(delay)
        return await self._asyncio.sleep(0, result)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._asyncio, name)


# Each active ``botocore_sleeps_on``, innermost last: its clock and the module globals it replaced.
_redirecting: list[tuple[VirtualClock, list[tuple[types.ModuleType, str, Any]]]] = []


def redirect_late_imports() -> None:
    """Redirect the sleeps of aiobotocore modules imported since the innermost redirect began.

    Cheap and idempotent; the aiobotocore transport calls it on each request it serves, which comes
    before any sleep of aiobotocore's.
    """
    if not _redirecting:
        return
    clock, saved = _redirecting[-1]
    done = {module.__name__ for module, _, _ in saved}
    for name in _ASYNC_SLEEPING_MODULES:
        module = sys.modules.get(name)
        if module is None or name in done or "asyncio" not in vars(module):
            continue
        original = vars(module)["asyncio"]
        saved.append((module, "asyncio", original))
        setattr(module, "asyncio", _AsyncSleepRedirect(clock, original))  # noqa: B010


@contextmanager
def botocore_sleeps_on(clock: VirtualClock) -> Iterator[None]:
    """While inside, botocore's (and aiobotocore's) retry back-off and waiter delays advance ``clock``."""
    modules = [importlib.import_module(name) for name in _SLEEPING_MODULES]
    saved = [(module, "time", module.__dict__["time"]) for module in modules]
    redirect = _SleepRedirect(clock)
    for module in modules:
        setattr(module, "time", redirect)  # noqa: B010 - the name is a module global, not an attribute
    entry = (clock, saved)
    _redirecting.append(entry)
    redirect_late_imports()
    try:
        yield
    finally:
        for index in range(len(_redirecting) - 1, -1, -1):
            if _redirecting[index] is entry:
                del _redirecting[index]
                break
        for module, name, original in reversed(saved):
            setattr(module, name, original)
