"""``assert_called``, ``assert_not_called``, ``assert_cancelled``: what matched, the near misses, the log."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_cloudcontrol import CloudControlUsageError, FakeCloudControl

TYPE = "AWS::Logs::LogGroup"
HOME = "us-east-1/123456789012"


def _message(check: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(AssertionError) as raised:
        check(*args, **kwargs)
    return str(raised.value)


def test_assert_called_matches_operation_and_parameters(cloudcontrol: FakeCloudControl, client: Any) -> None:
    client.create_resource(TypeName=TYPE, DesiredState=json.dumps({"LogGroupName": "app"}))
    client.list_resource_requests(ResourceRequestStatusFilter={"Operations": ["CREATE"]})

    cloudcontrol.assert_called("CreateResource")
    cloudcontrol.assert_called("CreateResource", times=1, TypeName=TYPE)
    cloudcontrol.assert_called("CreateResource", DesiredState={"LogGroupName": "app"})  # the JSON, parsed
    cloudcontrol.assert_called("CreateResource", DesiredState='{"LogGroupName": "app"}')  # the string sent
    cloudcontrol.assert_called("ListResourceRequests", ResourceRequestStatusFilter={"Operations": ["CREATE"]})
    cloudcontrol.assert_called("CreateResource", region="us-east-1", account_id="123456789012")
    cloudcontrol.assert_called("DeleteResource", times=0)


def test_assert_called_counts_every_attempt(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.inject_error("ListResources", "ThrottlingException")
    client.list_resources(TypeName=TYPE)

    cloudcontrol.assert_called("ListResources", times=2, TypeName=TYPE)
    message = _message(cloudcontrol.assert_called, "ListResources", times=1)
    assert message.startswith(
        "expected ListResources() to be called once, but it was called 2 times (calls 1, 2)."
    )


def test_assert_called_failure_lists_the_calls_and_the_near_misses(cloudcontrol: FakeCloudControl) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    other = cloudcontrol.seed_request(TYPE).request_token
    boto3.client("cloudcontrol", region_name="us-east-1").cancel_resource_request(RequestToken=other)
    europe = boto3.client("cloudcontrol", region_name="eu-west-1")
    with pytest.raises(ClientError):
        europe.get_resource_request_status(RequestToken=token)

    message = _message(cloudcontrol.assert_called, "CancelResourceRequest", RequestToken=token)

    assert message.splitlines() == [
        f"expected CancelResourceRequest(RequestToken='{token}') to be called at least once, "
        "but it was called 0 times.",
        "Near misses:",
        f"  call 1, CancelResourceRequest in {HOME}: other parameters: "
        f"RequestToken='{other}' (expected '{token}')",
        "  call 2, GetResourceRequestStatus in eu-west-1/123456789012: the parameters match, "
        "on GetResourceRequestStatus",
        "Cloud Control calls made (2):",
        f"  1. CancelResourceRequest(RequestToken='{other}') in {HOME} -> 200",
        f"  2. GetResourceRequestStatus(RequestToken='{token}') in eu-west-1/123456789012 "
        "-> 400 RequestTokenNotFoundException",
    ]


def test_a_call_in_another_region_or_account_is_a_near_miss() -> None:
    with FakeCloudControl(accounts={"AKIAOTHER": "222222222222"}) as fake:
        other = boto3.client(
            "cloudcontrol",
            region_name="eu-west-1",
            aws_access_key_id="AKIAOTHER",
            aws_secret_access_key="x",
        )
        other.list_resources(TypeName=TYPE)

        fake.assert_called("ListResources", account_id="222222222222", region="eu-west-1")
        message = _message(fake.assert_called, "ListResources", region="us-east-1", TypeName=TYPE)

        assert message.splitlines()[:3] == [
            f"expected ListResources(TypeName='{TYPE}') in us-east-1/* to be called at least once, "
            "but it was called 0 times.",
            "Near misses:",
            "  call 1, ListResources in eu-west-1/222222222222: in eu-west-1/222222222222, not us-east-1/*",
        ]


def test_assert_not_called(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    client.get_resource_request_status(RequestToken=token)

    cloudcontrol.assert_not_called("CancelResourceRequest")
    cloudcontrol.assert_not_called(RequestToken="00000000-0000-4000-8000-000000000000")
    cloudcontrol.assert_not_called("GetResourceRequestStatus", region="eu-west-1")

    message = _message(cloudcontrol.assert_not_called, RequestToken=token)
    assert message.splitlines() == [
        f"expected a call with RequestToken='{token}' not to be called, but it was called once (calls 1).",
        "Cloud Control calls made (1):",
        f"  1. GetResourceRequestStatus(RequestToken='{token}') in {HOME} -> 200",
    ]
    assert "No Cloud Control calls" not in _message(cloudcontrol.assert_not_called)


def test_assert_cancelled_counts_successful_cancels(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    client.cancel_resource_request(RequestToken=token)
    client.cancel_resource_request(RequestToken=token)  # CANCEL_IN_PROGRESS answers again: a success

    cloudcontrol.assert_cancelled(token)
    cloudcontrol.assert_cancelled(token, times=2)
    message = _message(cloudcontrol.assert_cancelled, token, times=1)
    assert message.startswith(
        f"expected CancelResourceRequest of {token} to succeed once, but it succeeded 2 times. "
        f"The request is in {HOME}."
    )


def test_assert_cancelled_points_at_a_cancel_sent_to_another_region(cloudcontrol: FakeCloudControl) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    europe = boto3.client("cloudcontrol", region_name="eu-west-1")
    with pytest.raises(europe.exceptions.RequestTokenNotFoundException):
        europe.cancel_resource_request(RequestToken=token)

    message = _message(cloudcontrol.assert_cancelled, token)

    assert message.splitlines()[:3] == [
        f"expected a successful CancelResourceRequest of {token}, but there was none. "
        f"The request is in {HOME}.",
        "Near misses:",
        "  call 1, CancelResourceRequest in eu-west-1/123456789012: "
        "it failed: 400 RequestTokenNotFoundException",
    ]


def test_near_misses_are_capped(cloudcontrol: FakeCloudControl) -> None:
    for number in range(7):
        with pytest.raises(ClientError):
            cloudcontrol.client(config=Config(retries={"total_max_attempts": 1})).list_resources(
                TypeName=f"AWS::No::Thing{number}"
            )

    message = _message(cloudcontrol.assert_called, "ListResources", TypeName=TYPE)

    assert message.count("other parameters: TypeName=") == 5
    assert "  ... and 2 more" in message


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda fake: fake.assert_called("CancelResource"),
            r"unknown operation 'CancelResource'; did you mean 'CancelResourceRequest'\? one of CancelResour",
        ),
        (
            lambda fake: fake.assert_called("CancelResourceRequest", Token="x"),
            r"CancelResourceRequest has no parameter 'Token'; its parameters: RequestToken",
        ),
        (
            lambda fake: fake.assert_not_called(TypeNmae=TYPE),
            r"any Cloud Control operation has no parameter 'TypeNmae' \(did you mean 'TypeName'\?\)",
        ),
        (
            lambda fake: fake.assert_called("ListResources", times=-1),
            r"times must be a whole number, 0 or more",
        ),
        (lambda fake: fake.assert_cancelled("t", times=True), r"times must be a whole number"),
        (lambda fake: fake.assert_called("ListResources", region="moon-1"), r"region must be an AWS Region"),
        (lambda fake: fake.assert_not_called(account_id="1"), r"account_id must be a 12-digit account id"),
    ],
)
def test_assertions_refuse_what_the_model_does_not_have(
    cloudcontrol: FakeCloudControl, call: Any, message: str
) -> None:
    with pytest.raises(CloudControlUsageError, match=message):
        call(cloudcontrol)


def test_an_absent_parameter_or_a_document_that_is_not_json_is_a_near_miss(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    client.list_resources(TypeName=TYPE)
    with pytest.raises(ClientError):
        client.create_resource(TypeName=TYPE, DesiredState="not json")

    absent = _message(cloudcontrol.assert_called, "ListResources", NextToken="page-2")
    broken = _message(cloudcontrol.assert_called, "CreateResource", DesiredState={"LogGroupName": "x"})

    assert "call 1, ListResources in us-east-1/123456789012: other parameters: NextToken=(absent)" in absent
    assert "DesiredState='not json' (expected {'LogGroupName': 'x'})" in broken
