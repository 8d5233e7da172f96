"""Fuzzing the wire: whatever a client sends, the fake answers something AWS could have answered.

Every operation gets arbitrary bodies (random bytes, invalid UTF-8, non-object JSON, deep nesting, the
right member names with arbitrary JSON values, unicode, huge and empty strings, out-of-range numbers,
nulls), arbitrary ``X-Amz-Target`` headers and missing or garbage ``Authorization`` headers. For each:

- the answer is well formed: 200 with a JSON object that fits the operation's output shape, or a 400/500
  whose JSON body has ``__type`` ``<namespace>#<Code>`` for an error the fake knows, with that error's
  namespace and status;
- botocore's own JSON parser reads it without an exception, and an error parse gives the code;
- the registry stays consistent: what ``fake.requests`` lists equals a ListResourceRequests walk, per
  scope, every status is a valid OperationStatus, at most one write is in flight per resource;
- a call answered with an error changed nothing (requests and resources are as they were).

Any crash of the fake fails the test: an exception raised out of ``serve``, or the 500 its safety net
answers for one of its own exceptions (Message ``pytest-cloudcontrol failed on this request (...``).
The bugs these fuzzers found have regression tests at the end.
"""

from __future__ import annotations

import json
import string
import uuid
from collections import Counter
from dataclasses import asdict
from typing import Any

import botocore.parsers
import pytest
import requests
from botocore import xform_name
from botocore.awsrequest import HeadersDict
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import ListShape, Shape, StructureShape
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pytest_cloudcontrol import FakeCloudControl, protocol, validation
from pytest_cloudcontrol.errors import error_specs
from pytest_cloudcontrol.models import OperationStatus
from pytest_cloudcontrol.service_model import operation_model, operation_names, target_prefix

URL = "https://cloudcontrolapi.us-east-1.amazonaws.com/"
TYPE = "AWS::Logs::LogGroup"
OTHER_KEY = "AKIAOTHERACCOUNT"
OTHER_ACCOUNT = "210987654321"
OPERATIONS = sorted(operation_names())
KNOWN_CODES = frozenset(error_specs())
TYPE_NAMES = (
    TYPE,
    "AWS::S3::Bucket",
    "AWS::SQS::Queue",
    "AWS::EKS::Nodegroup",  # ListResources needs a ResourceModel
    "AWS::ACMPCA::Permission",  # no LIST handler
    "AWS::AppMesh::Mesh",  # no handlers at all: not supported via Cloud Control
    "Org::Unknown::Thing",
    "Aa::Bb::Cc",
)
NO_RETRY = Config(retries={"total_max_attempts": 1})

# The start of the Message of the 500 ServiceInternalErrorException the fake's safety net answers when
# it caught an exception of its own: "pytest-cloudcontrol failed on this request (<Exception>: ...)".
CRASH_PREFIX = "pytest-cloudcontrol failed on this request ("

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


def _crash(response: protocol.HttpResponse) -> str | None:
    """``<Exception>: <text>`` when the fake's safety net answered for its own crash, else None."""
    if response.status != 500:
        return None
    try:
        body = json.loads(response.body)
    except ValueError:
        return None  # not JSON at all: check_answer fails on it
    message = (body.get("Message") if isinstance(body, dict) else None) or ""
    return message[len(CRASH_PREFIX) :] if message.startswith(CRASH_PREFIX) else None


def assert_no_crash(response: protocol.HttpResponse, what: str = "the request") -> None:
    """Fail when the fake's safety net answered ``response`` for an exception of its own."""
    crashed = _crash(response)
    if crashed is not None:
        pytest.fail(f"the fake crashed on {what} (its safety net answered a 500): {crashed}")


def _auth(region: str = "us-east-1", key: str = "testing") -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential={key}/20240101/{region}/cloudcontrolapi/aws4_request, "
        "SignedHeaders=host;x-amz-date;x-amz-target, Signature=abc"
    )


def _headers(operation: str, authorization: str | None = None) -> dict[str, str]:
    headers = {
        "x-amz-target": f"{target_prefix()}.{operation}",
        "content-type": "application/x-amz-json-1.0",
    }
    headers["authorization"] = _auth() if authorization is None else authorization
    return headers


# -- the world each example starts from ----------------------------------------------------------

TOKENS = {status: str(uuid.UUID(int=index + 1, version=4)) for index, status in enumerate(OperationStatus)}


