"""The request registry: every resource request per account and Region, its lifecycle and its expiry.

State only; the rules of the API live in ``service.py``. Callers hold the fake's lock.

Costs: a lookup is one dict access; a status change moves one sequence number between two sorted
buckets; a list page bisects into the buckets its filter selects and merges at most a page from each,
so it costs per page, never per registry size. Due and expired requests wait in heaps, so checking for
them costs nothing when there are none.
"""

from __future__ import annotations

import copy
import functools
import heapq
import itertools
import os
import random
from bisect import bisect_right, insort
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .clock import VirtualClock
from .codec import Encoded, compact_json
from .lifecycle import SUCCEEDED, Effect, Outcome, Progression, handler_message, hook_failure
from .models import (
    HandlerErrorCode,
    Operation,
    OperationStatus,
    ResourceRequest,
    Scope,
    utc_from_epoch,
)

if TYPE_CHECKING:
    from .hook_events import HookProgressEvent

EXPIRY_SECONDS = 7 * 24 * 3600  # AWS keeps a finished request for seven days.
RETRY_AFTER_SECONDS = 5.0  # In-flight events ask to be polled again after the waiter's own delay.

_MANUAL = Progression.manual()
_IN_FLIGHT = (
    OperationStatus.PENDING,
    OperationStatus.IN_PROGRESS,
    OperationStatus.CANCEL_IN_PROGRESS,
)


# Tokens are random in every character, as AWS's are: 122 random bits in a UUID4's layout (version 4,
# RFC 4122 variant). Two tokens of a process collide with a chance of about n² / 2**123: one in 10**19
# for a billion tokens. The bits come from a generator of the fake's own, seeded by the OS (again in a
# forked child), so a test that seeds ``random`` (pytest-randomly does, before every test) cannot make
# them repeat. A call makes one to three, so they are made in batches, in C: each of the five groups of
# a token (8-4-4-4-12 hexadecimal digits) as the pieces of one run of random bytes that ``bytes.hex``
# cuts, the version and variant bits set in one integer operation on their group's run, and the groups
# zipped and joined with dashes; a token is then one call of the batch's ``__next__`` (atomic under the
# GIL). Cutting by ``bytes.hex`` costs a third of a regular expression's cuts of one run.
_TOKENS_PER_BATCH = 512
_random = random.Random(os.urandom(32))
# The third group starts with the version, 4; the fourth with the variant bits, 10.
_VERSION = (
    int.from_bytes(b"\x0f\xff" * _TOKENS_PER_BATCH, "big"),
    int.from_bytes(b"\x40\x00" * _TOKENS_PER_BATCH, "big"),
)
_VARIANT = (
    int.from_bytes(b"\x3f\xff" * _TOKENS_PER_BATCH, "big"),
    int.from_bytes(b"\x80\x00" * _TOKENS_PER_BATCH, "big"),
)


def _group(size: int, bits: tuple[int, int] | None = None) -> list[str]:
    """One group of every token of a batch: ``size`` random bytes each, in hexadecimal."""
    data = _random.randbytes(size * _TOKENS_PER_BATCH)
    if bits is not None:
        keep, put = bits
        data = (int.from_bytes(data, "big") & keep | put).to_bytes(len(data), "big")
    return data.hex(" ", size).split()


def _token_batch() -> Callable[[], str]:
    groups = zip(_group(4), _group(2), _group(2, _VERSION), _group(2, _VARIANT), _group(6), strict=True)
    return map("-".join, groups).__next__


_next_token = _token_batch()


def _after_fork() -> None:
    global _next_token
    _random.seed(os.urandom(32))
    _next_token = _token_batch()  # the parent's batch would repeat the parent's tokens


if hasattr(os, "register_at_fork"):  # POSIX; Windows has no fork
    os.register_at_fork(after_in_child=_after_fork)


def new_token() -> str:
    """A fresh request token: a random lower-case UUID4, as AWS makes them."""
    global _next_token
    try:
        return _next_token()
    except StopIteration:
        _next_token = _token_batch()
        return _next_token()


