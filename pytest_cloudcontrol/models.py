"""The fake's data as tests see it: enums, resource requests, resources, hook events and the call log.

Requests, resources and hook events are pydantic models: they validate what a test seeds, and tests get
snapshots of them. Field aliases are the wire names (PascalCase). The registry and the store keep their
own plain records (a call would otherwise pay for pydantic's validation several times); the call log is
a slots dataclass for the same reason. The enums mirror botocore's model;
``tests/test_model_conformance.py`` holds them to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer
from pydantic.alias_generators import to_pascal

from .codec import parse_json

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


def _epoch(value: datetime) -> float:
    # AWS sends epoch seconds with a millisecond fraction, e.g. 1632506656.706.
    return round(value.timestamp(), 3)


WireTime = Annotated[datetime, PlainSerializer(_epoch, return_type=float)]
"""A timestamp: a ``datetime`` in Python, epoch seconds on the wire."""


def utc_from_epoch(seconds: float) -> datetime:
    """Return the aware UTC ``datetime`` of an epoch time in seconds."""
    return datetime.fromtimestamp(seconds, timezone.utc)


class _WireModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_pascal, populate_by_name=True, extra="forbid", validate_default=False
    )


class HookProgressEvent(_WireModel):
    """One hook's progress, as GetResourceRequestStatus returns it in ``HooksProgressEvent``."""

    hook_type_name: str
    hook_status: HookStatus | str = HookStatus.HOOK_COMPLETE_SUCCEEDED
    hook_type_version_id: str | None = "00000001"
    hook_type_arn: str | None = None
    invocation_point: str | None = "PRE_PROVISION"
    hook_event_time: WireTime | None = None
    hook_status_message: str | None = None
    failure_mode: str | None = "FAIL"


def stamp_hooks(hooks: tuple[HookProgressEvent, ...], when: datetime) -> tuple[HookProgressEvent, ...]:
    """The hook events, each given ``when`` as its ``HookEventTime`` unless it has one."""
    return tuple(
        hook if hook.hook_event_time is not None else hook.model_copy(update={"hook_event_time": when})
        for hook in hooks
    )


class ResourceRequest(_WireModel):
    """A resource request (one Create, Update or Delete) and its progress, as a snapshot."""

    request_token: str
    type_name: str
    operation: Operation
    status: OperationStatus = Field(alias="OperationStatus")
    event_time: WireTime
    identifier: str | None = None
    resource_model: dict[str, Any] | None = None
    status_message: str | None = None
    error_code: HandlerErrorCode | None = None
    retry_after: WireTime | None = None
    hooks_request_token: str | None = None
    hooks: tuple[HookProgressEvent, ...] = Field(default=(), exclude=True)
    region: str = Field(exclude=True)
    account_id: str = Field(exclude=True)
    client_token: str | None = Field(default=None, exclude=True)


class Resource(_WireModel):
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

    @property
    def ok(self) -> bool:
        """True when the call succeeded (HTTP 200)."""
        return self.status_code == 200

    @property
    def response(self) -> dict[str, Any]:
        """The answer's JSON body, parsed (a fresh dict on each read: changing it changes nothing)."""
        answer: dict[str, Any] = parse_json(self.body)
        return answer