def _world() -> FakeCloudControl:
    """A fresh, never-activated fake with a resource and a request in every status."""
    fake = FakeCloudControl(accounts={OTHER_KEY: OTHER_ACCOUNT})
    fake.seed_resource(TYPE, {"LogGroupName": "existing", "RetentionInDays": 7})
    fake.seed_resource("AWS::S3::Bucket", {"BucketName": "bucket", "AccessControl": "Private"})
    for index, (status, token) in enumerate(TOKENS.items()):
        fake.seed_request(
            TYPE,
            status=status,
            request_token=token,
            identifier=f"group-{index}",
            error_code="NotFound" if status == OperationStatus.FAILED else None,
        )
    fake.seed_request(TYPE, request_token=str(uuid.uuid4()), region="eu-west-1", identifier="eu")
    return fake


# -- well-formedness -----------------------------------------------------------------------------


def _parse(response: protocol.HttpResponse, operation: str) -> dict[str, Any]:
    """Parse an answer as botocore does for ``operation`` (``convert_to_response_dict``'s dict)."""
    model = operation_model(operation)
    response_dict = {
        "headers": HeadersDict(response.headers),
        "status_code": response.status,
        "body": response.body,
        "context": {"operation_name": model.name},
    }
    parser = botocore.parsers.create_parser("json")
    parsed: dict[str, Any] = parser.parse(response_dict, model.output_shape)
    return parsed


def _conforms(value: Any, shape: Shape, path: str = "") -> None:
    """Assert a 200 body fits the output shape: known members only, no nulls, right JSON types."""
    assert value is not None, f"null at {path or '<root>'}"
    if isinstance(shape, StructureShape):
        assert isinstance(value, dict), path
        unknown = set(value) - set(shape.members)
        assert not unknown, f"members {unknown} not in {shape.name} at {path}"
        for name, item in value.items():
            _conforms(item, shape.members[name], f"{path}.{name}")
    elif isinstance(shape, ListShape):
        assert isinstance(value, list), path
        for index, item in enumerate(value):
            _conforms(item, shape.member, f"{path}[{index}]")
    elif shape.type_name == "string":
        assert isinstance(value, str), path
        if shape.name == "Properties":
            assert isinstance(json.loads(value), dict), path
        enum = getattr(shape, "enum", None)
        if enum:
            assert value in enum, f"{value!r} at {path} not in {shape.name}"
    elif shape.type_name == "timestamp":
        assert isinstance(value, (int, float)), path
        assert not isinstance(value, bool), path
    elif shape.type_name == "integer":
        assert isinstance(value, int), path
        assert not isinstance(value, bool), path


def check_answer(response: protocol.HttpResponse, operation: str | None) -> tuple[int, str | None]:
    """Assert the answer is well formed and botocore parses it; return (status, error code)."""
    assert isinstance(response.body, bytes)
    body = json.loads(response.body)
    assert isinstance(body, dict), body
    assert response.headers["content-type"] == protocol.CONTENT_TYPE
    assert int(response.headers["content-length"]) == len(response.body)
    assert uuid.UUID(response.headers["x-amzn-requestid"]).version == 4
    assert "x-amzn-errortype" not in response.headers
    parse_as = operation if operation in operation_names() else "ListResourceRequests"
    parsed = _parse(response, parse_as)
    assert parsed["ResponseMetadata"]["RequestId"] == response.headers["x-amzn-requestid"]
    if response.status == 200:
        assert operation in operation_names()
        assert "__type" not in body
        _conforms(body, operation_model(operation).output_shape)
        assert "Error" not in parsed
        return 200, None
    assert response.status in (400, 500), response.status
    assert_no_crash(response)
    namespace, _, code = body["__type"].partition("#")
    assert code in KNOWN_CODES, body
    spec = error_specs()[code]
    assert namespace == spec.namespace, body
    assert response.status == spec.status_code, body
    assert set(body) <= {"__type", "message", "Message"}, body
    if spec.message_key is not None and len(body) > 1:
        assert set(body) == {"__type", spec.message_key}, body
    assert parsed["Error"]["Code"] == code
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == response.status
    return response.status, code


# -- consistency ---------------------------------------------------------------------------------


def _snapshot(fake: FakeCloudControl) -> tuple[list[Any], list[Any]]:
    requests_ = sorted(json.dumps(asdict(r), sort_keys=True, default=str) for r in fake.requests)
    resources = sorted(json.dumps(asdict(r), sort_keys=True) for r in fake.resources)
    return requests_, resources


