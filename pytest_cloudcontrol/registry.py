"""The request registry: every resource request per account and Region, its lifecycle and its expiry.

State only; the rules of the API live in ``service.py``. Callers hold the fake's lock.

Costs: a lookup is one dict access; a status change moves one sequence number between two sorted
buckets; a list page bisects into the buckets its filter selects and merges at most a page from each,
so it costs per page, never per registry size. Due and expired requests wait in heaps, so checking for
them costs nothing when there are none.
"""

from __future__ import annotations

import heapq
import itertools
import random
from bisect import bisect_right, insort
from collections.abc import Iterable, Iterator
from typing import Any

from .clock import VirtualClock
from .lifecycle import Effect, Outcome, Progression, handler_message
from .models import (
    HandlerErrorCode,
    Operation,
    OperationStatus,
    ResourceRequest,
    Scope,
    utc_from_epoch,
)

EXPIRY_SECONDS = 7 * 24 * 3600  # AWS keeps a finished request for seven days.
RETRY_AFTER_SECONDS = 5.0  # In-flight events ask to be polled again after the waiter's own delay.

_IN_FLIGHT = (
    OperationStatus.PENDING,
    OperationStatus.IN_PROGRESS,
    OperationStatus.CANCEL_IN_PROGRESS,
)


# Tokens need to be unique, not secret: a generator of our own is fast, and a test that seeds the
# ``random`` module does not make the fake's tokens repeat.
_random = random.Random()
_UUID4_CLEAR = ~((0xF << 76) | (0x3 << 62))
_UUID4_SET = (0x4 << 76) | (0x2 << 62)  # version 4, RFC 4122 variant


def new_token() -> str:
    """A fresh request token: a lower-case UUID4, as AWS makes them."""
    h = f"{_random.getrandbits(128) & _UUID4_CLEAR | _UUID4_SET:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class _Entry:
    """A request and the registry's bookkeeping for it."""

    __slots__ = (
        "effect",
        "event",
        "forced",
        "generation",
        "progression",
        "queued",
        "reads",
        "request",
        "scope",
        "seq",
    )

    def __init__(
        self,
        request: ResourceRequest,
        seq: int,
        progression: Progression,
        effect: Effect | None,
        forced: Outcome | None,
    ) -> None:
        self.request = request
        self.scope: Scope = (request.account_id, request.region)
        self.seq = seq
        self.progression = progression
        self.effect = effect
        self.forced = forced
        self.reads = 0
        self.event: dict[str, Any] | None = None  # the wire event, encoded once per state
        self.queued = False  # PENDING behind another write on the same resource, started after it
        self.generation = 0  # bumped on every change, so stale heap items are recognised


def _run(entry: _Entry) -> Outcome:
    """Run a request's effect; a failing one ends the request FAILED rather than in flight forever."""
    if entry.effect is None:
        return Outcome()
    try:
        return entry.effect()
    except Exception:
        return Outcome(OperationStatus.FAILED, HandlerErrorCode.InternalFailure)


