"""Errors: the AWS errors the fake answers on the wire, and the Python errors a test's own mistakes raise."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from .service_model import raw_model

SERVICE_NAMESPACE = "com.amazon.cloudapiservice"


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    """How one error code looks on the wire: its ``__type`` namespace, HTTP status and message key."""

    code: str
    namespace: str
    status_code: int
    message_key: str | None = "Message"
    default_message: str | None = None

    @property
    def wire_type(self) -> str:
        """The ``__type`` value, e.g. ``com.amazon.cloudapiservice#TypeNotFoundException``."""
        return f"{self.namespace}#{self.code}"


# The AWS front door answers these for every Coral JSON service; they are not in the service model.
# Their namespaces, message keys and texts follow captures (cloudcontrol-behaviour.md, "Errors").
_FRAMEWORK_ERRORS = (
    ErrorSpec("ValidationException", "com.amazon.coral.validate", 400, "message"),
    ErrorSpec("SerializationException", "com.amazon.coral.service", 400, "Message"),
    ErrorSpec("UnknownOperationException", "com.amazon.coral.service", 400, None),
    ErrorSpec(
        "MissingAuthenticationTokenException",
        "com.amazon.coral.service",
        400,
        "message",
        "Request is missing Authentication Token",
    ),
    # The model has a ThrottlingException too, but the one AWS was seen sending is the framework's.
    ErrorSpec("ThrottlingException", "com.amazon.coral.availability", 400, "message", "Rate exceeded"),
)

_DEFAULT_MESSAGES = {
    "ConcurrentModificationException": ("The resource is currently being modified by another operation."),
    "HandlerInternalFailureException": "Internal error occurred.",
    "ServiceInternalErrorException": "Internal error occurred.",
    "NetworkFailureException": "Network failure occurred.",
    "HandlerFailureException": "Handler failure occurred.",
}


def _sentence(code: str) -> str:
    """A plain message made of an error's name, ``TypeNotFoundException`` → ``Type not found.``."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", code.removesuffix("Exception")).lower()
    return words[:1].upper() + words[1:] + "."


@cache
def error_specs() -> dict[str, ErrorSpec]:
    """Every error code the fake can answer, keyed by code: the model's errors, then the framework's.

    A modeled error is a 400 unless the model flags it as a ``fault`` (then 500): AWS answered 400 even
    where the Smithy model claims 404 or 409.
    """
    specs = {
        name: ErrorSpec(
            name,
            SERVICE_NAMESPACE,
            500 if shape.get("fault") else 400,
            "Message",
            _DEFAULT_MESSAGES.get(name) or _sentence(name),
        )
        for name, shape in raw_model()["shapes"].items()
        if shape.get("exception")
    }
    specs.update((spec.code, spec) for spec in _FRAMEWORK_ERRORS)
    return specs


class AWSError(Exception):
    """An error the fake answers on the wire, as AWS would: raised by the service, encoded by the protocol."""

    def __init__(self, code: str, message: str | None = None, *, status_code: int | None = None):
        spec = error_specs()[code]
        self.spec = spec
        self.code = code
        self.message = message if message is not None else spec.default_message
        self.status_code = status_code if status_code is not None else spec.status_code
        super().__init__(f"{code}: {self.message}")

    def body(self) -> dict[str, Any]:
        """The JSON body of the error answer."""
        body: dict[str, Any] = {"__type": self.spec.wire_type}
        if self.message is not None:
            # An error AWS sends without a message gets one only where the fake has something to say.
            body[self.spec.message_key or "message"] = self.message
        return body


def not_implemented(operation: str) -> AWSError:
    """The answer to an operation of botocore's model that the fake does not serve (a newer model's)."""
    return AWSError(
        "UnknownOperationException",
        f"pytest-cloudcontrol does not implement {operation} (botocore's model has it, the fake does "
        "not yet); the other operations keep working",
    )


class CloudControlUsageError(ValueError):
    """A test used the fake in a way it does not support; the message says what to do instead."""


class UnknownRequestError(CloudControlUsageError, LookupError):
    """A test named a request token the fake does not hold."""


class UnknownResourceError(CloudControlUsageError, LookupError):
    """A test named a resource the fake does not hold."""


class RealEndpointError(CloudControlUsageError):
    """A Cloud Control call was about to leave the process for a real endpoint; it was refused."""
