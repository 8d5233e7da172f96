"""The awsJson1_0 wire: response metadata, error bodies, the front door's checks, injected errors."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import boto3
import botocore
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_cloudcontrol import CloudControlUsageError, FakeCloudControl, protocol

TYPE = "AWS::Logs::LogGroup"
URL = "https://cloudcontrolapi.us-east-1.amazonaws.com/"
AUTH = (
    "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/cloudcontrolapi/aws4_request, "
    "SignedHeaders=host;x-amz-date;x-amz-target, Signature=abc"
)
NO_RETRY = Config(retries={"total_max_attempts": 1})


def _headers(operation: str = "ListResourceRequests", **extra: str) -> dict[str, str]:
    headers = {
        "x-amz-target": f"CloudApiService.{operation}",
        "content-type": "application/x-amz-json-1.0",
        "authorization": AUTH,
    }
    headers.update(extra)
    return headers


def _serve(
    fake: FakeCloudControl, body: bytes, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], dict[str, Any]]:
    response = protocol.serve(
        fake._service,
        protocol.Endpoint(fake.region, fake.account_id),
        protocol.HttpRequest(URL, _headers() if headers is None else headers, body),
    )
    return response.status, response.headers, json.loads(response.body)


@pytest.fixture
def raw() -> FakeCloudControl:
    """A fake that is never activated: requests reach it only through ``protocol.serve``."""
    return FakeCloudControl()


# -- response metadata through a real client ---------------------------------------------------


def test_success_metadata(client: Any) -> None:
    answer = client.list_resource_requests()

    meta = answer["ResponseMetadata"]
    assert uuid.UUID(meta["RequestId"]).version == 4
    assert meta["HTTPStatusCode"] == 200
    assert meta["RetryAttempts"] == 0
    assert meta["HTTPHeaders"]["content-type"] == "application/x-amz-json-1.0"
    assert meta["HTTPHeaders"]["x-amzn-requestid"] == meta["RequestId"]
    assert int(meta["HTTPHeaders"]["content-length"]) > 0
    assert "date" in meta["HTTPHeaders"]


def test_request_ids_are_fresh_and_logged(cloudcontrol: FakeCloudControl, client: Any) -> None:
    ids = [client.list_resource_requests()["ResponseMetadata"]["RequestId"] for _ in range(3)]

    assert len(set(ids)) == 3
    assert [call.request_id for call in cloudcontrol.calls] == ids


def test_modeled_error_metadata_and_no_errortype_header(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = "0b3e1c53-5a16-4f4c-9d57-2d0a6e9b8d11"
    with pytest.raises(client.exceptions.RequestTokenNotFoundException) as excinfo:
        client.get_resource_request_status(RequestToken=token)

    meta = excinfo.value.response["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 400
    assert uuid.UUID(meta["RequestId"])
    assert meta["HTTPHeaders"]["content-type"] == "application/x-amz-json-1.0"
    assert "x-amzn-errortype" not in meta["HTTPHeaders"]
    # The body as sent: the service namespace and a capital-M Message.
    assert cloudcontrol.calls[-1].response == {
        "__type": "com.amazon.cloudapiservice#RequestTokenNotFoundException",
        "Message": f"Request with token {token} was not found",
    }


def test_validation_error_uses_coral_namespace_and_lowercase_message(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.cancel_resource_request(RequestToken="bad token!")

    assert "x-amzn-errortype" not in excinfo.value.response["ResponseMetadata"]["HTTPHeaders"]
    body = cloudcontrol.calls[-1].response
    assert body["__type"] == "com.amazon.coral.validate#ValidationException"
    assert set(body) == {"__type", "message"}
    assert body["message"].startswith("1 validation error detected: Value 'bad token!'")


def test_unsigned_client_is_missing_authentication_token(cloudcontrol: FakeCloudControl) -> None:
    unsigned = boto3.client(
        "cloudcontrol", region_name="us-east-1", config=Config(signature_version=botocore.UNSIGNED)
    )

    with pytest.raises(ClientError) as excinfo:
        unsigned.list_resource_requests()

    error = excinfo.value.response["Error"]
    assert error["Code"] == "MissingAuthenticationTokenException"
    assert error["Message"] == "Request is missing Authentication Token"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert cloudcontrol.calls[-1].response["__type"] == (
        "com.amazon.coral.service#MissingAuthenticationTokenException"
    )


@pytest.mark.parametrize(
    "url", ["https://cloudcontrol.example.com/", "http://cloudcontrolapi.localhost:8080/"]
)
def test_unsigned_request_to_another_host_is_for_the_fakes_region(url: str) -> None:
    headers = {"X-Amz-Target": "CloudApiService.ListResourceRequests", "Content-Type": protocol.CONTENT_TYPE}
    with FakeCloudControl(region="eu-west-1", fast=True) as fake, fake.mock_requests(url=url):
        answer = requests.post(url, data=b"{}", headers=headers, timeout=5)

    assert answer.status_code == 200
    assert [(call.region, call.account_id) for call in fake.calls] == [("eu-west-1", fake.account_id)]


def test_real_client_sees_a_corrupted_body_as_serialization_exception(
    cloudcontrol: FakeCloudControl,
) -> None:
    own = boto3.client("cloudcontrol", region_name="us-east-1", config=NO_RETRY)

    def corrupt(request: Any, **kwargs: Any) -> None:
        request.data = b"{not json"

    own.meta.events.register("before-sign.cloudcontrol.ListResourceRequests", corrupt)
    with pytest.raises(ClientError) as excinfo:
        own.list_resource_requests()

    assert excinfo.value.response["Error"]["Code"] == "SerializationException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert cloudcontrol.calls[-1].response == {"__type": "com.amazon.coral.service#SerializationException"}


def test_real_client_with_unknown_target_gets_unknown_operation(cloudcontrol: FakeCloudControl) -> None:
    own = boto3.client("cloudcontrol", region_name="us-east-1", config=NO_RETRY)

    def retarget(request: Any, **kwargs: Any) -> None:
        request.headers.replace_header("X-Amz-Target", "CloudApiService.DescribeEverything")

    own.meta.events.register("before-sign.cloudcontrol.ListResourceRequests", retarget)
    with pytest.raises(ClientError) as excinfo:
        own.list_resource_requests()

    assert excinfo.value.response["Error"]["Code"] == "UnknownOperationException"
    assert cloudcontrol.calls[-1].response == {"__type": "com.amazon.coral.service#UnknownOperationException"}
    assert cloudcontrol.calls[-1].error_code == "UnknownOperationException"


# -- the front door, on the raw wire -----------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b'["RequestToken"]',
        b"42",
        b'"x"',
        b"null",
        b"\xff\xfe\x00",
        b'{"RequestToken": ',
    ],
)
def test_body_that_is_not_a_json_object(raw: FakeCloudControl, body: bytes) -> None:
    status, headers, answer = _serve(raw, body)

    assert status == 400
    assert answer == {"__type": "com.amazon.coral.service#SerializationException"}
    assert headers["content-type"] == "application/x-amz-json-1.0"
    assert "x-amzn-errortype" not in headers
    assert uuid.UUID(headers["x-amzn-requestid"])
    assert raw.calls[-1].params == {}


@pytest.mark.parametrize(
    "target",
    ["CloudApiService.DescribeEverything", "DynamoDB_20120810.ListTables", "ListResourceRequests", ""],
)
def test_unknown_target_has_no_message(raw: FakeCloudControl, target: str) -> None:
    headers = _headers()
    headers["x-amz-target"] = target

    status, _, answer = _serve(raw, b"{}", headers)

    assert status == 400
    assert answer == {"__type": "com.amazon.coral.service#UnknownOperationException"}


def test_missing_target_header(raw: FakeCloudControl) -> None:
    headers = _headers()
    del headers["x-amz-target"]

    status, _, answer = _serve(raw, b"{}", headers)

    assert (status, answer) == (400, {"__type": "com.amazon.coral.service#UnknownOperationException"})


def test_missing_authorization(raw: FakeCloudControl) -> None:
    headers = _headers()
    del headers["authorization"]

    status, _, answer = _serve(raw, b"{}", headers)

    assert status == 400
    assert answer == {
        "__type": "com.amazon.coral.service#MissingAuthenticationTokenException",
        "message": "Request is missing Authentication Token",
    }


def test_front_door_order_json_then_target_then_auth(raw: FakeCloudControl) -> None:
    nothing = {"x-amz-target": "Nope.Nope"}

    assert _serve(raw, b"garbage", nothing)[2]["__type"].endswith("#SerializationException")
    assert _serve(raw, b"{}", nothing)[2]["__type"].endswith("#UnknownOperationException")
    no_auth = {"x-amz-target": "CloudApiService.CancelResourceRequest"}
    assert _serve(raw, b'{"RequestToken": 5}', no_auth)[2]["__type"].endswith(
        "#MissingAuthenticationTokenException"
    )
    # Types come before constraints.
    assert _serve(raw, b'{"RequestToken": 5}', _headers("CancelResourceRequest"))[2]["__type"].endswith(
        "#SerializationException"
    )


@pytest.mark.parametrize(
    ("operation", "body", "message"),
    [
        ("CancelResourceRequest", {"RequestToken": 5}, "NUMBER_VALUE cannot be converted to String"),
        ("CancelResourceRequest", {"RequestToken": True}, "BOOLEAN_VALUE cannot be converted to String"),
        ("ListResourceRequests", {"MaxResults": "10"}, "STRING_VALUE cannot be converted to Integer"),
        ("ListResourceRequests", {"MaxResults": True}, "BOOLEAN_VALUE cannot be converted to Integer"),
        (
            "ListResourceRequests",
            {"ResourceRequestStatusFilter": {"Operations": "CREATE"}},
            "STRING_VALUE cannot be converted to Operations",
        ),
        (
            "ListResourceRequests",
            {"ResourceRequestStatusFilter": []},
            "Start of list found where not expected.",
        ),
        (
            "ListResourceRequests",
            {"ResourceRequestStatusFilter": "CREATE"},
            "STRING_VALUE cannot be converted to ResourceRequestStatusFilter",
        ),
        (
            "ListResourceRequests",
            {"ResourceRequestStatusFilter": {"Operations": ["CREATE", 1.5]}},
            "NUMBER_VALUE cannot be converted to String",
        ),
        (
            "ListResourceRequests",
            {"ResourceRequestStatusFilter": {"OperationStatuses": ["PENDING", {}]}},
            "Start of structure or map found where not expected.",
        ),
        (
            "CancelResourceRequest",
            {"RequestToken": {"a": 1}},
            "Start of structure or map found where not expected.",
        ),
    ],
)
def test_wrong_json_type_is_serialization_exception_with_message(
    raw: FakeCloudControl, operation: str, body: dict[str, Any], message: str
) -> None:
    status, _, answer = _serve(raw, json.dumps(body).encode(), _headers(operation))

    assert status == 400
    assert answer == {"__type": "com.amazon.coral.service#SerializationException", "Message": message}


def test_missing_required_member_is_value_null(raw: FakeCloudControl) -> None:
    status, _, answer = _serve(raw, b"{}", _headers("CancelResourceRequest"))

    assert status == 400
    assert answer == {
        "__type": "com.amazon.coral.validate#ValidationException",
        "message": "1 validation error detected: Value null at 'requestToken' failed to satisfy "
        "constraint: Member must not be null",
    }


def test_modeled_error_on_the_raw_wire(raw: FakeCloudControl) -> None:
    status, headers, answer = _serve(raw, b'{"RequestToken": "abc"}', _headers("CancelResourceRequest"))

    assert status == 400
    assert answer == {
        "__type": "com.amazon.cloudapiservice#RequestTokenNotFoundException",
        "Message": "Request with token abc was not found",
    }
    assert set(headers) == {"x-amzn-requestid", "content-type", "content-length", "date"}


def test_raw_success_is_compact_json_with_epoch_times(raw: FakeCloudControl) -> None:
    token = raw.seed_request(TYPE, identifier="lg-1").request_token

    status, headers, answer = _serve(
        raw, json.dumps({"RequestToken": token}).encode(), _headers("GetResourceRequestStatus")
    )

    assert status == 200
    event = answer["ProgressEvent"]
    assert event["RequestToken"] == token
    assert isinstance(event["EventTime"], float)
    assert round(event["EventTime"], 3) == event["EventTime"]
    assert None not in event.values()
    assert int(headers["content-length"]) == len(json.dumps(answer, separators=(",", ":")))


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        ("ListResourceRequests", b'{"ResourceRequestStatusFilter": {"Operations": [null]}}'),
        ("ListResourceRequests", b'{"ResourceRequestStatusFilter": {"OperationStatuses": [null]}}'),
        ("ListResourceRequests", b"[" * 100_000 + b"]" * 100_000),
        ("CancelResourceRequest", b'{"RequestToken": ' * 50_000),
    ],
    ids=["null-operation", "null-status", "deep-list", "deep-object"],
)
def test_hostile_bodies_get_an_aws_error_not_a_traceback(
    raw: FakeCloudControl, operation: str, body: bytes
) -> None:
    status, _, answer = _serve(raw, body, _headers(operation))

    assert status == 400
    assert answer["__type"].rpartition("#")[2] in {"SerializationException", "ValidationException"}


@pytest.mark.parametrize(
    "body",
    [
        b'{"RequestToken": null}',
        b'{"MaxResults": 1e400}',
        b'{"MaxResults": NaN}',
        b'{"RequestToken": "\\ud800"}',
        b'{"RequestToken": "abc", "Unknown": [1, {"x": null}]}',
        b'{"ResourceRequestStatusFilter": {"Operations": [1]}}',
        b'{"ResourceRequestStatusFilter": {"Operations": [[]]}}',
        b'{"NextToken": 0}',
    ],
)
@pytest.mark.parametrize("operation", ["CancelResourceRequest", "ListResourceRequests"])
def test_odd_bodies_never_raise(raw: FakeCloudControl, operation: str, body: bytes) -> None:
    status, headers, answer = _serve(raw, body, _headers(operation))

    assert status in (200, 400)
    assert headers["content-type"] == "application/x-amz-json-1.0"
    if status == 400:
        assert answer["__type"].startswith("com.amazon.")
    assert len(raw.calls) == 1


# -- the model's constraints, in Coral's words, through a real client ------------------------------

# botocore checks only required members, types and minimums on the client: without its parameter
# validation, minimums reach the fake too.
UNCHECKED = Config(parameter_validation=False, retries={"total_max_attempts": 1})
TOKEN_PATTERN = "[-A-Za-z0-9+/=]+"
TYPE_PATTERN = "[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}"
PATTERN = "Member must satisfy regular expression pattern: "


@pytest.fixture
def unchecked(cloudcontrol: FakeCloudControl) -> Any:
    """A boto3 client that sends what it is given: botocore's own parameter validation is off."""
    return boto3.client("cloudcontrol", region_name=cloudcontrol.region, config=UNCHECKED)


