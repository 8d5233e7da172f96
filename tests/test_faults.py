"""Injected faults: the errors common to all AWS actions, network errors, matchers, adaptive retries."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import botocore.retries.bucket
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from pytest_cloudcontrol import CloudControlUsageError, FakeCloudControl
from pytest_cloudcontrol.errors import common_error_codes, error_specs
from pytest_cloudcontrol.faults import Fault, summary

TYPE = "AWS::Logs::LogGroup"
NO_RETRY = Config(retries={"total_max_attempts": 1})
MODES = ["legacy", "standard"]


def _client(mode: str = "standard", attempts: int = 3, region: str = "us-east-1") -> Any:
    config = Config(retries={"mode": mode, "total_max_attempts": attempts})  # type: ignore[arg-type]
    return boto3.client("cloudcontrol", region_name=region, config=config)


def _cancel(client: Any, token: str) -> dict[str, Any]:
    answer: dict[str, Any] = client.cancel_resource_request(RequestToken=token)
    return answer


# -- the common errors, on the wire --------------------------------------------------------------


@pytest.mark.parametrize("code", common_error_codes())
def test_every_common_error_reaches_the_client_as_aws_sends_it(
    cloudcontrol: FakeCloudControl, code: str
) -> None:
    spec = error_specs()[code]
    client = boto3.client("cloudcontrol", region_name="us-east-1", config=NO_RETRY)
    cloudcontrol.inject_error("ListResourceRequests", code)

    with pytest.raises(ClientError) as raised:
        client.list_resource_requests()

    response = raised.value.response
    assert response["Error"]["Code"] == code
    assert response["ResponseMetadata"]["HTTPStatusCode"] == spec.status_code
    assert response["Error"]["Message"]
    body = cloudcontrol.calls[-1].response
    assert body["__type"] == f"{spec.namespace}#{code}"
    assert body[spec.message_key or "message"] == response["Error"]["Message"]


def test_the_auth_errors_are_coral_400s_with_their_texts(cloudcontrol: FakeCloudControl) -> None:
    client = boto3.client("cloudcontrol", region_name="us-east-1", config=NO_RETRY)
    cloudcontrol.inject_error("GetResource", "ExpiredTokenException")

    with pytest.raises(ClientError) as raised:
        client.get_resource(TypeName=TYPE, Identifier="x")

    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert cloudcontrol.calls[-1].response == {
        "__type": "com.amazon.coral.service#ExpiredTokenException",
        "message": "The security token included in the request is expired",
    }


def test_access_denied_names_the_operation_account_and_region_of_the_call() -> None:
    with FakeCloudControl(accounts={"AKIDOTHER": "210987654321"}) as fake:
        token = fake.seed_request(TYPE, region="eu-west-1", account_id="210987654321").request_token
        client = boto3.client(
            "cloudcontrol",
            region_name="eu-west-1",
            aws_access_key_id="AKIDOTHER",
            aws_secret_access_key="testing",
            config=NO_RETRY,
        )
        fake.inject_error("CancelResourceRequest", "AccessDeniedException")

        with pytest.raises(ClientError) as raised:
            client.cancel_resource_request(RequestToken=token)

        assert raised.value.response["Error"] == {
            "Code": "AccessDeniedException",
            "Message": "User: arn:aws:iam::210987654321:user/pytest-cloudcontrol is not authorized to "
            "perform: cloudformation:CancelResourceRequest on resource: "
            "arn:aws:cloudformation:eu-west-1:210987654321:resource/* because no identity-based policy "
            "allows the cloudformation:CancelResourceRequest action",
        }
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert set(fake.calls[-1].response) == {"__type", "Message"}
        assert fake.get_request(token).status == "IN_PROGRESS"  # the denied call changed nothing


def test_a_given_message_is_sent_as_given(cloudcontrol: FakeCloudControl) -> None:
    client = boto3.client("cloudcontrol", region_name="us-east-1", config=NO_RETRY)
    cloudcontrol.inject_error("ListResources", "AccessDeniedException", message="no {operation} here")

    with pytest.raises(ClientError) as raised:
        client.list_resources(TypeName=TYPE)

    assert raised.value.response["Error"]["Message"] == "no {operation} here"


# -- botocore treats them as it treats AWS's --------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("code", ["ServiceUnavailable", "InternalFailure", "ThrottlingException"])
def test_5xx_and_throttles_are_retried(cloudcontrol: FakeCloudControl, mode: str, code: str) -> None:
    cloudcontrol.inject_error("ListResourceRequests", code, times=2)

    started = time.monotonic()
    answer = _client(mode).list_resource_requests()

    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert [call.error_code for call in cloudcontrol.calls] == [code, code, None]
    assert time.monotonic() - started < 2, "the back-off slept in wall time"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "code",
    ["AccessDeniedException", "ExpiredTokenException", "UnrecognizedClientException", "NotAuthorized"],
)
def test_auth_errors_are_not_retried(cloudcontrol: FakeCloudControl, mode: str, code: str) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_error("CancelResourceRequest", code)

    with pytest.raises(ClientError) as raised:
        _cancel(_client(mode), token)

    response = raised.value.response
    assert response["Error"]["Code"] == code
    assert response["ResponseMetadata"]["HTTPStatusCode"] == error_specs()[code].status_code
    assert response["ResponseMetadata"]["RetryAttempts"] == 0
    assert len(cloudcontrol.calls) == 1
    cloudcontrol.assert_not_cancelled(token)


@pytest.mark.parametrize(("mode", "retried"), [("legacy", False), ("standard", True), ("adaptive", True)])
def test_a_408_request_timeout_is_retried_by_the_newer_modes_only(
    cloudcontrol: FakeCloudControl, mode: str, retried: bool
) -> None:
    cloudcontrol.inject_error("ListResourceRequests", "RequestTimeoutException")

    if retried:
        assert _client(mode).list_resource_requests()["ResponseMetadata"]["RetryAttempts"] == 1
    else:
        with pytest.raises(ClientError, match="RequestTimeoutException"):
            _client(mode).list_resource_requests()
    assert cloudcontrol.calls[0].status_code == 408


@pytest.mark.cloudcontrol(assert_all_errors_raised=False)
@pytest.mark.parametrize("mode", MODES)
def test_a_503_past_the_last_attempt_surfaces(cloudcontrol: FakeCloudControl, mode: str) -> None:
    cloudcontrol.inject_error("ListResourceRequests", "ServiceUnavailable", times=5)

    with pytest.raises(ClientError) as raised:
        _client(mode, attempts=3).list_resource_requests()

    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert len(cloudcontrol.calls) == 3
    assert cloudcontrol.pending_errors == [("ListResourceRequests", "ServiceUnavailable")] * 2


# -- network errors ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_refused_connection_is_retried_in_virtual_time(cloudcontrol: FakeCloudControl, mode: str) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_network_error("CancelResourceRequest", "connect", times=2)
    before, started = cloudcontrol.clock.time(), time.monotonic()

    answer = _cancel(_client(mode), token)

    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert answer["ProgressEvent"]["OperationStatus"] == "CANCEL_IN_PROGRESS"
    assert len(cloudcontrol.calls) == 1  # the lost attempts never reached the fake
    assert cloudcontrol.clock.time() > before
    assert time.monotonic() - started < 2, "the back-off slept in wall time"
    assert cloudcontrol.pending_faults == []


@pytest.mark.cloudcontrol(assert_all_errors_raised=False)
@pytest.mark.parametrize("mode", MODES)
def test_connect_failures_past_the_last_attempt_raise_endpoint_connection_error(
    cloudcontrol: FakeCloudControl, mode: str
) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_network_error("CancelResourceRequest", times=10)

    with pytest.raises(EndpointConnectionError, match=r"cloudcontrolapi\.us-east-1\.amazonaws\.com"):
        _cancel(_client(mode, attempts=4), token)

    assert cloudcontrol.calls == []
    assert cloudcontrol.pending_faults[0].remaining == 6
    assert cloudcontrol.get_request(token).status == "IN_PROGRESS"


def test_a_read_timeout_loses_the_answer_of_a_cancel_that_took_effect(
    cloudcontrol: FakeCloudControl,
) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_network_error("CancelResourceRequest", "read_timeout")

    answer = _cancel(_client(), token)

    # The first cancel worked; its answer was lost, and the retry sees the cancel already done.
    assert answer["ResponseMetadata"]["RetryAttempts"] == 1
    assert answer["ProgressEvent"]["OperationStatus"] == "CANCEL_COMPLETE"
    cancels = cloudcontrol.calls_to("CancelResourceRequest")
    assert [(call.ok, call.answer_lost) for call in cancels] == [(True, True), (True, False)]
    assert "-> 200 (answer lost: read_timeout)" in cloudcontrol.describe_calls().splitlines()[1]
    cloudcontrol.assert_cancelled(token)


def test_a_read_timeout_without_retries_raises_read_timeout_error(cloudcontrol: FakeCloudControl) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_network_error("CancelResourceRequest", "read_timeout")

    with pytest.raises(ReadTimeoutError):
        _cancel(_client(attempts=1), token)

    assert cloudcontrol.get_request(token).status in ("CANCEL_IN_PROGRESS", "CANCEL_COMPLETE")


def test_a_closed_connection_raises_connection_closed_error_and_changes_nothing(
    cloudcontrol: FakeCloudControl,
) -> None:
    client = _client(attempts=1)
    cloudcontrol.inject_network_error("CreateResource", "connection_closed")

    with pytest.raises(ConnectionClosedError):
        client.create_resource(TypeName=TYPE, DesiredState=json.dumps({"LogGroupName": "a"}))

    assert cloudcontrol.requests == []
    assert cloudcontrol.calls == []
    client.create_resource(TypeName=TYPE, DesiredState=json.dumps({"LogGroupName": "a"}))
    assert len(cloudcontrol.requests) == 1


def _signed_post(operation: str, params: dict[str, Any]) -> requests.Response:
    url = "https://cloudcontrolapi.us-east-1.amazonaws.com/"
    signed = AWSRequest(
        "POST", url, data=json.dumps(params), headers={"X-Amz-Target": f"CloudApiService.{operation}"}
    )
    SigV4Auth(Credentials("testing", "testing"), "cloudcontrolapi", "us-east-1").add_auth(signed)
    return requests.post(url, data=signed.body, headers=dict(signed.headers), timeout=5)


@pytest.mark.parametrize(
    ("kind", "exception"),
    [
        ("connect", requests.ConnectionError),
        ("read_timeout", requests.ReadTimeout),
        ("connection_closed", requests.ConnectionError),
    ],
)
def test_requests_callers_get_requests_own_exceptions(
    cloudcontrol: FakeCloudControl, kind: Any, exception: type[Exception]
) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_network_error("CancelResourceRequest", kind)

    with cloudcontrol.mock_requests(), pytest.raises(exception, match="injected"):
        _signed_post("CancelResourceRequest", {"RequestToken": token})

    cancelled = kind == "read_timeout"
    assert (cloudcontrol.get_request(token).status != "IN_PROGRESS") is cancelled


# -- matchers --------------------------------------------------------------------------------------


def test_after_lets_matching_calls_through_first(cloudcontrol: FakeCloudControl) -> None:
    client = _client(attempts=1)
    cloudcontrol.inject_error("ListResourceRequests", "ThrottlingException", after=2, times=2)

    outcomes = []
    for _ in range(5):
        try:
            client.list_resource_requests()
            outcomes.append("ok")
        except ClientError as error:
            outcomes.append(error.response["Error"]["Code"])

    assert outcomes == ["ok", "ok", "ThrottlingException", "ThrottlingException", "ok"]


def test_token_picks_the_calls_for_one_request(cloudcontrol: FakeCloudControl) -> None:
    client = _client(attempts=1)
    mine, other = (cloudcontrol.seed_request(TYPE).request_token for _ in range(2))
    cloudcontrol.inject_error("CancelResourceRequest", "InternalFailure", token=mine)

    _cancel(client, other)
    with pytest.raises(ClientError, match="InternalFailure"):
        _cancel(client, mine)
    _cancel(client, mine)

    assert [call.params["RequestToken"] for call in cloudcontrol.calls] == [other, mine, mine]


def test_type_name_picks_calls_by_their_type_or_their_requests_type(cloudcontrol: FakeCloudControl) -> None:
    client = _client(attempts=1)
    bucket = cloudcontrol.seed_request("AWS::S3::Bucket").request_token
    group = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_error("GetResourceRequestStatus", "ServiceUnavailable", type_name="AWS::S3::Bucket")
    cloudcontrol.inject_network_error("GetResource", "connect", type_name="AWS::S3::Bucket")

    client.get_resource_request_status(RequestToken=group)
    with pytest.raises(ClientError, match="ServiceUnavailable"):
        client.get_resource_request_status(RequestToken=bucket)
    with pytest.raises(ClientError, match="ResourceNotFound"):
        client.get_resource(TypeName=TYPE, Identifier="nope")
    with pytest.raises(EndpointConnectionError):
        client.get_resource(TypeName="AWS::S3::Bucket", Identifier="nope")

    assert cloudcontrol.pending_faults == []


def test_faults_for_several_types_of_one_operation_each_pick_their_own(
    cloudcontrol: FakeCloudControl,
) -> None:
    client = _client(attempts=1)
    group = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_error("CancelResourceRequest", "OptInRequired", type_name="AWS::S3::Bucket")
    cloudcontrol.inject_error("CancelResourceRequest", "NotAuthorized", type_name=TYPE)

    with pytest.raises(ClientError, match="NotAuthorized"):
        _cancel(client, group)

    assert [fault.code for fault in cloudcontrol.pending_faults] == ["OptInRequired"]
    cloudcontrol.inject_error("CancelResourceRequest", "OptInRequired", type_name=TYPE)
    with pytest.raises(ClientError, match="OptInRequired"):
        _cancel(client, group)
    with pytest.raises(ClientError, match="OptInRequired"):
        _cancel(client, cloudcontrol.seed_request("AWS::S3::Bucket").request_token)


def test_an_error_and_a_network_error_for_one_operation_take_turns(cloudcontrol: FakeCloudControl) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_error("CancelResourceRequest", "ThrottlingException")
    cloudcontrol.inject_network_error("CancelResourceRequest", "connect", after=1)

    answer = _cancel(_client(attempts=3), token)

    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert [call.error_code for call in cloudcontrol.calls] == ["ThrottlingException", None]


@pytest.mark.parametrize(
    ("inject", "match"),
    [
        (lambda f: f.inject_network_error("GetResource", "timeout"), "kind must be one of 'connect'"),
        (lambda f: f.inject_network_error("Nope"), "unknown operation 'Nope'"),
        (lambda f: f.inject_network_error("GetResource", times=0), "times must be between 1 and 1000"),
        (lambda f: f.inject_error("GetResource", "InternalFailure", after=-1), "after must be between 0"),
        (lambda f: f.inject_error("GetResource", "InternalFailure", after=True), "after must be a whole"),
        (
            lambda f: f.inject_error("CreateResource", "InternalFailure", token="abc"),
            "CreateResource calls have none; use it with GetResourceRequestStatus",
        ),
        (
            lambda f: f.inject_network_error("CancelResourceRequest", token="bad token!"),
            "token must",
        ),
        (
            lambda f: f.inject_error("ListResourceRequests", "InternalFailure", type_name=TYPE),
            "ListResourceRequests calls name none",
        ),
        (
            lambda f: f.inject_network_error("GetResource", type_name="AWS::Nope::Nope"),
            "unknown resource type 'AWS::Nope::Nope'",
        ),
        (
            lambda f: f.inject_error("GetResource", "AccessDenied"),
            "unknown error code 'AccessDenied'",
        ),
    ],
)
def test_bad_fault_arguments_are_usage_errors_and_inject_nothing(
    cloudcontrol: FakeCloudControl, inject: Any, match: str
) -> None:
    with pytest.raises(CloudControlUsageError, match=match):
        inject(cloudcontrol)

    assert cloudcontrol.pending_faults == []


@pytest.mark.cloudcontrol(assert_all_errors_raised=False)
def test_pending_faults_are_copies_and_pending_errors_lists_wire_errors_per_call(
    cloudcontrol: FakeCloudControl,
) -> None:
    cloudcontrol.inject_error("GetResource", "ThrottlingException", times=2)
    cloudcontrol.inject_network_error("GetResource", "read_timeout")

    pending = cloudcontrol.pending_faults
    pending[0].raised = 2

    assert [fault.label for fault in cloudcontrol.pending_faults] == [
        "ThrottlingException",
        "read_timeout network error",
    ]
    assert cloudcontrol.pending_errors == [("GetResource", "ThrottlingException")] * 2
    with pytest.raises(ClientError):
        _client(attempts=1).get_resource(TypeName=TYPE, Identifier="x")
    assert [fault.remaining for fault in cloudcontrol.pending_faults] == [1, 1]
    assert cloudcontrol.pending_errors == [("GetResource", "ThrottlingException")]


def test_the_summary_adds_up_alike_faults_and_names_their_matchers() -> None:
    faults = [
        Fault("CancelResourceRequest", "error", times=2, code="ThrottlingException"),
        Fault("CancelResourceRequest", "error", code="ThrottlingException"),
        Fault("GetResource", "connect", times=2, token="t-1"),
        Fault("CreateResource", "read_timeout", after=2, passed=1, type_name=TYPE),
    ]

    assert summary(faults) == (
        "ThrottlingException \N{MULTIPLICATION SIGN}3 for CancelResourceRequest, "
        "connect network error \N{MULTIPLICATION SIGN}2 for GetResource (token 't-1'), "
        f"read_timeout network error for CreateResource (type '{TYPE}', after 1 more call)"
    )


# -- adaptive retry mode ---------------------------------------------------------------------------


def test_adaptive_mode_waits_for_its_token_bucket_in_virtual_time(cloudcontrol: FakeCloudControl) -> None:
    client = _client("adaptive", attempts=10)
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_error("GetResourceRequestStatus", "ThrottlingException", times=6)
    before, started = cloudcontrol.clock.time(), time.monotonic()

    for _ in range(4):
        client.get_resource_request_status(RequestToken=token)

    assert len(cloudcontrol.calls) == 10
    assert time.monotonic() - started < 2, "the rate limiter waited in wall time"
    # Back-off alone stays under 20 s for six retries: the rest is the limiter's waits.
    assert cloudcontrol.clock.time() - before > 20


def test_the_token_bucket_is_botocores_own_again_after_the_fake() -> None:
    original = vars(botocore.retries.bucket.TokenBucket)["_sleep_amount"]

    with FakeCloudControl():
        assert vars(botocore.retries.bucket.TokenBucket)["_sleep_amount"] is not original

    assert vars(botocore.retries.bucket.TokenBucket)["_sleep_amount"] is original