def _walk(fake: FakeCloudControl, account: str, region: str) -> list[str]:
    """Every request token a ListResourceRequests walk in one scope returns, in order."""
    key = OTHER_KEY if account == OTHER_ACCOUNT else "testing"
    headers = _headers("ListResourceRequests", _auth(region, key))
    tokens: list[str] = []
    params: dict[str, Any] = {"MaxResults": 7}
    for _ in range(10_000):
        response = serve(fake, protocol.HttpRequest(URL, headers, json.dumps(params).encode()))
        assert check_answer(response, "ListResourceRequests") == (200, None)
        page = json.loads(response.body)
        summaries = page["ResourceRequestStatusSummaries"]
        assert len(summaries) <= 7
        tokens.extend(summary["RequestToken"] for summary in summaries)
        if "NextToken" not in page:
            return tokens
        params["NextToken"] = page["NextToken"]
    raise AssertionError("ListResourceRequests never ended")


def check_consistent(fake: FakeCloudControl) -> None:
    """The registry agrees with itself: listing, statuses, in-flight writes."""
    requests_ = fake.requests
    by_scope: dict[tuple[str, str], list[str]] = {}
    for request in requests_:
        assert isinstance(request.status, OperationStatus)
        assert (
            request.status.value
            in operation_model("GetResourceRequestStatus")
            .output_shape.members["ProgressEvent"]
            .members["OperationStatus"]
            .enum
        )
        by_scope.setdefault((request.account_id, request.region), []).append(request.request_token)
    assert len({r.request_token for r in requests_}) == len(requests_)
    by_scope.setdefault((fake.account_id, fake.region), [])
    for (account, region), tokens in by_scope.items():
        walked = _walk(fake, account, region)
        assert len(walked) == len(set(walked)), "a walk listed a request twice"
        assert set(walked) == set(tokens), (account, region)
    running = Counter(
        (r.account_id, r.region, r.type_name, r.identifier)
        for r in requests_
        if r.identifier is not None
        and r.status in (OperationStatus.IN_PROGRESS, OperationStatus.CANCEL_IN_PROGRESS)
    )
    assert all(count == 1 for count in running.values()), running


def serve(fake: FakeCloudControl, request: protocol.HttpRequest) -> protocol.HttpResponse:
    """``fake._serve``; the fake crashing (raising, or its safety net answering) fails the test."""
    target = request.headers.get("x-amz-target")
    try:
        response = fake._serve(request)
    except Exception as error:
        raise AssertionError(
            f"the fake raised {type(error).__name__} out of serve (X-Amz-Target {target!r}): {error}"
        ) from error
    assert_no_crash(response, f"X-Amz-Target {target!r}")
    return response


def exchange(
    fake: FakeCloudControl, operation: str | None, headers: dict[str, str], body: bytes
) -> tuple[int, str | None]:
    """Send one request, check the answer and the registry, and that an error changed nothing."""
    before = _snapshot(fake)
    response = serve(fake, protocol.HttpRequest(URL, headers, body))
    status, code = check_answer(response, operation)
    event(f"{status} {code}")
    if status != 200:
        assert _snapshot(fake) == before, f"{code} answer changed state"
    assert fake.calls[-1].status_code == status
    check_consistent(fake)
    return status, code


# -- strategies ------------------------------------------------------------------------------------

_numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from([0, -1, 1, 100, 101, 2**31, 2**63, -(2**63) - 1]),
    st.just(None).map(lambda _: 10**4000),
    st.floats(allow_nan=False, allow_infinity=False),
)
_scalars = st.one_of(st.none(), st.booleans(), _numbers, st.text(max_size=40))
json_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def deep_json(draw: st.DrawFn) -> str:
    depth = draw(st.one_of(st.integers(1, 200), st.integers(200, 5000)))
    kind = draw(st.sampled_from(["list", "object", "mixed"]))
    if kind == "list":
        return "[" * depth + "]" * depth
    if kind == "object":
        return '{"a":' * depth + "1" + "}" * depth
    return '{"TypeName":' + "[{" * depth + '"x":[' + "]}" * depth + "]}"


@st.composite
def huge_string(draw: st.DrawFn) -> str:
    """Empty, boundary-length and huge (up to ~300 KB) strings; unicode ones stay small."""
    length = draw(
        st.sampled_from([0, 1, 127, 128, 129, 196, 197, 1024, 1025, 2048, 2049, 262144, 262145, 300_000])
    )
    if length > 2049:
        return draw(st.sampled_from(["a", "-", "=", "{", " "])) * length
    return draw(st.sampled_from(["a", "-", "é", "\u2603", "\U0001f600", "\x00", "\ud800", "=", "{"])) * length