class RequestRegistry:
    """All resource requests of one fake, with their lifecycle."""

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self.cancel_applies_change = False
        self.cancel_progression = Progression.immediate()
        self._by_token: dict[str, _Entry] = {}
        self._by_seq: dict[int, _Entry] = {}
        self._buckets: dict[tuple[Scope, Operation, OperationStatus], list[int]] = {}
        self._in_scope: dict[Scope, list[int]] = {}  # every request of a scope, for unfiltered pages
        # In-flight requests per resource, oldest first: the first one runs, queued ones wait.
        self._writes: dict[tuple[Scope, str, str], list[str]] = {}
        self._due: list[tuple[float, int, int]] = []
        self._expiry: list[tuple[float, int, int]] = []
        self._seq = itertools.count(1)

    # -- reading -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._by_token)

    def __iter__(self) -> Iterator[ResourceRequest]:
        return (entry.request for entry in self._by_token.values())

    def find(self, token: str, scope: Scope | None = None) -> ResourceRequest | None:
        """The request with this token, if it lives in ``scope`` (any scope when None)."""
        entry = self._by_token.get(token)
        if entry is None or (scope is not None and entry.scope != scope):
            return None
        return entry.request

    def event(self, token: str, *, with_hooks: bool = False) -> dict[str, Any]:
        """A request's ``ProgressEvent`` in wire form (a fresh dict; encoded once per state change)."""
        return self._event(self._by_token[token], with_hooks)

    def _event(self, entry: _Entry, with_hooks: bool) -> dict[str, Any]:
        if entry.event is None:
            entry.event = entry.request.progress_event(with_hooks=True)
        event = dict(entry.event)
        if not with_hooks:
            event.pop("HooksRequestToken", None)
        return event

    def in_flight_write(self, scope: Scope, type_name: str, identifier: str) -> str | None:
        """The token of the in-flight request on this resource, if there is one."""
        tokens = self._writes.get((scope, type_name, identifier))
        return tokens[0] if tokens else None

    def page(
        self,
        scope: Scope,
        operations: Iterable[Operation] | None,
        statuses: Iterable[OperationStatus] | None,
        after: int,
        limit: int,
    ) -> tuple[list[dict[str, Any]], int | None]:
        """Up to ``limit`` request events after position ``after``, oldest first, and the next position."""
        if operations is None and statuses is None:
            buckets = [self._in_scope.get(scope, [])]
        else:
            ops = tuple(Operation) if operations is None else tuple(dict.fromkeys(operations))
            stats = tuple(OperationStatus) if statuses is None else tuple(dict.fromkeys(statuses))
            buckets = [self._buckets.get(key, []) for key in itertools.product((scope,), ops, stats)]
        runs = []
        for bucket in buckets:
            if bucket:
                start = bisect_right(bucket, after)
                runs.append(bucket[start : start + limit + 1])
        seqs = list(itertools.islice(heapq.merge(*runs), limit + 1))
        more = len(seqs) > limit
        seqs = seqs[:limit]
        return [self._event(self._by_seq[seq], False) for seq in seqs], (seqs[-1] if more else None)

    # -- changing ------------------------------------------------------------------------------

    def add(
        self,
        request: ResourceRequest,
        *,
        progression: Progression,
        effect: Effect | None = None,
        forced: Outcome | None = None,
        queued: bool = False,
    ) -> ResourceRequest:
        """Register a new request in whatever status it has.

        A ``queued`` request is PENDING until the in-flight requests on its resource have finished.
        """
        if request.request_token in self._by_token:
            raise ValueError(f"a request with token {request.request_token!r} already exists")
        seq = next(self._seq)
        entry = _Entry(request, seq, progression, effect, forced)
        entry.queued = queued
        self._by_token[request.request_token] = entry
        self._by_seq[seq] = entry
        self._in_scope.setdefault(entry.scope, []).append(seq)  # sequence numbers only grow
        self._index(entry)
        if request.status in _IN_FLIGHT:
            self._claim(entry)
        self._scheduled(entry, self.clock.time())
        return request

    def read(self, token: str) -> None:
        """Count one status read of a request; a request due after N reads finishes here."""
        entry = self._by_token[token]
        if entry.request.status not in _IN_FLIGHT:
            return
        entry.reads += 1
        if entry.progression.kind == "reads" and entry.reads >= entry.progression.reads:
            self.finish(token)

    def start_cancel(self, token: str) -> None:
        """Move an in-flight request to CANCEL_IN_PROGRESS; the cancel progression finishes it."""
        entry = self._by_token[token]
        entry.progression = self.cancel_progression
        self._change(entry, OperationStatus.CANCEL_IN_PROGRESS)

    def finish(self, token: str, forced: Outcome | None = None, at: float | None = None) -> None:
        """Finish an in-flight request: run its effect, or take the forced outcome.

        ``at`` is the virtual time it finished (default: now); its event time and expiry count from it.
        """
        entry = self._by_token[token]
        request = entry.request
        if request.status == OperationStatus.CANCEL_IN_PROGRESS:
            if self.cancel_applies_change:
                _run(entry)
            self._change(entry, OperationStatus.CANCEL_COMPLETE, at=at)
            return
        outcome = forced or entry.forced
        if outcome is None or outcome.status == OperationStatus.SUCCESS:
            outcome = _run(entry) if entry.effect is not None else (outcome or Outcome())
        message = outcome.status_message
        if outcome.error_code is not None and message is None:
            message = handler_message(
                outcome.error_code, request.type_name, request.identifier, request.operation.value
            )
        self._change(entry, outcome.status, outcome.error_code, message, outcome, at)

    def set_status(
        self,
        token: str,
        status: OperationStatus,
        error_code: HandlerErrorCode | None = None,
        status_message: str | None = None,
    ) -> None:
        """Put a request in a status directly, without running its effect."""
        self._change(self._by_token[token], status, error_code, status_message)

    def set_progression(self, token: str, progression: Progression) -> None:
        """Give an in-flight request a new progression, counted from now."""
        entry = self._by_token[token]
        entry.progression = progression
        self._change(entry, entry.request.status, entry.request.error_code, entry.request.status_message)

    def tick(self) -> None:
        """Finish the requests that are due by the virtual clock and drop the expired ones."""
        now = self.clock.time()
        while self._due and self._due[0][0] <= now:
            due, seq, generation = heapq.heappop(self._due)
            entry = self._by_seq.get(seq)
            if entry is not None and entry.generation == generation:
                self.finish(entry.request.request_token, at=due)
        while self._expiry and self._expiry[0][0] <= now:
            _, seq, generation = heapq.heappop(self._expiry)
            entry = self._by_seq.get(seq)
            if entry is not None and entry.generation == generation:
                self._remove(entry)

    # -- bookkeeping ---------------------------------------------------------------------------

    def _change(
        self,
        entry: _Entry,
        status: OperationStatus,
        error_code: HandlerErrorCode | None = None,
        status_message: str | None = None,
        outcome: Outcome | None = None,
        at: float | None = None,
    ) -> None:
        at = self.clock.time() if at is None else at
        self._unindex(entry)
        request = entry.request
        was_in_flight = request.status in _IN_FLIGHT
        if was_in_flight and status not in _IN_FLIGHT:
            self._release(entry)
        if outcome is not None and outcome.identifier is not None:
            request.identifier = outcome.identifier
        if outcome is not None and outcome.resource_model is not None:
            request.resource_model = outcome.resource_model
        request.status = status
        entry.queued = entry.queued and status == OperationStatus.PENDING
        request.error_code = error_code
        request.status_message = status_message
        request.event_time = utc_from_epoch(at)
        request.retry_after = None
        entry.generation += 1
        entry.reads = 0
        self._index(entry)
        if status in _IN_FLIGHT and not was_in_flight:
            self._claim(entry)
        self._scheduled(entry, at)
        entry.event = None
        if was_in_flight and status not in _IN_FLIGHT:
            self._start_next(entry, at)

    def _scheduled(self, entry: _Entry, at: float) -> None:
        """Set up what happens next to a request that got its status at ``at``: finish or expiry."""
        request = entry.request
        if entry.queued:
            return  # it starts, and is scheduled, when the request before it finishes
        if request.status in _IN_FLIGHT:
            request.retry_after = request.retry_after or utc_from_epoch(at + RETRY_AFTER_SECONDS)
            due = entry.progression.due_time(at)
            if due is not None:
                heapq.heappush(self._due, (due, entry.seq, entry.generation))
        else:
            heapq.heappush(self._expiry, (at + EXPIRY_SECONDS, entry.seq, entry.generation))

    def _index(self, entry: _Entry) -> None:
        request = entry.request
        bucket = self._buckets.setdefault((entry.scope, request.operation, request.status), [])
        if not bucket or bucket[-1] < entry.seq:
            bucket.append(entry.seq)
        else:
            insort(bucket, entry.seq)

    def _unindex(self, entry: _Entry) -> None:
        request = entry.request
        bucket = self._buckets[(entry.scope, request.operation, request.status)]
        del bucket[bisect_right(bucket, entry.seq) - 1]

    def _write_key(self, entry: _Entry) -> tuple[Scope, str, str] | None:
        identifier = entry.request.identifier
        return None if identifier is None else (entry.scope, entry.request.type_name, identifier)

    def _claim(self, entry: _Entry) -> None:
        """Note an in-flight request on its resource."""
        key = self._write_key(entry)
        if key is not None:
            self._writes.setdefault(key, []).append(entry.request.request_token)

    def _release(self, entry: _Entry) -> None:
        """Forget a request that is no longer in flight on its resource."""
        key = self._write_key(entry)
        if key is None:
            return
        tokens = self._writes.get(key, [])
        if entry.request.request_token in tokens:
            tokens.remove(entry.request.request_token)
            if not tokens:
                del self._writes[key]

    def _start_next(self, finished: _Entry, at: float) -> None:
        """Start the request queued behind one that just finished, if there is one."""
        key = self._write_key(finished)
        tokens = self._writes.get(key) if key is not None else None
        if not tokens:
            return
        entry = self._by_token[tokens[0]]
        if entry.queued and entry.request.status == OperationStatus.PENDING:
            entry.queued = False
            self._change(entry, OperationStatus.IN_PROGRESS, at=at)

    def _remove(self, entry: _Entry) -> None:
        self._unindex(entry)
        in_scope = self._in_scope[entry.scope]
        del in_scope[bisect_right(in_scope, entry.seq) - 1]
        del self._by_token[entry.request.request_token]
        del self._by_seq[entry.seq]
