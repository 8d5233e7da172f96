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


CORAL = "com.amazon.coral.service"
AVAILABILITY = "com.amazon.coral.availability"

# The AWS front door answers these for every Coral JSON service; they are not in the service model.
# Their namespaces, message keys and texts follow captures (cloudcontrol-behaviour.md, "Errors").
_FRAMEWORK_ERRORS = (
    ErrorSpec("ValidationException", "com.amazon.coral.validate", 400, "message"),
    ErrorSpec("SerializationException", CORAL, 400, "Message"),
    ErrorSpec("UnknownOperationException", CORAL, 400, None),
    ErrorSpec(
        "MissingAuthenticationTokenException",
        CORAL,
        400,
        "message",
        "Request is missing Authentication Token",
    ),
    # The model has a ThrottlingException too, but the one AWS was seen sending is the framework's.
    ErrorSpec("ThrottlingException", AVAILABILITY, 400, "message", "Rate exceeded"),
)

CALLER = "pytest-cloudcontrol"
"""The IAM user name an injected access denial names as the caller (``user/pytest-cloudcontrol``)."""

# The errors common to the API actions of all AWS services (the API references' "Common Errors" page,
# e.g. docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html). A default message may
# name the call (``{operation}``, ``{account_id}``, ``{region}``, ``{caller}``): it is filled in when the
# error is raised. What a Coral JSON front door was seen answering wins over the page:
# - AccessDeniedException: 400, ``Message``, the text: a Cloud Control ListResources answer quoted in
#   aws/aws-sdk#140 (the page says 403).
# - ExpiredTokenException: 400, ``message``, the text: a DynamoDB (awsJson1_0) answer in guregu/dynamo#68.
# - UnrecognizedClientException: 400 from DynamoDB and Kinesis (yegor256/s3auth#244,
#   awslabs/amazon-kinesis-scaling-utils#46); ``message`` and text from Cognito (aws/aws-sdk-php#2444).
# - InvalidSignatureException: 400, ``message``, the text: DynamoDB (boto/boto#1552).
# The others (never seen from a JSON service) have the page's status and words; their namespace is the
# framework's (``com.amazon.coral.service``; the availability package's for ServiceUnavailable, as for
# ThrottlingException) and their message key lower-case, as in the framework errors seen: inferred.
_COMMON_ERRORS = (
    ErrorSpec(
        "AccessDeniedException",
        CORAL,
        400,
        "Message",
        "User: arn:aws:iam::{account_id}:user/{caller} is not authorized to perform: "
        "cloudformation:{operation} on resource: arn:aws:cloudformation:{region}:{account_id}:resource/* "
        "because no identity-based policy allows the cloudformation:{operation} action",
    ),
    ErrorSpec(
        "ExpiredTokenException",
        CORAL,
        400,
        "message",
        "The security token included in the request is expired",
    ),
    ErrorSpec(
        "UnrecognizedClientException",
        CORAL,
        400,
        "message",
        "The security token included in the request is invalid.",
    ),
    ErrorSpec(
        "InvalidSignatureException",
        CORAL,
        400,
        "message",
        "The request signature we calculated does not match the signature you provided. Check your AWS "
        "Secret Access Key and signing method. Consult the service documentation for details.",
    ),
    ErrorSpec(
        "IncompleteSignature",
        CORAL,
        403,
        "message",
        "The request signature does not conform to AWS standards.",
    ),
    ErrorSpec(
        "InvalidClientTokenId",
        CORAL,
        403,
        "message",
        "The X.509 certificate or AWS access key ID provided does not exist in our records.",
    ),
    ErrorSpec(
        "MissingAuthenticationToken",
        CORAL,
        403,
        "message",
        "The request must contain either a valid (registered) AWS access key ID or X.509 certificate.",
    ),
    ErrorSpec("NotAuthorized", CORAL, 401, "message", "You do not have permission to perform this action."),
    ErrorSpec(
        "OptInRequired", CORAL, 403, "message", "The AWS access key ID needs a subscription for the service."
    ),
    ErrorSpec(
        "RequestExpired",
        CORAL,
        400,
        "message",
        "The request reached the service more than 15 minutes after the date stamp on the request.",
    ),
    ErrorSpec(
        "InternalFailure",
        CORAL,
        500,
        "message",
        "The request processing has failed because of an unknown error, exception or failure.",
    ),
    ErrorSpec(
        "ServiceUnavailable",
        AVAILABILITY,
        503,
        "message",
        "The request has failed due to a temporary failure of the server.",
    ),
    ErrorSpec(
        "MalformedHttpRequestException",
        CORAL,
        400,
        "message",
        "The request body could not be decompressed with the algorithm its Content-Encoding names.",
    ),
    ErrorSpec(
        "RequestAbortedException",
        CORAL,
        400,
        "message",
        "The request was aborted before a reply was sent back.",
    ),
    ErrorSpec("RequestEntityTooLargeException", CORAL, 413, "message", "The request entity is too large."),
    ErrorSpec("RequestTimeoutException", CORAL, 408, "message", "Reading the request timed out."),
    ErrorSpec(
        "ValidationError",
        CORAL,
        400,
        "message",
        "The input fails to satisfy the constraints specified by an AWS service.",
    ),
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
    specs.update((spec.code, spec) for spec in _FRAMEWORK_ERRORS + _COMMON_ERRORS)
    return specs


@cache
def common_error_codes() -> tuple[str, ...]:
    """The codes of the errors common to every AWS action (the API reference's "Common Errors")."""
    return tuple(spec.code for spec in _COMMON_ERRORS)


def injected(
    code: str, message: str | None, status_code: int | None, operation: str, scope: tuple[str, str]
) -> AWSError:
    """An injected error as it answers one call: a default message names the call's operation and caller."""
    if message is None:
        default = error_specs()[code].default_message
        account_id, region = scope
        message = (
            None
            if default is None
            else default.format(operation=operation, account_id=account_id, region=region, caller=CALLER)
        )
    return AWSError(code, message, status_code=status_code)


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