class RequestRecord:
    """A resource request as the registry keeps it, with its bookkeeping.

    Plain attributes that a call reads and changes; tests see frozen ``ResourceRequest`` snapshots of
    it (``view``); the wire sees its ``ProgressEvent`` (``event``). Times are epoch seconds.
    """

    __slots__ = (
        "_events",
        "_hooks_wire",
        "bucket",
        "client_token",
        "effect",
        "error_code",
        "event_time",
        "forced",
        "generation",
        "hooks",
        "hooks_request_token",
        "identifier",
        "operation",
        "progression",
        "queued",
        "reads",
        "request_token",
        "resource_model",
        "retry_after",
        "scope",
        "seq",
        "status",
        "status_message",
        "type_name",
        "write_key",
    )

    def __init__(
        self,
        request_token: str,
        type_name: str,
        operation: Operation,
        status: OperationStatus,
        event_time: float,
        scope: Scope,
        *,
        identifier: str | None = None,
        resource_model: dict[str, Any] | None = None,
        status_message: str | None = None,
        error_code: HandlerErrorCode | None = None,
        hooks: tuple[HookProgressEvent, ...] = (),
        hooks_request_token: str | None = None,
        client_token: str | None = None,
    ) -> None:
        self.request_token = request_token
        self.type_name = type_name
        self.operation = operation
        self.status = status
        self.event_time = event_time
        self.scope = scope
        self.identifier = identifier
        self.resource_model = resource_model
        self.status_message = status_message
        self.error_code = error_code
        self.retry_after: float | None = None
        self.hooks = hooks
        self.hooks_request_token = hooks_request_token
        self.client_token = client_token
        # The registry's bookkeeping: ``seq``, ``progression``, ``effect``, ``forced`` and ``queued``
        # (PENDING behind another write on the same resource, started after it) are set by
        # ``RequestRegistry.add``, which every record goes through before it is used.
        self.seq: int
        self.progression: Progression
        self.effect: Effect | None
        self.forced: Outcome | None
        self.queued: bool
        self.reads = 0
        self.generation = 0  # bumped on every change, so stale heap items are recognised
        self._events: tuple[Encoded, dict[str, Any]] | None = None  # the state's event: listed, with hooks
        self._hooks_wire: list[dict[str, Any]] | None = None
        self.bucket: list[int] = []  # the registry's index bucket it is in, set by ``_index``
        self.write_key: tuple[Scope, str, str] | None = None  # the resource it claimed while in flight

    def __deepcopy__(self, memo: dict[int, Any]) -> RequestRecord:
        # For the fake's snapshots, quickly: what is only ever replaced (strings, enums, times, hooks,
        # progressions, the cached events) is shared; the rest is copied with the whole state, so that
        # ``bucket`` stays the registry's own list and ``effect`` acts on the fake it is restored into.
        twin = RequestRecord.__new__(RequestRecord)
        for name in _SHARED_SLOTS:
            setattr(twin, name, getattr(self, name))
        twin.bucket = copy.deepcopy(self.bucket, memo)
        effect = self.effect
        if type(effect) is functools.partial:
            # The service's effects: a method and the request's arguments, which nothing changes once
            # the request exists. Only the method is copied, so that it is the restoring fake's.
            twin.effect = functools.partial(copy.deepcopy(effect.func, memo), *effect.args)
        else:
            twin.effect = copy.deepcopy(effect, memo)
        twin.resource_model = copy.deepcopy(self.resource_model, memo)
        return twin

    def view(self) -> ResourceRequest:
        """A snapshot of the request for a test: changing it changes nothing."""
        return ResourceRequest(
            request_token=self.request_token,
            type_name=self.type_name,
            operation=self.operation,
            status=self.status,
            event_time=utc_from_epoch(self.event_time),
            identifier=self.identifier,
            resource_model=copy.deepcopy(self.resource_model),
            status_message=self.status_message,
            error_code=self.error_code,
            retry_after=None if self.retry_after is None else utc_from_epoch(self.retry_after),
            hooks_request_token=self.hooks_request_token,
            hooks=self.hooks,
            region=self.scope[1],
            account_id=self.scope[0],
            client_token=self.client_token,
        )

    def event(self, *, with_hooks: bool = False) -> dict[str, Any]:
        """The request's ``ProgressEvent`` in wire form: built once per state, shared (never changed).

        ``HooksRequestToken`` is only in GetResourceRequestStatus answers (``with_hooks=True``).
        """
        events = self._events or self._build_events()
        return events[1] if with_hooks else events[0].value

    def write_answer(self) -> dict[str, Any]:
        """The event as CreateResource, UpdateResource and DeleteResource answer it: without RetryAfter.

        AWS's answer to a write carries none (recorded); reads of the same state do.
        """
        # Built on its own: the state's shared events are built only if something reads them.
        return self._wire_event(hooks=False, retry=False)

    def summary(self) -> Encoded:
        """The event as ListResourceRequests lists it (encoded once per state, shared)."""
        return (self._events or self._build_events())[0]

    def _build_events(self) -> tuple[Encoded, dict[str, Any]]:
        hooked = self._wire_event()
        event = hooked
        if self.hooks_request_token is not None:
            event = dict(hooked)
            del event["HooksRequestToken"]
        self._events = (Encoded(event), hooked)
        return self._events

    def hook_events(self) -> list[dict[str, Any]]:
        """The ``HooksProgressEvent`` list in wire form (built once; shared, never to be changed)."""
        if self._hooks_wire is None:
            self._hooks_wire = [hook.model_dump(by_alias=True, exclude_none=True) for hook in self.hooks]
        return self._hooks_wire

    def _wire_event(self, *, hooks: bool = True, retry: bool = True) -> dict[str, Any]:
        # The members of the model's ProgressEvent shape, in its order; absent values are left out.
        # AWS sends times as epoch seconds with a millisecond fraction, e.g. 1632506656.706.
        event: dict[str, Any] = {"TypeName": self.type_name}
        if self.identifier is not None:
            event["Identifier"] = self.identifier
        event["RequestToken"] = self.request_token
        if hooks and self.hooks_request_token is not None:
            event["HooksRequestToken"] = self.hooks_request_token
        # ``_value_``, not ``value``: the same string, without the enum property's lookup.
        event["Operation"] = self.operation._value_
        event["OperationStatus"] = self.status._value_
        event["EventTime"] = _in_millis(self.event_time)
        # AWS's SUCCESS event of a create or an update carries no ResourceModel (recorded); the model
        # stays on the record for the test's view.
        if self.resource_model is not None and (
            self.status is not OperationStatus.SUCCESS or self.operation is Operation.DELETE
        ):
            event["ResourceModel"] = compact_json(self.resource_model)
        if self.status_message is not None:
            event["StatusMessage"] = self.status_message
        if self.error_code is not None:
            event["ErrorCode"] = self.error_code._value_
        if retry and self.retry_after is not None:
            event["RetryAfter"] = _in_millis(self.retry_after)
        return event


