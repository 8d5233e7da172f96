"""The awsJson1_0 wire protocol: decode a request, check it as AWS's front door does, encode the answer.

Every transport hands ``serve`` the same ``HttpRequest`` and sends back the ``HttpResponse``. The checks
run in AWS's order: JSON body, ``X-Amz-Target``, authentication, types, constraints; then the service.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import formatdate
from functools import lru_cache
from typing import Any

from .codec import json_bytes, parse_json
from .errors import AWSError
from .http import HttpRequest, HttpResponse, NetworkFault, NetworkKind
from .models import Call, Scope
from .registry import new_token
from .service import CloudControlService
from .service_model import operation_names, target_prefix
from .validation import input_validator, json_depth

CONTENT_TYPE = "application/x-amz-json-1.0"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Who the caller is when the request does not say: the fake's Region and account."""

    region: str
    account_id: str
    accounts: Mapping[str, str] = field(default_factory=dict)
    require_signature: bool = True

    def scope(self, request: HttpRequest) -> Scope:
        """The (account, Region) a request is for, read from its SigV4 credential scope.

        ``Credential=<access key>/<date>/<region>/cloudcontrolapi/aws4_request``: the Region is in the
        scope; the access key maps to an account through ``accounts``. An unsigned request (fast mode)
        is for the Region in the host name, ``cloudcontrolapi.<region>.amazonaws.com``.
        """
        authorization = request.header("authorization")
        if authorization:
            start = authorization.find("Credential=")
            if start >= 0:
                parts = authorization[start + 11 :].split("/", 3)
                if len(parts) == 4:
                    return self.accounts.get(parts[0], self.account_id), parts[2]
        elif self.require_signature:
            raise AWSError("MissingAuthenticationTokenException")
        host = request.url.split("://", 1)[-1].split("/", 1)[0]
        labels = host.split(".")
        region = labels[1] if len(labels) > 2 and labels[0] == "cloudcontrolapi" else self.region
        return self.account_id, region


@lru_cache(maxsize=2)
def _http_date(second: int) -> str:
    """The ``Date`` header of a second (made once a second: formatting costs more than the lookup)."""
    return formatdate(second, usegmt=True)


MAX_BODY_DEPTH = 1000  # Jackson's default nesting limit: AWS's JSON front door refuses deeper bodies


def _decode_body(body: bytes) -> dict[str, Any]:
    try:
        params = parse_json(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        params = None
    if not isinstance(params, dict):
        raise AWSError("SerializationException")
    # Python's parser may or may not hit its recursion limit first (it does not on 3.13); nesting that
    # deep needs two bytes a level, so small bodies skip the walk.
    if len(body) > 2 * MAX_BODY_DEPTH and json_depth(params) > MAX_BODY_DEPTH:
        raise AWSError("SerializationException")
    return params


def _operation(target: str) -> str:
    prefix, _, name = target.partition(".")
    if prefix != target_prefix() or name not in operation_names():
        raise AWSError("UnknownOperationException")
    return name


def serve(service: CloudControlService, endpoint: Endpoint, request: HttpRequest) -> HttpResponse:
    """Answer one HTTP request as the Cloud Control endpoint would, and log it as a ``Call``.

    An injected network fault raises ``NetworkFault`` instead of answering: ``connect`` and
    ``connection_closed`` before anything happens (no call is logged), ``read_timeout`` after the call
    was served and logged, its answer lost. Each transport raises its client's own error for it.
    """
    operation = target = request.header("x-amz-target")
    params: dict[str, Any] = {}
    scope = (endpoint.account_id, endpoint.region)
    lost: NetworkKind | None = None
    try:
        params = _decode_body(request.body)
        operation = _operation(target)
        scope = endpoint.scope(request)
        if service.faults:  # the no-fault path costs this one test
            fault = service.take_fault(operation, params, scope)
            if fault is not None:
                lost = fault.strike(scope)
        input_validator(operation)(params)
        status, answer = 200, service.handle(operation, params, scope)
    except AWSError as error:
        status, answer = error.status_code, error.body()
    except NetworkFault:
        raise
    except Exception as error:  # a bug of the fake's: answer it as AWS answers its own faults
        failure = AWSError(
            "ServiceInternalErrorException",
            f"pytest-cloudcontrol failed on this request ({type(error).__name__}: {error}); "
            "please report it with the request that caused it",
        )
        status, answer = failure.status_code, failure.body()
    body = json_bytes(answer)
    request_id = new_token()
    call = Call(
        operation=operation,
        params=params,
        status_code=status,
        error_code=None if status == 200 else answer["__type"].rpartition("#")[2],
        region=scope[1],
        account_id=scope[0],
        request_id=request_id,
        body=body,
    )
    if lost is not None:
        call.answer_lost = True
    service.record(call)
    headers = {
        "x-amzn-requestid": request_id,
        "content-type": CONTENT_TYPE,
        "content-length": str(len(body)),
        "date": _http_date(int(time.time())),
    }
    if lost is not None:
        raise NetworkFault(lost, operation, HttpResponse(status, headers, body))
    return HttpResponse(status, headers, body)
