"""pytest-cloudcontrol: a stateful fake of the AWS Cloud Control API for botocore and boto3 tests.

The public names load on first use: pytest imports this package at start-up for its plugin, and a run
that never uses the fixtures should not pay for the fake.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Importing the package is enough to make every botocore client made from now on servable by a fake
# (its handlers are inert while none is active).
from .transport import botocore_hook as _botocore_hook  # noqa: F401

if TYPE_CHECKING:
    from .errors import (
        CloudControlUsageError,
        RealEndpointError,
        UnknownRequestError,
        UnknownResourceError,
    )
    from .fake import FakeCloudControl
    from .faults import Fault
    from .hook_events import HookProgressEvent
    from .lifecycle import Outcome, Progression
    from .models import (
        Call,
        HandlerErrorCode,
        HookStatus,
        Operation,
        OperationStatus,
        Resource,
        ResourceRequest,
    )
    from .resource_types import ResourceType
    from .server import CloudControlServer

_MODULE_OF = {
    "Call": ".models",
    "CloudControlServer": ".server",
    "CloudControlUsageError": ".errors",
    "FakeCloudControl": ".fake",
    "Fault": ".faults",
    "HandlerErrorCode": ".models",
    "HookProgressEvent": ".hook_events",
    "HookStatus": ".models",
    "Operation": ".models",
    "OperationStatus": ".models",
    "Outcome": ".lifecycle",
    "Progression": ".lifecycle",
    "RealEndpointError": ".errors",
    "Resource": ".models",
    "ResourceRequest": ".models",
    "ResourceType": ".resource_types",
    "UnknownRequestError": ".errors",
    "UnknownResourceError": ".errors",
}

__all__ = [
    "Call",
    "CloudControlServer",
    "CloudControlUsageError",
    "FakeCloudControl",
    "Fault",
    "HandlerErrorCode",
    "HookProgressEvent",
    "HookStatus",
    "Operation",
    "OperationStatus",
    "Outcome",
    "Progression",
    "RealEndpointError",
    "Resource",
    "ResourceRequest",
    "ResourceType",
    "UnknownRequestError",
    "UnknownResourceError",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