_token_like = st.one_of(
    st.sampled_from(list(TOKENS.values())),
    st.uuids().map(str),
    st.text(alphabet=string.ascii_letters + string.digits + "-+/=", min_size=1, max_size=128),
    st.text(max_size=20),
)


def _document(values: st.SearchStrategy[Any]) -> st.SearchStrategy[str]:
    """A JSON document inside a string (DesiredState, ResourceModel, PatchDocument)."""
    return values.map(json.dumps)


_properties = st.dictionaries(
    st.sampled_from(
        ["LogGroupName", "BucketName", "RetentionInDays", "Tags", "QueueName", "ClusterName", "x"]
    ),
    json_values,
    max_size=4,
)
_patch_ops = st.lists(
    st.fixed_dictionaries(
        {"op": st.sampled_from(["add", "remove", "replace", "move", "copy", "test", "bogus"])},
        optional={
            "path": st.sampled_from(
                [
                    "",
                    "/",
                    "/RetentionInDays",
                    "/LogGroupName",
                    "/Tags",
                    "/Tags/-",
                    "/Tags/0",
                    "/a/b",
                    "/Arn",
                    "RetentionInDays",
                    "/a~2",
                    "/~1",
                    "/Tags/01",
                ]
            )
            | json_values,
            "from": st.sampled_from(["/RetentionInDays", "/LogGroupName", "/nope", "bad"]) | json_values,
            "value": json_values,
        },
    ),
    max_size=3,
)

# What a member can hold: arbitrary JSON of any type, or a value shaped for the member.
_MEMBER_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "RequestToken": _token_like,
    "ClientToken": _token_like,
    "TypeName": st.sampled_from(TYPE_NAMES),
    "TypeVersionId": st.text(max_size=10),
    "RoleArn": st.sampled_from(["arn:aws:iam::123456789012:role/r", "arn:bad"]),
    "Identifier": st.sampled_from(["existing", "bucket", "missing", "group-0", "", "a" * 1025]),
    "DesiredState": _document(_properties) | _document(json_values) | st.text(max_size=20),
    "ResourceModel": _document(_properties) | _document(json_values) | st.text(max_size=20),
    "PatchDocument": _document(_patch_ops) | _document(json_values) | st.text(max_size=20),
    "MaxResults": _numbers,
    "NextToken": st.sampled_from(["djE6MQ==", "djE6LTE=", "djI6MQ==", "!!", "djE6OTk5OTk5OTk5OTk5OTk5"])
    | st.text(max_size=20),
    "ResourceRequestStatusFilter": st.fixed_dictionaries(
        {},
        optional={
            "Operations": st.lists(
                st.sampled_from(["CREATE", "UPDATE", "DELETE", "create"]) | _scalars, max_size=4
            ),
            "OperationStatuses": st.lists(
                st.sampled_from([s.value for s in OperationStatus]) | _scalars, max_size=4
            ),
        },
    ),
}


def member_bodies(operation: str) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with the operation's member names; values of the right kind, or any JSON at all."""
    members = operation_model(operation).input_shape.members
    return st.fixed_dictionaries(
        {},
        optional={
            name: st.one_of(_MEMBER_VALUES.get(name, json_values), json_values, huge_string(), st.none())
            for name in members
        },
    ) | st.dictionaries(st.sampled_from([*members, "Extra", ""]), json_values, max_size=5)


def raw_bodies(operation: str) -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=64),
        st.sampled_from([b"", b"\xff\xfe", b"\x80", b"{\xff}", b'{"a":"\xc3"}', b"\xef\xbb\xbf{}", b"null"]),
        json_values.map(lambda v: json.dumps(v).encode()),
        deep_json().map(str.encode),
        member_bodies(operation).map(lambda v: json.dumps(v).encode()),
        member_bodies(operation).map(
            lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogatepass")
        ),
        st.text(max_size=40).map(lambda s: s.encode("utf-8", "surrogatepass")),
    )


# -- the fuzzers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("operation", OPERATIONS)
@FUZZ
@given(data=st.data())
def test_arbitrary_bodies(operation: str, data: st.DataObject) -> None:
    fake = _world()
    body = data.draw(raw_bodies(operation), label="body")
    exchange(fake, operation, _headers(operation), body)


