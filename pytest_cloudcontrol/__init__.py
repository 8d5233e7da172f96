"""pytest-cloudcontrol: a stateful fake of the AWS Cloud Control API for botocore and boto3 tests."""

from .errors import CloudControlUsageError, UnknownRequestError, UnknownResourceError
from .fake import FakeCloudControl
from .lifecycle import Outcome, Progression
from .models import (
    Call,
    HandlerErrorCode,
    HookProgressEvent,
    HookStatus,
    Operation,
    OperationStatus,
    Resource,
    ResourceRequest,
)
from .resource_types import ResourceType

__all__ = [
    "Call",
    "CloudControlUsageError",
    "FakeCloudControl",
    "HandlerErrorCode",
    "HookProgressEvent",
    "HookStatus",
    "Operation",
    "OperationStatus",
    "Outcome",
    "Progression",
    "Resource",
    "ResourceRequest",
    "ResourceType",
    "UnknownRequestError",
    "UnknownResourceError",
]
