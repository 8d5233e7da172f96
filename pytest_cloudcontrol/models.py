"""The fake's data as tests see it: enums, resource requests, resources and the call log.

Requests and resources are frozen dataclasses: snapshots the fake makes of its own records (the
registry's and the store's), already checked, so they need no validation; the call log is a slots
dataclass too. Hook events, which tests give as input, are the one pydantic model
(``hook_events.py``), loaded only by a test that gives hooks. The enums mirror botocore's model;
``tests/test_model_conformance.py`` holds them to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import TYPE_CHECKING, Any

from .codec import parse_json

if TYPE_CHECKING:
    from .hook_events import HookProgressEvent

Scope = tuple[str, str]
"""Where requests and resources live: (account id, Region)."""


class _WireEnum(str, Enum):
    def __str__(self) -> str:
        return str(self.value)


class Operation(_WireEnum):
    """The kind of change a resource request makes (model shape ``Operation``)."""

    CREATE = "CREATE"
    DELETE = "DELETE"
    UPDATE = "UPDATE"


class OperationStatus(_WireEnum):
    """Where a resource request is in its lifecycle (model shape ``OperationStatus``)."""

    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    CANCEL_IN_PROGRESS = "CANCEL_IN_PROGRESS"
    CANCEL_COMPLETE = "CANCEL_COMPLETE"

    @property
    def in_flight(self) -> bool:
        """True while the request still runs (PENDING, IN_PROGRESS, CANCEL_IN_PROGRESS)."""
        return self in _IN_FLIGHT


_IN_FLIGHT = frozenset(
    {OperationStatus.PENDING, OperationStatus.IN_PROGRESS, OperationStatus.CANCEL_IN_PROGRESS}
)


class HandlerErrorCode(_WireEnum):
    """Why a handler failed (model shape ``HandlerErrorCode``): a FAILED event's ``ErrorCode``."""

    NotUpdatable = "NotUpdatable"
    InvalidRequest = "InvalidRequest"
    AccessDenied = "AccessDenied"
    UnauthorizedTaggingOperation = "UnauthorizedTaggingOperation"
    InvalidCredentials = "InvalidCredentials"
    AlreadyExists = "AlreadyExists"
    NotFound = "NotFound"
    ResourceConflict = "ResourceConflict"
    Throttling = "Throttling"
    ServiceLimitExceeded = "ServiceLimitExceeded"
    NotStabilized = "NotStabilized"
    GeneralServiceException = "GeneralServiceException"
    ServiceInternalError = "ServiceInternalError"
    ServiceTimeout = "ServiceTimeout"
    NetworkFailure = "NetworkFailure"
    InternalFailure = "InternalFailure"


class HookStatus(_WireEnum):
    """Where a hook invocation is (documented values of the model's free-form ``HookStatus``)."""

    HOOK_PENDING = "HOOK_PENDING"
    HOOK_IN_PROGRESS = "HOOK_IN_PROGRESS"
    HOOK_COMPLETE_SUCCEEDED = "HOOK_COMPLETE_SUCCEEDED"
    HOOK_COMPLETE_FAILED = "HOOK_COMPLETE_FAILED"
    HOOK_FAILED = "HOOK_FAILED"


def utc_from_epoch(seconds: float) -> datetime:
    """Return the aware UTC ``datetime`` of an epoch time in seconds."""
    return datetime.fromtimestamp(seconds, timezone.utc)


def stamp_hooks(hooks: tuple[HookProgressEvent, ...], when: datetime) -> tuple[HookProgressEvent, ...]:
    """The hook events, each given ``when`` as its ``HookEventTime`` unless it has one."""
    return tuple(
        hook if hook.hook_event_time is not None else hook.model_copy(update={"hook_event_time": when})
        for hook in hooks
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceRequest:
    """A resource request (one Create, Update or Delete) and its progress, as a snapshot."""

    request_token: str
    type_name: str
    operation: Operation
    status: OperationStatus
    event_time: datetime
    identifier: str | None = None
    resource_model: dict[str, Any] | None = None
    status_message: str | None = None
    error_code: HandlerErrorCode | None = None
    retry_after: datetime | None = None
    hooks_request_token: str | None = None
    hooks: tuple[HookProgressEvent, ...] = ()
    region: str
    account_id: str
    client_token: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """A resource in the fake's store, as a snapshot."""

    type_name: str
    identifier: str
    properties: dict[str, Any]
    region: str
    account_id: str


@dataclass(slots=True)
class Call:
    """One API call the fake served: what was asked and how it was answered (a record to read).

    ``body`` is the answer as sent; ``response`` reads it back. Not frozen: a frozen dataclass costs a
    microsecond more to make, and one is made for every call.
    """

    operation: str
    params: dict[str, Any]
    status_code: int
    error_code: str | None
    region: str
    account_id: str
    request_id: str
    body: bytes
    answer_lost: bool = False  # served, but a read_timeout fault kept the answer from the client

    def __deepcopy__(self, memo: dict[int, Any]) -> Call:
        return self  # a record the fake never changes: snapshots of the call log share it

    @property
    def ok(self) -> bool:
        """True when the call succeeded (HTTP 200)."""
        return self.status_code == 200

    @property
    def response(self) -> dict[str, Any]:
        """The answer's JSON body, parsed (a fresh dict on each read: changing it changes nothing)."""
        answer: dict[str, Any] = parse_json(self.body)
        return answer