@pytest.mark.parametrize("operation", OPERATIONS)
@FUZZ
@given(data=st.data())
def test_member_values(operation: str, data: st.DataObject) -> None:
    """The right member names with values of any JSON type; several calls in a row on one fake."""
    fake = _world()
    for _ in range(data.draw(st.integers(1, 3), label="calls")):
        body = data.draw(member_bodies(operation), label="body")
        exchange(fake, operation, _headers(operation), json.dumps(body).encode())


@settings(FUZZ, max_examples=40)
@given(
    target=st.one_of(
        st.text(max_size=60),
        st.sampled_from(OPERATIONS).map(lambda op: f"{target_prefix()}.{op}"),
        st.sampled_from(OPERATIONS).map(lambda op: f"{target_prefix()}.{op.lower()}"),
        st.sampled_from(OPERATIONS).map(lambda op: f"CloudApiService.{op}.Extra"),
        st.sampled_from(
            [
                "",
                ".",
                "CloudApiService",
                "CloudApiService.",
                ".ListResources",
                "cloudapiservice.ListResources",
                "CloudApiService.__init__",
                "CloudApiService.handle",
                "CloudApiService.record",
            ]
        ),
        st.none(),
    ),
    authorization=st.one_of(
        st.none(),
        st.text(max_size=60),
        st.sampled_from(
            [
                "",
                "Credential=",
                "Credential=a/b/c",
                "Credential=a/b/c/d",
                "Credential=///",
                "Credential=" + OTHER_KEY + "/x/us-east-1/s/aws4_request",
                _auth("eu-west-1"),
            ]
        ),
        st.text(max_size=12).map(lambda region: _auth(region)),
    ),
    body=st.sampled_from(
        [
            b"{}",
            b'{"RequestToken": "' + TOKENS[OperationStatus.IN_PROGRESS].encode() + b'"}',
            b'{"TypeName": "AWS::Logs::LogGroup", "DesiredState": "{\\"LogGroupName\\": \\"new\\"}"}',
            b"[]",
            b"",
        ]
    ),
    host=st.sampled_from(
        [URL, "https://cloudcontrolapi.eu-west-1.amazonaws.com/", "http://localhost:1/", "weird"]
    ),
    signed=st.booleans(),
)
def test_arbitrary_targets_and_authorization(
    target: str | None, authorization: str | None, body: bytes, host: str, signed: bool
) -> None:
    fake = _world()
    if not signed:
        fake = FakeCloudControl(fast=True)
    headers = {"content-type": "application/x-amz-json-1.0"}
    if target is not None:
        headers["x-amz-target"] = target
    if authorization is not None:
        headers["authorization"] = authorization
    operation = None
    if target is not None and target.startswith(target_prefix() + "."):
        operation = target.removeprefix(target_prefix() + ".")
    before = _snapshot(fake)
    response = serve(fake, protocol.HttpRequest(host, headers, body))
    status, code = check_answer(response, operation)
    if operation not in operation_names() and body != b"" and body != b"[]":
        assert code == "UnknownOperationException"
    if operation in operation_names() and not authorization and signed and body == b"{}":
        assert code == "MissingAuthenticationTokenException"
    if status != 200:
        assert _snapshot(fake) == before
    check_consistent(fake)


@settings(FUZZ, max_examples=30)
@given(
    operation=st.sampled_from(OPERATIONS),
    member=st.sampled_from(
        [
            "RequestToken",
            "ClientToken",
            "TypeName",
            "Identifier",
            "DesiredState",
            "PatchDocument",
            "ResourceModel",
            "NextToken",
            "TypeVersionId",
            "RoleArn",
        ]
    ),
    value=huge_string(),
)
def test_huge_and_empty_strings(operation: str, member: str, value: str) -> None:
    fake = _world()
    body = {
        "RequestToken": TOKENS[OperationStatus.IN_PROGRESS],
        "TypeName": TYPE,
        "Identifier": "existing",
        "DesiredState": '{"LogGroupName": "fresh"}',
        "PatchDocument": '[{"op": "replace", "path": "/RetentionInDays", "value": 14}]',
    }
    allowed = operation_model(operation).input_shape.members
    body = {key: item for key, item in body.items() if key in allowed}
    body[member] = value
    exchange(fake, operation, _headers(operation), json.dumps(body).encode())


