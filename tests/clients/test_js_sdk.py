"""The AWS SDK for JavaScript v3 (``@aws-sdk/client-cloudcontrol``) against ``cloudcontrol_server``.

``js/client.mjs`` makes one ``CloudControlClient`` with ``endpoint: <the server>`` per job and prints
what the SDK gave it; the package is installed in ``js/`` by ``npm ci`` (``.ci/run`` does it).
"""

from __future__ import annotations

import json

import pytest
from subprocess_clients import JsSdk

from pytest_cloudcontrol import FakeCloudControl, Progression

LOG_GROUP = "AWS::Logs::LogGroup"
UNKNOWN_TOKEN = "0b0b0b0b-1111-4222-8333-444444444444"


@pytest.mark.cloudcontrol(progression=Progression.after_reads(2))
def test_create_then_its_waiter(js: JsSdk, cloudcontrol: FakeCloudControl) -> None:
    created = js.output("CreateResource", TypeName=LOG_GROUP, DesiredState='{"LogGroupName": "app-logs"}')
    token = created["ProgressEvent"]["RequestToken"]
    assert created["ProgressEvent"]["OperationStatus"] == "IN_PROGRESS"
    assert created["$metadata"]["httpStatusCode"] == 200

    waited = js.wait(token, delay=1, max_wait_time=30)

    assert waited["waiter"]["state"] == "SUCCESS"
    assert waited["waiter"]["reason"]["ProgressEvent"]["OperationStatus"] == "SUCCESS"
    assert len(cloudcontrol.calls_to("GetResourceRequestStatus")) == 2
    assert cloudcontrol.get_resource(LOG_GROUP, "app-logs").properties["LogGroupName"] == "app-logs"


# A 60-second create at 60 virtual seconds per wall second: the SDK polls through one wall second.
@pytest.mark.cloudcontrol(progression=Progression.after(60), time_scale=60)
def test_the_waiter_waits_in_wall_time_for_a_timed_create(js: JsSdk, cloudcontrol: FakeCloudControl) -> None:
    created = js.output("CreateResource", TypeName=LOG_GROUP, DesiredState='{"LogGroupName": "timed"}')

    waited = js.wait(created["ProgressEvent"]["RequestToken"], delay=1, max_wait_time=30)

    assert waited["waiter"]["state"] == "SUCCESS"
    polls = cloudcontrol.calls_to("GetResourceRequestStatus")
    assert len(polls) >= 2
    assert [call.response["ProgressEvent"]["OperationStatus"] for call in polls[-2:]] == [
        "IN_PROGRESS",
        "SUCCESS",
    ]


def test_the_waiter_fails_on_a_failed_request(js: JsSdk, cloudcontrol: FakeCloudControl) -> None:
    failed = cloudcontrol.seed_request(LOG_GROUP, status="FAILED", error_code="AlreadyExists")

    waited = js.wait(failed.request_token, delay=1, max_wait_time=30)

    error = waited["error"]
    assert json.loads(error["message"])["state"] == "FAILURE"
    assert json.loads(error["message"])["reason"]["ProgressEvent"]["ErrorCode"] == "AlreadyExists"


def test_the_paginator_follows_next_tokens(js: JsSdk, cloudcontrol: FakeCloudControl) -> None:
    tokens = {cloudcontrol.seed_request(LOG_GROUP).request_token for _ in range(3)}

    pages = js.pages("ListResourceRequests", 1)

    assert {s["RequestToken"] for page in pages for s in page["ResourceRequestStatusSummaries"]} == tokens
    assert all(len(page["ResourceRequestStatusSummaries"]) <= 1 for page in pages)
    assert "NextToken" not in pages[-1]
    assert len(pages) == len(cloudcontrol.calls_to("ListResourceRequests")) >= 3


def test_the_paginator_with_a_status_filter(js: JsSdk, cloudcontrol: FakeCloudControl) -> None:
    stuck = cloudcontrol.seed_request(LOG_GROUP, status="IN_PROGRESS")
    cloudcontrol.seed_request(LOG_GROUP, status="SUCCESS")

    pages = js.pages(
        "ListResourceRequests",
        10,
        ResourceRequestStatusFilter={"Operations": ["CREATE"], "OperationStatuses": ["IN_PROGRESS"]},
    )

    assert [s["RequestToken"] for page in pages for s in page["ResourceRequestStatusSummaries"]] == [
        stuck.request_token
    ]


def test_cancel_a_request_seeded_in_python(js: JsSdk, cloudcontrol: FakeCloudControl) -> None:
    stuck = cloudcontrol.seed_request(LOG_GROUP, status="IN_PROGRESS", identifier="app-logs")

    cancelled = js.output("CancelResourceRequest", RequestToken=stuck.request_token)

    assert cancelled["ProgressEvent"]["OperationStatus"] == "CANCEL_IN_PROGRESS"
    cloudcontrol.assert_cancelled(stuck.request_token)


def test_a_modeled_error_is_its_typed_exception(js: JsSdk) -> None:
    answer = js.send("GetResourceRequestStatus", RequestToken=UNKNOWN_TOKEN)

    assert answer["error"] == {
        "name": "RequestTokenNotFoundException",
        "message": f"Request with token {UNKNOWN_TOKEN} was not found",
        "typed": True,  # instanceof RequestTokenNotFoundException and CloudControlServiceException
        "fault": "client",
        "httpStatusCode": 400,
        "requestId": answer["error"]["requestId"],
    }
    assert answer["error"]["requestId"]


def test_a_missing_resource_is_resource_not_found(js: JsSdk) -> None:
    answer = js.send("GetResource", TypeName=LOG_GROUP, Identifier="nope")

    error = answer["error"]
    assert (error["name"], error["typed"], error["httpStatusCode"]) == (
        "ResourceNotFoundException",
        True,
        400,
    )