def _validation_message(call: Any, **params: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    response = excinfo.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Error"]["Code"] == "ValidationException"
    message: str = response["Error"]["Message"]
    return message


def _violation(value: str | None, path: str, constraint: str) -> str:
    shown = "" if value is None else f" '{value}'"
    return f"Value{shown} at '{path}' failed to satisfy constraint: {constraint}"


@pytest.mark.parametrize(
    ("max_results", "constraint"),
    [
        (101, "Member must have value less than or equal to 100"),
        (0, "Member must have value greater than or equal to 1"),
    ],
)
def test_integer_out_of_its_range(unchecked: Any, max_results: int, constraint: str) -> None:
    message = _validation_message(unchecked.list_resource_requests, MaxResults=max_results)

    assert message == "1 validation error detected: " + _violation(str(max_results), "maxResults", constraint)


@pytest.mark.parametrize("max_results", [1, 100])
def test_integer_range_includes_its_bounds(client: Any, max_results: int) -> None:
    answer = client.list_resource_requests(MaxResults=max_results)

    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_string_longer_than_its_maximum(client: Any) -> None:
    token = "a" * 129

    message = _validation_message(client.cancel_resource_request, RequestToken=token)

    assert message == "1 validation error detected: " + _violation(
        token, "requestToken", "Member must have length less than or equal to 128"
    )


def test_string_as_long_as_its_maximum_is_looked_up(client: Any) -> None:
    with pytest.raises(client.exceptions.RequestTokenNotFoundException):
        client.cancel_resource_request(RequestToken="a" * 128)


def test_empty_string_breaks_its_minimum_and_its_pattern(unchecked: Any) -> None:
    message = _validation_message(unchecked.get_resource_request_status, RequestToken="")

    assert message == "2 validation errors detected: " + "; ".join(
        [
            _violation("", "requestToken", "Member must have length greater than or equal to 1"),
            _violation("", "requestToken", PATTERN + TOKEN_PATTERN),
        ]
    )


def test_empty_identifier_breaks_its_minimum_and_its_any_character_pattern(unchecked: Any) -> None:
    # The quick check leaves ``.+`` to the minimum length; the worded answer still names both rules.
    message = _validation_message(unchecked.get_resource, TypeName=TYPE, Identifier="")

    assert message == "2 validation errors detected: " + "; ".join(
        [
            _violation("", "identifier", "Member must have length greater than or equal to 1"),
            _violation("", "identifier", PATTERN + ".+"),
        ]
    )


def test_identifier_with_a_line_break_is_looked_up(client: Any) -> None:
    # The fake lets ``.`` match line breaks (re.DOTALL, validation.py): valid, just not found.
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_resource(TypeName=TYPE, Identifier="two\nlines")


@pytest.mark.parametrize(
    ("desired_state", "constraint"),
    [
        ("x" * 262145, "Member must have length less than or equal to 262144"),
        ("", "Member must have length greater than or equal to 1"),
    ],
    ids=["too-long", "empty"],
)
def test_sensitive_value_is_not_echoed(unchecked: Any, desired_state: str, constraint: str) -> None:
    message = _validation_message(unchecked.create_resource, TypeName=TYPE, DesiredState=desired_state)

    assert message == "1 validation error detected: " + _violation(None, "desiredState", constraint)


def test_enum_violation_in_a_list_is_one_constraint_on_the_whole_list(client: Any) -> None:
    message = _validation_message(
        client.list_resource_requests, ResourceRequestStatusFilter={"Operations": ["CREATE", "NOPE"]}
    )

    assert message == "1 validation error detected: " + _violation(
        "[CREATE, NOPE]",
        "resourceRequestStatusFilter.operations",
        "Member must satisfy constraint: [Member must satisfy enum value set: [CREATE, DELETE, UPDATE]]",
    )


def test_different_violations_in_one_list_are_one_constraint(unchecked: Any) -> None:
    message = _validation_message(
        unchecked.list_resource_requests, ResourceRequestStatusFilter={"Operations": ["NOPE", None]}
    )

    null, enum = "Member must not be null", "Member must satisfy enum value set: [CREATE, DELETE, UPDATE]"
    head, _, constraint = message.partition(" at 'resourceRequestStatusFilter.operations' failed to satisfy ")
    assert head == "1 validation error detected: Value '[NOPE, null]'"  # Java's List.toString
    assert constraint in {
        f"constraint: Member must satisfy constraint: [{null}, {enum}]",
        f"constraint: Member must satisfy constraint: [{enum}, {null}]",
    }


def test_each_member_with_violations_is_listed(client: Any) -> None:
    message = _validation_message(
        client.list_resource_requests,
        ResourceRequestStatusFilter={"Operations": ["X"], "OperationStatuses": ["Y", "DONE", "SUCCESS"]},
    )

    statuses = "PENDING, IN_PROGRESS, SUCCESS, FAILED, CANCEL_IN_PROGRESS, CANCEL_COMPLETE"
    assert message.startswith("2 validation errors detected: ")
    assert set(message.removeprefix("2 validation errors detected: ").split("; ")) == {
        _violation(
            "[X]",
            "resourceRequestStatusFilter.operations",
            "Member must satisfy constraint: [Member must satisfy enum value set: [CREATE, DELETE, UPDATE]]",
        ),
        _violation(
            "[Y, DONE, SUCCESS]",
            "resourceRequestStatusFilter.operationStatuses",
            f"Member must satisfy constraint: [Member must satisfy enum value set: [{statuses}]]",
        ),
    }


def test_at_most_ten_violations_are_listed(unchecked: Any) -> None:
    message = _validation_message(
        unchecked.update_resource,
        TypeName="a",
        TypeVersionId="",
        RoleArn="x",
        ClientToken="",
        Identifier="",
        PatchDocument="",
    )

    patterns = {
        "typeName": TYPE_PATTERN,
        "typeVersionId": "[A-Za-z0-9-]+",
        "roleArn": "arn:.+:iam::[0-9]{12}:role/.+",
        "clientToken": TOKEN_PATTERN,
        "identifier": ".+",
    }
    values = {"typeName": "a", "roleArn": "x"}
    minimums = {"typeName": 10, "roleArn": 20}
    possible = {
        _violation(None, "patchDocument", "Member must have length greater than or equal to 1"),
    }
    for path, pattern in patterns.items():
        value = values.get(path, "")
        low = minimums.get(path, 1)
        possible.add(_violation(value, path, f"Member must have length greater than or equal to {low}"))
        possible.add(_violation(value, path, PATTERN + pattern))
    assert len(possible) == 11
    assert message.startswith("11 validation errors detected: ")
    listed = message.removeprefix("11 validation errors detected: ").split("; ")
    assert len(listed) == len(set(listed)) == 10
    assert set(listed) <= possible


# -- injected errors ---------------------------------------------------------------------------


def test_injected_throttle_is_retried_by_botocore(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_error("CancelResourceRequest", "ThrottlingException", times=2)

    started = time.monotonic()
    answer = client.cancel_resource_request(RequestToken=token)

    assert time.monotonic() - started < 2, "retry back-off slept in real time"
    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert answer["ProgressEvent"]["OperationStatus"] == "CANCEL_IN_PROGRESS"
    assert [c.error_code for c in cloudcontrol.calls] == ["ThrottlingException"] * 2 + [None]
    assert cloudcontrol.pending_errors == []


def test_injected_fault_is_retried_by_botocore(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.inject_error("ListResourceRequests", "ConcurrentModificationException")

    answer = client.list_resource_requests()

    assert answer["ResponseMetadata"]["RetryAttempts"] == 1
    assert [c.status_code for c in cloudcontrol.calls] == [500, 200]


def test_throttle_reaches_caller_without_retries(cloudcontrol: FakeCloudControl) -> None:
    client = boto3.client("cloudcontrol", region_name="us-east-1", config=NO_RETRY)
    cloudcontrol.inject_error("ListResourceRequests", "ThrottlingException")

    with pytest.raises(client.exceptions.ThrottlingException) as excinfo:
        client.list_resource_requests()

    response = excinfo.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["ResponseMetadata"]["RetryAttempts"] == 0
    assert response["Error"] == {"Code": "ThrottlingException", "Message": "Rate exceeded"}
    assert cloudcontrol.calls[-1].response == {
        "__type": "com.amazon.coral.availability#ThrottlingException",
        "message": "Rate exceeded",
    }


def test_concurrent_modification_reaches_caller_as_500(cloudcontrol: FakeCloudControl) -> None:
    client = boto3.client("cloudcontrol", region_name="us-east-1", config=NO_RETRY)
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_error("CancelResourceRequest", "ConcurrentModificationException")

    with pytest.raises(client.exceptions.ConcurrentModificationException) as excinfo:
        client.cancel_resource_request(RequestToken=token)

    response = excinfo.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert response["Error"]["Message"] == ("The resource is currently being modified by another operation.")
    # The failed call changed nothing: the request is still in flight and can be cancelled.
    assert cloudcontrol.get_request(token).status == "IN_PROGRESS"
    cloudcontrol.assert_not_cancelled(token)
    assert (
        client.cancel_resource_request(RequestToken=token)["ProgressEvent"]["OperationStatus"]
        == "CANCEL_IN_PROGRESS"
    )


@pytest.mark.cloudcontrol(assert_all_errors_raised=False)
def test_retries_exhausted_surface_the_error(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.inject_error("ListResourceRequests", "ServiceInternalErrorException", times=10)
    clock_before = cloudcontrol.clock.time()

    with pytest.raises(client.exceptions.ServiceInternalErrorException) as excinfo:
        client.list_resource_requests()

    attempts = excinfo.value.response["ResponseMetadata"]["RetryAttempts"] + 1
    assert len(cloudcontrol.calls) == attempts > 1
    assert len(cloudcontrol.pending_errors) == 10 - attempts
    assert cloudcontrol.clock.time() > clock_before  # back-off went to the virtual clock


def test_injected_error_with_custom_message_and_status(cloudcontrol: FakeCloudControl) -> None:
    client = boto3.client("cloudcontrol", region_name="us-east-1", config=NO_RETRY)
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_error(
        "GetResourceRequestStatus", "RequestTokenNotFoundException", message="gone fishing"
    )
    cloudcontrol.inject_error(
        "GetResourceRequestStatus", "GeneralServiceException", message="teapot", status_code=418
    )

    with pytest.raises(client.exceptions.RequestTokenNotFoundException) as first:
        client.get_resource_request_status(RequestToken=token)
    with pytest.raises(client.exceptions.GeneralServiceException) as second:
        client.get_resource_request_status(RequestToken=token)
    third = client.get_resource_request_status(RequestToken=token)

    assert first.value.response["Error"]["Message"] == "gone fishing"
    assert first.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert cloudcontrol.calls[0].response == {
        "__type": "com.amazon.cloudapiservice#RequestTokenNotFoundException",
        "Message": "gone fishing",
    }
    assert second.value.response["ResponseMetadata"]["HTTPStatusCode"] == 418
    assert third["ProgressEvent"]["RequestToken"] == token


def test_injected_error_comes_before_validation(cloudcontrol: FakeCloudControl) -> None:
    client = boto3.client("cloudcontrol", region_name="us-east-1", config=NO_RETRY)
    cloudcontrol.inject_error("CancelResourceRequest", "ServiceInternalErrorException")

    with pytest.raises(client.exceptions.ServiceInternalErrorException):
        client.cancel_resource_request(RequestToken="bad token!")
    with pytest.raises(ClientError, match="ValidationException"):
        client.cancel_resource_request(RequestToken="bad token!")


def test_injected_error_only_hits_its_operation(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_error("ListResourceRequests", "ThrottlingException")

    client.get_resource_request_status(RequestToken=token)
    assert cloudcontrol.pending_errors == [("ListResourceRequests", "ThrottlingException")]
    client.list_resource_requests()
    assert cloudcontrol.pending_errors == []


@pytest.mark.parametrize(
    ("operation", "code", "times", "match"),
    [
        ("CancelRequest", "ThrottlingException", 1, "unknown operation 'CancelRequest'"),
        ("cancel_resource_request", "ThrottlingException", 1, "unknown operation"),
        ("CancelResourceRequest", "Throttled", 1, "unknown error code 'Throttled'"),
        ("CancelResourceRequest", "ThrottlingException", 0, "times must be between 1 and 1000"),
    ],
)
def test_inject_error_usage_errors(
    cloudcontrol: FakeCloudControl, operation: str, code: str, times: int, match: str
) -> None:
    with pytest.raises(CloudControlUsageError, match=match):
        cloudcontrol.inject_error(operation, code, times=times)

    assert cloudcontrol.pending_errors == []


def test_inject_error_usage_error_lists_choices(cloudcontrol: FakeCloudControl) -> None:
    with pytest.raises(CloudControlUsageError) as excinfo:
        cloudcontrol.inject_error("Nope", "ThrottlingException")

    assert "CancelResourceRequest" in str(excinfo.value)
    assert "ListResources" in str(excinfo.value)