@settings(FUZZ, max_examples=15)
@given(
    operation=st.sampled_from(OPERATIONS),
    body=st.binary(max_size=40) | st.sampled_from([b"{}", b"[1]", b"\xff"]),
    target=st.text(alphabet=string.printable.strip(), max_size=40)
    | st.sampled_from(OPERATIONS).map(lambda op: f"CloudApiService.{op}"),
    authorization=st.text(alphabet=string.printable.strip() + " ", max_size=40).map(str.strip)
    | st.just(_auth()),
)
def test_requests_transport(operation: str, body: bytes, target: str, authorization: str) -> None:
    """The same guarantees through ``fake.mock_requests()`` and real ``requests`` posts."""
    fake = _world()
    headers = {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.0"}
    if authorization:
        headers["Authorization"] = authorization
    with fake.mock_requests():
        try:
            answer = requests.post(URL, data=body, headers=headers, timeout=5)
        except Exception as error:
            raise AssertionError(
                f"the fake raised {type(error).__name__} through mock_requests: {error}"
            ) from error
    response = protocol.HttpResponse(
        answer.status_code, {k.lower(): v for k, v in answer.headers.items()}, answer.content
    )
    assert_no_crash(response, f"X-Amz-Target {target!r} through mock_requests")
    check_answer(response, target.removeprefix("CloudApiService."))
    check_consistent(fake)


# -- fuzzed but valid inputs through a real botocore client ----------------------------------------

_valid_tokens = st.one_of(
    st.sampled_from(list(TOKENS.values())),
    st.uuids().map(str),
    st.text(alphabet=string.ascii_letters + string.digits + "-+/=", min_size=1, max_size=128),
)
_valid_type_names = st.sampled_from(TYPE_NAMES)
_names = st.sampled_from(["existing", "bucket", "g1", "g2", "group-0", "shared"]) | st.text(
    alphabet=string.ascii_letters + string.digits + "-_/.#", min_size=1, max_size=30
)
_desired = st.fixed_dictionaries(
    {},
    optional={
        "LogGroupName": _names,
        "BucketName": _names,
        "QueueName": _names,
        "ClusterName": _names,
        "RetentionInDays": st.integers(-5, 4000),
        "Tags": st.lists(
            st.fixed_dictionaries({"Key": st.text(max_size=5), "Value": st.text(max_size=5)}), max_size=2
        ),
    },
).map(json.dumps)
_patch_document = st.lists(
    st.fixed_dictionaries(
        {
            "op": st.sampled_from(["add", "remove", "replace", "move", "copy", "test"]),
            "path": st.sampled_from(
                ["/RetentionInDays", "/Tags", "/Tags/0", "/Tags/-", "/LogGroupName", "/Arn", "/Nested/a", ""]
            ),
        },
        optional={"value": json_values, "from": st.sampled_from(["/RetentionInDays", "/Tags/0", "/Missing"])},
    ),
    min_size=1,
    max_size=3,
).map(json.dumps)


@st.composite
def client_calls(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    operation = draw(st.sampled_from(OPERATIONS))
    members = operation_model(operation).input_shape.members
    candidates: dict[str, st.SearchStrategy[Any]] = {
        "RequestToken": _valid_tokens,
        "ClientToken": st.sampled_from(["ct-1", "ct-2"]) | _valid_tokens,
        "TypeName": _valid_type_names,
        "Identifier": _names,
        "DesiredState": _desired,
        "PatchDocument": _patch_document,
        "ResourceModel": _desired,
        "MaxResults": st.integers(1, 100),
        "ResourceRequestStatusFilter": st.fixed_dictionaries(
            {},
            optional={
                "Operations": st.lists(st.sampled_from(["CREATE", "UPDATE", "DELETE"]), max_size=3),
                "OperationStatuses": st.lists(
                    st.sampled_from([s.value for s in OperationStatus]), max_size=3
                ),
            },
        ),
    }
    required = set(operation_model(operation).input_shape.required_members)
    params = {}
    for name in members:
        if name in candidates and (name in required or draw(st.booleans())):
            params[name] = draw(candidates[name], label=name)
    return operation, params


def test_valid_inputs_through_a_real_client() -> None:
    with _world() as fake:
        client = fake.client(config=NO_RETRY)
        paginator = client.get_paginator("list_resource_requests")

        @settings(FUZZ, max_examples=60)
        @given(call=client_calls(), advance=st.sampled_from([0, 0, 0, 5, 3600, 37 * 3600, 8 * 86400]))
        def run(call: tuple[str, dict[str, Any]], advance: int) -> None:
            operation, params = call
            fake.advance(advance)
            try:
                answer = getattr(client, xform_name(operation))(**params)
            except ClientError as error:
                message = error.response["Error"].get("Message", "")
                if message.startswith(CRASH_PREFIX):
                    pytest.fail(f"the fake crashed on {operation} (its safety net answered a 500): {message}")
                code = error.response["Error"]["Code"]
                assert code in KNOWN_CODES, code
                event(f"{operation} {code}")
            else:
                assert isinstance(answer, dict)
                assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
                event(f"{operation} 200")
            walked = [
                s["RequestToken"]
                for page in paginator.paginate()
                for s in page["ResourceRequestStatusSummaries"]
            ]
            assert sorted(walked) == sorted(
                r.request_token
                for r in fake.requests
                if (r.account_id, r.region) == (fake.account_id, fake.region)
            )
            check_consistent(fake)

        run()


# -- regression tests for the bugs these fuzzers found ----------------------------------------------


def _answer(fake: FakeCloudControl, operation: str, body: bytes) -> tuple[int, str | None]:
    return check_answer(serve(fake, protocol.HttpRequest(URL, _headers(operation), body)), operation)


# A deeply nested body raised RecursionError out of ``serve``.
@pytest.mark.parametrize("body", [b"[" * 5000 + b"]" * 5000, b'{"a":' * 3000 + b"1" + b"}" * 3000])
def test_deeply_nested_body_is_a_serialization_exception(body: bytes) -> None:
    assert _answer(FakeCloudControl(), "ListResourceRequests", body) == (400, "SerializationException")


# A null list member raised TypeError (``len(None)``) in validation.
@pytest.mark.parametrize("member", ["Operations", "OperationStatuses"])
def test_null_in_a_filter_list_is_a_client_error(member: str) -> None:
    body = json.dumps({"ResourceRequestStatusFilter": {member: [None]}}).encode()
    status, code = _answer(FakeCloudControl(), "ListResourceRequests", body)
    assert status == 400
    assert code in ("ValidationException", "SerializationException")


# A deeply nested DesiredState/ResourceModel/PatchDocument made json.loads raise RecursionError (the
# service caught only ValueError): a 500 crash answer, not a 400 ValidationException.
@pytest.mark.parametrize(
    ("operation", "member"),
    [
        ("CreateResource", "DesiredState"),
        ("ListResources", "ResourceModel"),
        ("UpdateResource", "PatchDocument"),
    ],
)
def test_deeply_nested_document_is_a_validation_exception(operation: str, member: str) -> None:
    fake = FakeCloudControl()
    fake.seed_resource(TYPE, {"LogGroupName": "existing"})
    body = {"TypeName": TYPE, "Identifier": "existing", member: "[" * 5000 + "]" * 5000}
    allowed = operation_model(operation).input_shape.members
    body = {key: value for key, value in body.items() if key in allowed}
    assert _answer(fake, operation, json.dumps(body).encode()) == (400, "ValidationException")


# An invalid JSON Pointer in a PatchDocument raised jsonpointer.JsonPointerException, which the service
# did not catch: a 500 crash answer, not a 400 ValidationException.
@pytest.mark.parametrize(
    "patch",
    [
        [{"op": "add", "path": "RetentionInDays", "value": 1}],
        [{"op": "add", "path": "/a~2", "value": 1}],
    ],
)
def test_invalid_patch_pointer_is_a_validation_exception(patch: list[dict[str, Any]]) -> None:
    fake = FakeCloudControl()
    fake.seed_resource(TYPE, {"LogGroupName": "existing", "RetentionInDays": 7})
    body = {"TypeName": TYPE, "Identifier": "existing", "PatchDocument": json.dumps(patch)}
    assert _answer(fake, "UpdateResource", json.dumps(body).encode()) == (400, "ValidationException")


# Deep-but-parseable properties were accepted, and finishing the request (deepcopy in without_write_only)
# raised RecursionError in a later, unrelated call, after store.put: the resource existed, the request
# stayed IN_PROGRESS forever and locked the identifier.
def test_deep_properties_do_not_poison_the_fake() -> None:
    fake = FakeCloudControl()
    deep = json.dumps({"LogGroupName": "deep", "Deep": json.loads("[" * 600 + "]" * 600)})
    body = json.dumps({"TypeName": TYPE, "DesiredState": deep}).encode()
    status, code = _answer(fake, "CreateResource", body)
    # Either refuse it now, or take it and finish it; later calls must answer well formed either way.
    assert _answer(fake, "ListResourceRequests", b"{}") == (200, None)
    if status != 200:
        assert (status, code) == (400, "ValidationException")
        assert fake.requests == []
        assert fake.resources == []
        return
    (request,) = fake.requests
    assert not request.status.in_flight, request.status
    get = json.dumps({"TypeName": TYPE, "Identifier": "deep"}).encode()
    assert _answer(fake, "GetResource", get)[0] in (200, 400)
    delete = json.dumps({"TypeName": TYPE, "Identifier": "deep"}).encode()
    assert _answer(fake, "DeleteResource", delete) == (200, None)


# The ValueError base64.b64decode raises for a non-ASCII str escaped the NextToken decoding: a 500 crash
# answer instead of a 400 InvalidRequestException "Invalid NextToken".
@pytest.mark.parametrize("token", ["é", "djE6MQ==é", "\u2603"])
def test_non_ascii_list_resources_next_token_is_invalid(token: str) -> None:
    body = json.dumps({"TypeName": TYPE, "NextToken": token}).encode()
    assert _answer(FakeCloudControl(), "ListResources", body) == (400, "InvalidRequestException")


# Non-UTF-8 header bytes raised UnicodeDecodeError in the transport (they are now read as latin-1).
@pytest.mark.parametrize("header", ["Authorization", "X-Amz-Target"])
def test_non_utf8_header_bytes_through_requests_are_answered(header: str) -> None:
    fake = FakeCloudControl()
    headers: dict[str, str | bytes] = {
        "X-Amz-Target": "CloudApiService.ListResourceRequests",
        "Authorization": _auth(),
    }
    headers[header] = b"\xff\xfe" + str(headers[header]).encode()
    with fake.mock_requests():
        answer = requests.post(URL, data=b"{}", headers=headers, timeout=5)
    response = protocol.HttpResponse(
        answer.status_code, {k.lower(): v for k, v in answer.headers.items()}, answer.content
    )
    # The fake checks no signature, so a mangled Authorization may still be served; the answer must be
    # well formed either way, and a mangled target is an unknown operation.
    status, code = check_answer(response, "ListResourceRequests")
    if header == "X-Amz-Target":
        assert (status, code) == (400, "UnknownOperationException")


# -- the validator's quick check never accepts what the full validator refuses ----------------------


def _input(operation: str) -> StructureShape:
    shape = operation_model(operation).input_shape
    assert isinstance(shape, StructureShape)
    return shape


_QUICK_OPERATIONS = [op for op in OPERATIONS if validation._flat_members(_input(op)) is not None]
_MEMBERS = sorted({name for op in OPERATIONS for name in _input(op).members} | {"Other"})


def test_the_quick_check_covers_every_flat_operation() -> None:
    assert "ListResourceRequests" not in _QUICK_OPERATIONS  # its filter is a structure of lists
    assert len(_QUICK_OPERATIONS) == len(OPERATIONS) - 1


_VALID_MEMBERS = {
    "RequestToken": str(uuid.uuid4()),
    "TypeName": TYPE,
    "Identifier": "g",
    "DesiredState": "{}",
    "PatchDocument": "[]",
    "ClientToken": "token-1",
}


@settings(FUZZ, max_examples=300)
@given(
    operation=st.sampled_from(_QUICK_OPERATIONS),
    changes=st.dictionaries(
        st.sampled_from(_MEMBERS),
        st.one_of(_token_like, _valid_type_names, huge_string(), _scalars, st.lists(_scalars, max_size=2)),
        max_size=2,
    ),
    dropped=st.sets(st.sampled_from(sorted(_VALID_MEMBERS)), max_size=1),
)
def test_the_quick_check_accepts_only_what_the_full_validator_accepts(
    operation: str, changes: dict[str, Any], dropped: set[str]
) -> None:
    shape = _input(operation)
    values = {k: v for k, v in _VALID_MEMBERS.items() if k in shape.members and k not in dropped}
    values.update(changes)
    members = validation._flat_members(shape)
    assert members is not None
    quick = validation._quick_check(members)(values)
    types_error = validation._compile_types(shape)(values)
    violations: list[str] = []
    if types_error is None:
        validation._compile_structure(shape)(values, "", violations)
    full = types_error is None and not violations
    event(f"quick {quick}, full {full}")
    assert not quick or full, (types_error, violations)
    if full and all(type(v) in (str, int) for v in values.values()):
        assert quick  # exact JSON types: the quick check decides alone
