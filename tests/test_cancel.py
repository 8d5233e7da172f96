"""CancelResourceRequest, status by status, through a real boto3 client, then the facade's helpers."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError, ParamValidationError, WaiterError

from pytest_cloudcontrol import FakeCloudControl, OperationStatus, Progression

TYPE = "AWS::Logs::LogGroup"
PATTERN = "[-A-Za-z0-9+/=]+"


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response = excinfo.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


# -- in-flight requests: cancelled -------------------------------------------------------------


@pytest.mark.parametrize("status", ["PENDING", "IN_PROGRESS"])
def test_cancel_in_flight_answers_cancel_in_progress_with_same_token(
    cloudcontrol: FakeCloudControl, client: Any, status: str
) -> None:
    token = cloudcontrol.seed_request(TYPE, status=status, identifier="lg-1").request_token

    answer = client.cancel_resource_request(RequestToken=token)

    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    event = answer["ProgressEvent"]
    assert event["RequestToken"] == token
    assert event["OperationStatus"] == "CANCEL_IN_PROGRESS"
    assert event["TypeName"] == TYPE
    assert event["Identifier"] == "lg-1"
    assert event["Operation"] == "CREATE"


@pytest.mark.parametrize("status", ["PENDING", "IN_PROGRESS"])
def test_status_after_cancel_is_cancel_complete(
    cloudcontrol: FakeCloudControl, client: Any, status: str
) -> None:
    token = cloudcontrol.seed_request(TYPE, status=status).request_token
    client.cancel_resource_request(RequestToken=token)

    event = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]

    assert event["OperationStatus"] == "CANCEL_COMPLETE"
    assert event["RequestToken"] == token
    assert cloudcontrol.get_request(token).status == OperationStatus.CANCEL_COMPLETE


@pytest.mark.cloudcontrol(start_time=1_700_000_000.0)
def test_a_cancel_completes_at_the_time_it_was_asked_for(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.advance(10)
    cancel = client.cancel_resource_request(RequestToken=token)["ProgressEvent"]

    cloudcontrol.advance(3600)  # nothing asked about the request in between

    event = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
    assert event["OperationStatus"] == "CANCEL_COMPLETE"
    assert event["EventTime"].timestamp() == 1_700_000_010.0
    assert event["EventTime"] == cancel["EventTime"]


@pytest.mark.parametrize("status", ["PENDING", "IN_PROGRESS"])
def test_waiter_fails_on_cancel_complete_without_sleeping(
    cloudcontrol: FakeCloudControl, client: Any, status: str
) -> None:
    token = cloudcontrol.seed_request(TYPE, status=status).request_token
    client.cancel_resource_request(RequestToken=token)
    waiter = client.get_waiter("resource_request_success")

    started = time.monotonic()
    with pytest.raises(WaiterError) as excinfo:
        waiter.wait(RequestToken=token)

    assert time.monotonic() - started < 2
    assert "CANCEL_COMPLETE" in str(excinfo.value)
    assert excinfo.value.last_response["ProgressEvent"]["OperationStatus"] == "CANCEL_COMPLETE"


def test_waiter_polls_a_slow_cancel_in_virtual_time(cloudcontrol: FakeCloudControl, client: Any) -> None:
    # A cancel that takes 12 virtual seconds: the waiter polls at 0, 5, 10 and 15 s (delay 5).
    token = cloudcontrol.seed_request(
        TYPE, status="CANCEL_IN_PROGRESS", progression=Progression.after(12)
    ).request_token
    clock_before = cloudcontrol.clock.time()

    started = time.monotonic()
    with pytest.raises(WaiterError, match="CANCEL_COMPLETE"):
        client.get_waiter("resource_request_success").wait(RequestToken=token)

    assert time.monotonic() - started < 2, "the waiter slept in real time"
    assert cloudcontrol.clock.time() - clock_before == pytest.approx(15)
    assert len(cloudcontrol.calls_to("GetResourceRequestStatus")) == 4


def test_cancel_of_api_made_request_does_not_create_the_resource(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.progression = Progression.manual()
    created = client.create_resource(TypeName=TYPE, DesiredState='{"LogGroupName": "kept-out"}')
    token = created["ProgressEvent"]["RequestToken"]

    cancelled = client.cancel_resource_request(RequestToken=token)["ProgressEvent"]

    assert cancelled["RequestToken"] == token
    assert cancelled["OperationStatus"] == "CANCEL_IN_PROGRESS"
    status = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
    assert status["OperationStatus"] == "CANCEL_COMPLETE"
    assert cloudcontrol.resources == []


# -- already cancelled: idempotent -------------------------------------------------------------


@pytest.mark.parametrize("status", ["CANCEL_COMPLETE", "CANCEL_IN_PROGRESS"])
def test_cancel_of_cancelled_request_returns_it_unchanged(
    cloudcontrol: FakeCloudControl, client: Any, status: str
) -> None:
    seeded = cloudcontrol.seed_request(TYPE, status=status, identifier="lg-1")
    token = seeded.request_token
    before = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]

    answer = client.cancel_resource_request(RequestToken=token)
    again = client.cancel_resource_request(RequestToken=token)

    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert answer["ProgressEvent"] == before
    assert again["ProgressEvent"] == before
    assert answer["ProgressEvent"]["OperationStatus"] == status
    assert cloudcontrol.get_request(token) == seeded


# -- finished requests: refused ----------------------------------------------------------------


@pytest.mark.parametrize("status", ["SUCCESS", "FAILED"])
def test_cancel_of_finished_request_is_a_validation_error(
    cloudcontrol: FakeCloudControl, client: Any, status: str
) -> None:
    extra = {"error_code": "NotStabilized", "status_message": "no"} if status == "FAILED" else {}
    seeded = cloudcontrol.seed_request(TYPE, status=status, identifier="lg-1", **extra)
    token = seeded.request_token

    with pytest.raises(ClientError) as excinfo:
        client.cancel_resource_request(RequestToken=token)

    assert _error(excinfo) == (400, "ValidationException", f"Request {token} is already in status {status}")
    assert cloudcontrol.get_request(token) == seeded
    event = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
    assert event["OperationStatus"] == status
    cloudcontrol.assert_not_cancelled(token)


# -- tokens that do not resolve ----------------------------------------------------------------


@pytest.mark.parametrize("token", ["00000000-0000-0000-0000-000000000000", "not-a-uuid-but-valid", "abc+/="])
def test_cancel_of_unknown_token_is_request_token_not_found(
    cloudcontrol: FakeCloudControl, client: Any, token: str
) -> None:
    cloudcontrol.seed_request(TYPE)

    with pytest.raises(client.exceptions.RequestTokenNotFoundException) as excinfo:
        client.cancel_resource_request(RequestToken=token)

    assert _error(excinfo) == (
        400,
        "RequestTokenNotFoundException",
        f"Request with token {token} was not found",
    )


@pytest.mark.parametrize(
    ("token", "constraint"),
    [
        ("bad token!", f"Member must satisfy regular expression pattern: {PATTERN}"),
        ("a" * 129, "Member must have length less than or equal to 128"),
        ("a" * 128 + "!", None),
    ],
)
def test_cancel_with_malformed_token_is_coral_validation_error(
    cloudcontrol: FakeCloudControl, client: Any, token: str, constraint: str | None
) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.cancel_resource_request(RequestToken=token)

    status, code, message = _error(excinfo)
    assert (status, code) == (400, "ValidationException")
    if constraint is not None:
        assert message == (
            f"1 validation error detected: Value '{token}' at 'requestToken' "
            f"failed to satisfy constraint: {constraint}"
        )
    else:
        # Both the length and the pattern are broken: Coral names each, in one message.
        assert message.startswith(f"2 validation errors detected: Value '{token}' at 'requestToken'")
        assert "Member must have length less than or equal to 128" in message
        assert f"Member must satisfy regular expression pattern: {PATTERN}" in message
        assert message.count("; ") == 1


def test_exact_bad_token_message(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.cancel_resource_request(RequestToken="bad token!")

    assert excinfo.value.response["Error"]["Message"] == (
        "1 validation error detected: Value 'bad token!' at 'requestToken' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [-A-Za-z0-9+/=]+"
    )


def test_empty_token_is_rejected_by_botocore_before_the_wire(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    with pytest.raises(ParamValidationError, match="RequestToken"):
        client.cancel_resource_request(RequestToken="")

    assert cloudcontrol.calls == []


# -- the recorded event ------------------------------------------------------------------------


def test_cancel_complete_event_has_exactly_the_recorded_keys(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    token = cloudcontrol.seed_request(TYPE, identifier="lg-1").request_token
    client.cancel_resource_request(RequestToken=token)

    event = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]

    assert set(event) == {
        "EventTime",
        "Identifier",
        "Operation",
        "OperationStatus",
        "RequestToken",
        "TypeName",
    }
    # And on the wire, as the fake sent it: EventTime is epoch seconds.
    wire = cloudcontrol.calls[-1].response["ProgressEvent"]
    assert set(wire) == set(event)
    assert isinstance(wire["EventTime"], float)


def test_cancel_complete_in_list_has_no_retry_after(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = cloudcontrol.seed_request(TYPE, identifier="lg-1").request_token
    assert "RetryAfter" in client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
    client.cancel_resource_request(RequestToken=token)

    (summary,) = client.list_resource_requests()["ResourceRequestStatusSummaries"]

    assert summary["OperationStatus"] == "CANCEL_COMPLETE"
    for absent in ("ResourceModel", "RetryAfter", "StatusMessage", "ErrorCode"):
        assert absent not in summary


# -- assertions and the call log ---------------------------------------------------------------


def test_assert_cancelled_passes_after_a_cancel(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    other = cloudcontrol.seed_request(TYPE).request_token
    client.cancel_resource_request(RequestToken=token)

    cloudcontrol.assert_cancelled(token)
    cloudcontrol.assert_not_cancelled(other)


def test_assert_cancelled_fails_listing_the_calls(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = cloudcontrol.seed_request(TYPE, status="SUCCESS").request_token
    client.get_resource_request_status(RequestToken=token)
    with pytest.raises(ClientError):
        client.cancel_resource_request(RequestToken=token)

    with pytest.raises(AssertionError) as excinfo:
        cloudcontrol.assert_cancelled(token)

    message = str(excinfo.value)
    assert f"expected a successful CancelResourceRequest of {token}" in message
    assert "Cloud Control calls made (2):" in message
    assert f"1. GetResourceRequestStatus(RequestToken='{token}') in us-east-1/123456789012 -> 200" in message
    where = "in us-east-1/123456789012"
    assert f"2. CancelResourceRequest(RequestToken='{token}') {where} -> 400 ValidationException" in message


def test_assert_cancelled_with_no_calls_says_so(cloudcontrol: FakeCloudControl) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token

    with pytest.raises(AssertionError, match="No Cloud Control calls were made"):
        cloudcontrol.assert_cancelled(token)


def test_assert_not_cancelled_fails_listing_the_calls(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    client.cancel_resource_request(RequestToken=token)
    client.cancel_resource_request(RequestToken=token)

    with pytest.raises(AssertionError) as excinfo:
        cloudcontrol.assert_not_cancelled(token)

    message = str(excinfo.value)
    assert f"expected {token} not to be cancelled" in message
    assert "succeeded 2 time(s) (calls 1, 2)" in message
    assert f"CancelResourceRequest(RequestToken='{token}') in us-east-1/123456789012 -> 200" in message


def test_assert_cancelled_ignores_a_failed_cancel(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_error("CancelResourceRequest", "ServiceInternalErrorException")
    from botocore.config import Config

    no_retry = cloudcontrol.client(config=Config(retries={"total_max_attempts": 1}))
    with pytest.raises(no_retry.exceptions.ServiceInternalErrorException):
        no_retry.cancel_resource_request(RequestToken=token)

    cloudcontrol.assert_not_cancelled(token)
    with pytest.raises(AssertionError, match="500 ServiceInternalErrorException"):
        cloudcontrol.assert_cancelled(token)


def test_calls_record_operation_params_status_error_and_region(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    done = cloudcontrol.seed_request(TYPE, status="SUCCESS").request_token
    eu = cloudcontrol.client(region_name="eu-west-1")

    client.cancel_resource_request(RequestToken=token)
    with pytest.raises(ClientError):
        client.cancel_resource_request(RequestToken=done)
    with pytest.raises(eu.exceptions.RequestTokenNotFoundException):
        eu.cancel_resource_request(RequestToken=token)

    calls = cloudcontrol.calls
    assert [(c.operation, c.params, c.status_code, c.error_code, c.region) for c in calls] == [
        ("CancelResourceRequest", {"RequestToken": token}, 200, None, "us-east-1"),
        ("CancelResourceRequest", {"RequestToken": done}, 400, "ValidationException", "us-east-1"),
        (
            "CancelResourceRequest",
            {"RequestToken": token},
            400,
            "RequestTokenNotFoundException",
            "eu-west-1",
        ),
    ]
    assert [c.ok for c in calls] == [True, False, False]
    assert all(c.account_id == "123456789012" for c in calls)
    assert len({c.request_id for c in calls}) == 3
    assert cloudcontrol.calls_to("CancelResourceRequest") == calls
    assert cloudcontrol.calls_to("GetResourceRequestStatus") == []
