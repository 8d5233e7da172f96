"""Injected faults: a wire error or a network failure, for the calls of an operation a matcher picks.

A test injects them (``fake.inject_error``, ``fake.inject_network_error``); the service decides which
call is faulted (``FaultList.take``); the protocol answers a wire error as AWS would, or raises
``NetworkFault``; each transport turns a ``NetworkFault`` into its client's own exception.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from .errors import injected
from .http import NetworkFault, NetworkKind
from .models import Scope

TIMES_SIGN = "\N{MULTIPLICATION SIGN}"  # shows how many calls a fault still fails: Code, the sign, 3


@dataclass(slots=True)
class Fault:
    """One injected fault: what it does (``kind``), which calls it picks, how often, and how far it got.

    ``kind`` is ``"error"`` (then ``code``, ``message``, ``status_code`` say what AWS answers) or a
    network kind. It lets the first ``after`` matching calls through, then fails ``times`` of them.
    """

    operation: str
    kind: Literal["error"] | NetworkKind
    times: int = 1
    after: int = 0
    token: str | None = None
    type_name: str | None = None
    code: str | None = None
    message: str | None = None
    status_code: int | None = None
    passed: int = 0
    raised: int = 0

    @property
    def remaining(self) -> int:
        """How many more calls it fails."""
        return self.times - self.raised

    @property
    def label(self) -> str:
        """What it is, for messages: the error code, or e.g. ``read_timeout network error``."""
        return self.code if self.code is not None else f"{self.kind} network error"

    def describe(self, count: int | None = None) -> str:
        """E.g. ``ThrottlingException <times sign>3 for CancelResourceRequest (token 'abc')``.

        ``count`` is the number of calls shown (default: the calls it still fails).
        """
        count = self.remaining if count is None else count
        repeats = f" {TIMES_SIGN}{count}" if count > 1 else ""
        matchers = (("token", self.token), ("type", self.type_name))
        picks = [f"{name} {value!r}" for name, value in matchers if value]
        if self.after > self.passed:
            left = self.after - self.passed
            picks.append(f"after {left} more call{'s' if left > 1 else ''}")
        return f"{self.label}{repeats} for {self.operation}" + (f" ({', '.join(picks)})" if picks else "")

    def matches(self, params: dict[str, Any], type_of: Callable[[], str | None]) -> bool:
        """True when this call is one the fault picks (``type_of`` gives the call's type, when needed)."""
        if self.token is not None and params.get("RequestToken") != self.token:
            return False
        return self.type_name is None or type_of() == self.type_name

    def strike(self, scope: Scope) -> NetworkKind | None:
        """Fail this call: raise its wire error, or its network fault that loses the request itself.

        Returns ``read_timeout`` for a fault that loses only the answer: the caller serves the call first.
        """
        if self.kind == "error":
            assert self.code is not None, "an error fault has a code"
            raise injected(self.code, self.message, self.status_code, self.operation, scope)
        if self.kind == "read_timeout":
            return self.kind
        raise NetworkFault(self.kind, self.operation)


class FaultList(dict[str, list[Fault]]):
    """The faults a test injected, by operation, in the order injected; the caller holds the fake's lock.

    A dict (operation → its faults), so that "is anything injected?" is a dict's own truth test.
    """

    def add(self, fault: Fault) -> None:
        """Inject one more fault."""
        self.setdefault(fault.operation, []).append(fault)

    def take(self, operation: str, params: dict[str, Any], type_of: Callable[[], str | None]) -> Fault | None:
        """The fault that fails this call, if any; every matching fault counts it, the first due one fails it.

        A fault that has failed its last call is dropped.
        """
        faults = self.get(operation)
        if not faults:
            return None
        known: list[str | None] = []

        def type_once() -> str | None:
            if not known:
                known.append(type_of())
            return known[0]

        chosen: Fault | None = None
        for fault in faults:
            if not fault.matches(params, type_once):
                continue
            if fault.passed < fault.after:
                fault.passed += 1
            elif chosen is None:
                chosen = fault
        if chosen is not None:
            chosen.raised += 1
            if not chosen.remaining:
                faults.remove(chosen)
                if not faults:
                    del self[operation]
        return chosen

    def pending(self) -> list[Fault]:
        """The faults not used up, in the order injected per operation."""
        return [fault for faults in self.values() for fault in faults]


def summary(faults: Iterable[Fault]) -> str:
    """The faults as one line, alike ones added up: ``ThrottlingException <times sign>3 for GetResource``."""
    counts: Counter[tuple[str, str, str | None, str | None, int]] = Counter()
    first: dict[tuple[str, str, str | None, str | None, int], Fault] = {}
    for fault in faults:
        key = (fault.label, fault.operation, fault.token, fault.type_name, fault.after - fault.passed)
        counts[key] += fault.remaining
        first.setdefault(key, fault)
    return ", ".join(first[key].describe(count) for key, count in counts.items())