_SHARED_SLOTS = tuple(sorted(set(RequestRecord.__slots__) - {"bucket", "effect", "resource_model"}))


# The last time rounded and its rounding: the virtual clock stands still between calls, so most
# events carry the time the one before carried, and ``round`` costs more than the whole lookup.
_last_rounded = (0.0, 0.0)


def _in_millis(seconds: float) -> float:
    """``round(seconds, 3)``, as event times go on the wire (the last answer kept)."""
    global _last_rounded
    last = _last_rounded  # one read: another thread may replace the pair, never half of it
    if last[0] == seconds:
        return last[1]
    rounded = round(seconds, 3)
    _last_rounded = (seconds, rounded)
    return rounded


def _run(record: RequestRecord) -> Outcome:
    """Run a request's effect; a failing one ends the request FAILED rather than in flight forever."""
    if record.effect is None:
        return SUCCEEDED
    try:
        return record.effect(record)
    except Exception:
        return Outcome(OperationStatus.FAILED, HandlerErrorCode.InternalFailure)


class RequestRegistry:
    """All resource requests of one fake, with their lifecycle.

    ``handler_texts`` gives a type's own failure texts (error code → text), used when a request fails
    without a message of its own.
    """

    def __init__(
        self, clock: VirtualClock, handler_texts: Callable[[str], Mapping[str, str]] = lambda _: {}
    ) -> None:
        self.clock = clock
        self.handler_texts = handler_texts
        self.cancel_applies_change = False
        self.cancel_progression = Progression.immediate()
        self._by_token: dict[str, RequestRecord] = {}
        self._by_seq: dict[int, RequestRecord] = {}
        # Keyed by the enums' string values: a str enum member hashes through a Python-level slot.
        self._buckets: dict[tuple[Scope, str, str], list[int]] = {}
        self._in_scope: dict[Scope, list[int]] = {}  # every request of a scope, for unfiltered pages
        # In-flight requests per resource, oldest first: the first one runs, queued ones wait.
        self._writes: dict[tuple[Scope, str, str], list[str]] = {}
        self._due: list[tuple[float, int, int]] = []
        self._expiry: list[tuple[float, int, int]] = []
        self._last_seq = 0  # an int, not itertools.count: the state is copied (snapshots)

    # -- reading -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._by_token)

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(self._by_token.values())

    def find(self, token: str, scope: Scope | None = None) -> RequestRecord | None:
        """The request with this token, if it lives in ``scope`` (any scope when None)."""
        record = self._by_token.get(token)
        if record is None or (scope is not None and record.scope != scope):
            return None
        return record

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
    ) -> tuple[list[Encoded], int | None]:
        """Up to ``limit`` request events after position ``after``, oldest first, and the next position."""
        if operations is None and statuses is None:
            buckets = [self._in_scope.get(scope, [])]
        else:
            ops = tuple(Operation) if operations is None else tuple(dict.fromkeys(operations))
            stats = tuple(OperationStatus) if statuses is None else tuple(dict.fromkeys(statuses))
            keys = itertools.product((scope,), (op.value for op in ops), [st.value for st in stats])
            buckets = [self._buckets.get(key, []) for key in keys]
        runs = []
        for bucket in buckets:
            if bucket:
                start = bisect_right(bucket, after)
                runs.append(bucket[start : start + limit + 1])
        seqs = runs[0] if len(runs) == 1 else list(itertools.islice(heapq.merge(*runs), limit + 1))
        more = len(seqs) > limit
        seqs = seqs[:limit]
        by_seq = self._by_seq
        return [by_seq[seq].summary() for seq in seqs], (seqs[-1] if more else None)

    # -- changing ------------------------------------------------------------------------------

    def add(
        self,
        record: RequestRecord,
        *,
        progression: Progression,
        effect: Effect | None = None,
        forced: Outcome | None = None,
        queued: bool = False,
        at: float | None = None,
    ) -> RequestRecord:
        """Register a new request in whatever status it has.

        A ``queued`` request is PENDING until the in-flight requests on its resource have finished.
        ``at`` is the virtual time it comes in (default: now); its progression counts from it.
        """
        if record.request_token in self._by_token:
            raise ValueError(f"a request with token {record.request_token!r} already exists")
        self._last_seq += 1
        seq = record.seq = self._last_seq
        record.progression = progression
        record.effect = effect
        record.forced = forced
        record.queued = queued
        # Scheduled first: it is the one step that runs the caller's objects (the progression), so a
        # failure leaves the registry as it was (a stale heap entry is skipped).
        self._scheduled(record, self.clock.time() if at is None else at)
        self._by_token[record.request_token] = record
        self._by_seq[seq] = record
        in_scope = self._in_scope.get(record.scope)
        if in_scope is None:
            in_scope = self._in_scope[record.scope] = []
        in_scope.append(seq)  # sequence numbers only grow
        self._index(record)
        if record.status in _IN_FLIGHT:
            self._claim(record)
        return record

    def read(self, record: RequestRecord) -> None:
        """Count one status read of a request; a request due after N reads finishes here."""
        if record.status not in _IN_FLIGHT:
            return
        record.reads += 1
        if record.progression.kind == "reads" and record.reads >= record.progression.reads:
            self.finish(record)

    def start_cancel(self, record: RequestRecord) -> None:
        """Move an in-flight request to CANCEL_IN_PROGRESS; the cancel progression finishes it."""
        record.progression = self.cancel_progression
        self._change(record, OperationStatus.CANCEL_IN_PROGRESS)

    def finish(self, record: RequestRecord, forced: Outcome | None = None, at: float | None = None) -> None:
        """Finish an in-flight request: run its effect, or take the forced outcome.

        A hook that failed in FAIL mode turns a success into its failure, with no change made; a
        forced failure stays as forced. ``at`` is the virtual time it finished (default: now); its
        event time and expiry count from it.
        """
        if record.status == OperationStatus.CANCEL_IN_PROGRESS:
            if self.cancel_applies_change:
                _run(record)
            self._change(record, OperationStatus.CANCEL_COMPLETE, at=at)
            return
        outcome = forced or record.forced
        if outcome is None or outcome.status == OperationStatus.SUCCESS:
            stopped = hook_failure(record.hooks) if record.hooks else None
            if stopped is not None:
                outcome = stopped
            elif record.effect is not None:
                outcome = _run(record)
            else:
                outcome = outcome or SUCCEEDED
        message = outcome.status_message
        if outcome.error_code is not None and message is None:
            identifier = outcome.identifier if outcome.identifier is not None else record.identifier
            message = handler_message(
                outcome.error_code,
                record.type_name,
                identifier,
                record.operation.value,
                self.handler_texts(record.type_name),
            )
        self._change(record, outcome.status, outcome.error_code, message, outcome, at)

    def set_status(
        self,
        record: RequestRecord,
        status: OperationStatus,
        error_code: HandlerErrorCode | None = None,
        status_message: str | None = None,
    ) -> None:
        """Put a request in a status directly: no effect runs, and an in-flight status stays as set.

        The request moves on again only when the test says so (``finish``, ``set_progression``).
        """
        record.progression = _MANUAL
        self._change(record, status, error_code, status_message)

    def set_progression(self, record: RequestRecord, progression: Progression) -> None:
        """Give an in-flight request a new progression, counted from now."""
        record.progression = progression
        self._change(record, record.status, record.error_code, record.status_message)

    def tick(self) -> None:
        """Finish the requests that are due by the virtual clock and drop the expired ones."""
        now = self.clock.time()
        while self._due and self._due[0][0] <= now:
            due, seq, generation = heapq.heappop(self._due)
            record = self._by_seq.get(seq)
            if record is not None and record.generation == generation:
                self.finish(record, at=due)
        while self._expiry and self._expiry[0][0] <= now:
            _, seq, generation = heapq.heappop(self._expiry)
            record = self._by_seq.get(seq)
            if record is not None and record.generation == generation:
                self._remove(record)

    # -- bookkeeping ---------------------------------------------------------------------------

    def _change(
        self,
        record: RequestRecord,
        status: OperationStatus,
        error_code: HandlerErrorCode | None = None,
        status_message: str | None = None,
        outcome: Outcome | None = None,
        at: float | None = None,
    ) -> None:
        at = self.clock.time() if at is None else at
        self._unindex(record)
        was_in_flight = record.status in _IN_FLIGHT
        in_flight = status in _IN_FLIGHT
        finishing = was_in_flight and not in_flight
        if finishing:
            self._release(record)
        if outcome is not None:
            if outcome.identifier is not None:
                record.identifier = outcome.identifier
            if outcome.resource_model is not None:
                record.resource_model = outcome.resource_model
        record.status = status
        record.queued = record.queued and status == OperationStatus.PENDING
        record.error_code = error_code
        record.status_message = status_message
        record.event_time = at
        record.retry_after = None
        record.generation += 1
        record.reads = 0
        record._events = None  # the state changed: its event is built again when read
        self._index(record)
        if in_flight and not was_in_flight:
            self._claim(record)
        self._scheduled(record, at)
        if finishing:
            self._start_next(record, at)

    def _scheduled(self, record: RequestRecord, at: float) -> None:
        """Set up what happens next to a request that got its status at ``at``: finish or expiry."""
        if record.queued:
            return  # it starts, and is scheduled, when the request before it finishes
        if record.status in _IN_FLIGHT:
            record.retry_after = at + RETRY_AFTER_SECONDS
            due = record.progression.due_time(at)
            if due is not None:
                heapq.heappush(self._due, (due, record.seq, record.generation))
        else:
            heapq.heappush(self._expiry, (at + EXPIRY_SECONDS, record.seq, record.generation))

    def _index(self, record: RequestRecord) -> None:
        key = (record.scope, record.operation._value_, record.status._value_)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = [record.seq]
        elif not bucket or bucket[-1] < record.seq:
            bucket.append(record.seq)
        else:
            insort(bucket, record.seq)
        record.bucket = bucket  # buckets are never dropped: the record finds its own again

    def _unindex(self, record: RequestRecord) -> None:
        bucket = record.bucket
        if bucket[-1] == record.seq:
            bucket.pop()
        else:
            del bucket[bisect_right(bucket, record.seq) - 1]

    def _claim(self, record: RequestRecord) -> None:
        """Note an in-flight request on its resource (one whose identifier is known)."""
        identifier = record.identifier
        key = record.write_key = None if identifier is None else (record.scope, record.type_name, identifier)
        if key is not None:
            self._writes.setdefault(key, []).append(record.request_token)

    def _release(self, record: RequestRecord) -> None:
        """Forget a request that is no longer in flight on the resource it claimed."""
        key = record.write_key
        if key is None:
            return
        tokens = self._writes.get(key, [])
        if record.request_token in tokens:
            tokens.remove(record.request_token)
            if not tokens:
                del self._writes[key]

    def _start_next(self, finished: RequestRecord, at: float) -> None:
        """Start the request queued behind one that just finished, if there is one."""
        key = finished.write_key
        tokens = self._writes.get(key) if key is not None else None
        if not tokens:
            return
        record = self._by_token[tokens[0]]
        if record.queued and record.status == OperationStatus.PENDING:
            record.queued = False
            self._change(record, OperationStatus.IN_PROGRESS, at=at)

    def _remove(self, record: RequestRecord) -> None:
        self._unindex(record)
        in_scope = self._in_scope[record.scope]
        del in_scope[bisect_right(in_scope, record.seq) - 1]
        del self._by_token[record.request_token]
        del self._by_seq[record.seq]
