"""The virtual clock, and the switch that makes botocore's waiters and retry back-off sleep on it."""

from __future__ import annotations

import importlib
import math
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

    While an HTTP server serves the fake (``follow_wall_time``), it also runs with wall time, ``scale``
    times as fast, since a client in another process waits in wall time; ``advance`` still jumps it.
    Standing still, ``time()`` is one attribute read (it is on every call's path); following, the
    instance's ``time`` is the wall-following method instead.
    """

    def __init__(self, start: datetime | float | None = None) -> None:
        if isinstance(start, datetime):
            start = start.timestamp()
        self._now = time.time() if start is None else float(start)
        self._lock = threading.Lock()
        # While following wall time: the monotonic time it started following, and the scale.
        self._wall_start = 0.0
        self._scale = 0.0

    def time(self) -> float:
        """Now, in epoch seconds."""
        return self._now

    def _following_time(self) -> float:
        return self._now + self._scale * (time.monotonic() - self._wall_start)

    def now(self) -> datetime:
        """Now, as an aware UTC ``datetime``."""
        return utc_from_epoch(self.time())

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (never backward)."""
        if seconds < 0:
            raise ValueError(f"a clock only moves forward; got advance({seconds})")
        with self._lock:
            self._now += seconds

    @property
    def following_wall_time(self) -> bool:
        """True while the clock runs with wall time (``follow_wall_time``)."""
        return "time" in vars(self)

    def follow_wall_time(self, scale: float = 1.0) -> None:
        """Run with wall time from now on, ``scale`` virtual seconds a wall second, until ``stand_still``."""
        if not math.isfinite(scale) or scale <= 0:
            raise ValueError(f"a clock follows wall time at a finite scale above 0; got {scale!r}")
        with self._lock:
            if self.following_wall_time:
                raise ValueError("this clock already follows wall time")
            self._wall_start, self._scale = time.monotonic(), float(scale)
            self.time = self._following_time  # type: ignore[method-assign]

    def stand_still(self) -> None:
        """Stop following wall time; the clock keeps the time it reached."""
        with self._lock:
            if self.following_wall_time:
                self._now = self._following_time()
                del self.time

    def sleep(self, seconds: float) -> None:
        """Sleep in virtual time: advance the clock, return at once."""
        self.advance(max(seconds, 0.0))


# The botocore modules whose ``time.sleep`` is a wait a test should not spend: the retry back-off of
# the legacy and standard modes (``Endpoint._needs_retry``) and the waiters (``Waiter.wait``).
_SLEEPING_MODULES = ("botocore.endpoint", "botocore.waiter")

# aiobotocore's counterparts await ``asyncio.sleep``, looked up in these modules at call time: the retry
# back-off (``AioEndpoint._needs_retry``, through ``_sleep`` in newer versions) and the waiters
# (``AIOWaiter.wait``, likewise). aiobotocore is optional and slow to import, so these are never imported
# here: those already imported are redirected on entry, later ones by ``redirect_late_imports``.
_ASYNC_SLEEPING_MODULES = ("aiobotocore.endpoint", "aiobotocore.waiter")

# Adaptive retry mode's client-side rate limiter waits for its token bucket to refill: ``_acquire`` waits
# ``_sleep_amount()`` seconds on a condition variable, in wall time. Its twin in aiobotocore
# (``AsyncTokenBucket``, ``AnyioTokenBucket``) has the same method. While a block is active, that wait is
# spent on the virtual clock instead (see ``_virtual_refill``).
_TOKEN_BUCKETS = (
    ("botocore.retries.bucket", "TokenBucket"),
    ("aiobotocore.retries.bucket", "AsyncTokenBucket"),
)

# The clocks of the active ``botocore_sleeps_on`` blocks, innermost last; sleeps go to the last one.
_clocks: list[VirtualClock] = []
# While any block is active: each redirected module global (or class attribute) and what it was before.
_replaced: list[tuple[types.ModuleType | type, str, Any]] = []


class _SleepRedirect(types.ModuleType):
    """Stands in for the ``time`` module inside a botocore module: ``sleep`` goes to the innermost clock."""

    def __init__(self) -> None:
        super().__init__("time")

    def sleep(self, seconds: float) -> None:
        """Sleep on the innermost active virtual clock (in wall time once none is active)."""
        if _clocks:
            _clocks[-1].sleep(seconds)
        else:
            time.sleep(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


class _AsyncSleepRedirect(types.ModuleType):
    """Stands in for ``asyncio`` inside an aiobotocore module: ``sleep`` goes to the innermost clock."""

    def __init__(self, original: types.ModuleType) -> None:
        super().__init__("asyncio")
        self._asyncio = original

    async def sleep(self, delay: float, result: Any = None) -> Any:
        """Advance the clock by ``delay``, then let other tasks run once, as a real sleep does."""
        if not _clocks:
            return await self._asyncio.sleep(delay, result)
        _clocks[-1].sleep(delay)
        return await self._asyncio.sleep(0, result)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._asyncio, name)


def _redirect(owner: types.ModuleType | type, name: str, redirect: Any) -> None:
    _replaced.append((owner, name, vars(owner)[name]))
    setattr(owner, name, redirect)


def _virtual_refill(original: Any) -> Any:
    """A token bucket's ``_sleep_amount``: a wait it needs goes to the innermost clock, and returns 0.

    The bucket gets the tokens that many seconds would have refilled, so it goes on at once; its own
    timestamps stay in wall time, so a client used with and without a fake keeps a sound bucket.
    """

    def _sleep_amount(self: Any, amount: float) -> float:
        wait: float = original(self, amount)
        if wait > 0 and _clocks:
            _clocks[-1].sleep(wait)
            self._current_capacity += wait * self._fill_rate
            return 0.0
        return wait

    return _sleep_amount


def _redirect_buckets(done: set[tuple[str, str]]) -> None:
    """Put ``_virtual_refill`` into the token buckets of the modules imported so far (not yet ``done``)."""
    for module_name, class_name in _TOKEN_BUCKETS:
        module = sys.modules.get(module_name)
        if module is None or (module_name, class_name) in done:
            continue
        bucket = getattr(module, class_name, None)
        if isinstance(bucket, type) and "_sleep_amount" in vars(bucket):
            _redirect(bucket, "_sleep_amount", _virtual_refill(vars(bucket)["_sleep_amount"]))


def redirect_late_imports() -> None:
    """Redirect the sleeps of (aiobotocore) modules imported since the first active block began.

    Cheap and idempotent; the aiobotocore transport calls it on each request it serves, which comes
    before any sleep of aiobotocore's.
    """
    if not _clocks:
        return
    done = {owner.__name__ for owner, _, _ in _replaced if isinstance(owner, types.ModuleType)}
    for name in _ASYNC_SLEEPING_MODULES:
        module = sys.modules.get(name)
        if module is None or name in done or "asyncio" not in vars(module):
            continue
        _redirect(module, "asyncio", _AsyncSleepRedirect(vars(module)["asyncio"]))
    _redirect_buckets({(cls.__module__, cls.__name__) for cls, _, _ in _replaced if isinstance(cls, type)})


@contextmanager
def botocore_sleeps_on(clock: VirtualClock) -> Iterator[None]:
    """While inside, botocore's (and aiobotocore's) retry back-offs and waiter delays advance ``clock``.

    So do the waits of adaptive retry mode's rate limiter (its token bucket).

    Blocks nest and may end in any order: sleeps go to the innermost active clock, and the modules
    get their own ``time`` back when the last block ends.
    """
    if not _clocks:
        modules = [importlib.import_module(name) for name in _SLEEPING_MODULES]
        importlib.import_module(_TOKEN_BUCKETS[0][0])  # for redirect_late_imports, below
        redirect = _SleepRedirect()
        for module in modules:
            _redirect(module, "time", redirect)
    _clocks.append(clock)
    redirect_late_imports()
    try:
        yield
    finally:
        for index in range(len(_clocks) - 1, -1, -1):
            if _clocks[index] is clock:
                del _clocks[index]
                break
        if not _clocks:
            while _replaced:
                owner, name, original = _replaced.pop()
                setattr(owner, name, original)
