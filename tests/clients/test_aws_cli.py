"""The AWS CLI (``aws cloudcontrol ... --endpoint-url``) against ``cloudcontrol_server``.

The CLI is installed as users install it, in an environment of its own (it pins its botocore); the
tests find it through ``CLOUDCONTROL_AWS_CLI`` or the PATH (see ``subprocess_clients``).
"""

from __future__ import annotations

import json

import pytest
from subprocess_clients import AwsCli

from pytest_cloudcontrol import FakeCloudControl, Progression

LOG_GROUP = "AWS::Logs::LogGroup"
UNKNOWN_TOKEN = "0b0b0b0b-1111-4222-8333-444444444444"


# A 150-second create at 30 virtual seconds per wall second takes 5 s of the CLI's wall time.
@pytest.mark.cloudcontrol(progression=Progression.after(150), time_scale=30)
def test_create_then_wait_then_get(aws: AwsCli, cloudcontrol: FakeCloudControl) -> None:
    created = aws.json(
        "create-resource", "--type-name", LOG_GROUP, "--desired-state", '{"LogGroupName": "app-logs"}'
    )
    event = created["ProgressEvent"]
    assert (event["Operation"], event["OperationStatus"]) == ("CREATE", "IN_PROGRESS")

    # The waiter reads IN_PROGRESS, sleeps its 5 seconds in wall time (the fake's clock moves 150 s
    # meanwhile), then reads SUCCESS.
    waited = aws.run("wait", "resource-request-success", "--request-token", event["RequestToken"])

    assert (waited.returncode, waited.stdout, waited.stderr) == (0, "", "")
    assert len(cloudcontrol.calls_to("GetResourceRequestStatus")) == 2
    got = aws.json("get-resource", "--type-name", LOG_GROUP, "--identifier", "app-logs")
    assert got["TypeName"] == LOG_GROUP
    assert got["ResourceDescription"]["Identifier"] == "app-logs"
    assert (
        json.loads(got["ResourceDescription"]["Properties"])
        == cloudcontrol.get_resource(LOG_GROUP, "app-logs").properties
    )


def test_wait_exits_255_when_the_request_fails(aws: AwsCli, cloudcontrol: FakeCloudControl) -> None:
    failed = cloudcontrol.seed_request(LOG_GROUP, status="FAILED", error_code="AlreadyExists")

    waited = aws.run("wait", "resource-request-success", "--request-token", failed.request_token)

    assert waited.returncode == 255
    assert "Waiter ResourceRequestSuccess failed: Waiter encountered a terminal failure state" in (
        waited.stderr
    )


def test_list_resource_requests_with_a_status_filter(aws: AwsCli, cloudcontrol: FakeCloudControl) -> None:
    stuck = cloudcontrol.seed_request(LOG_GROUP, status="IN_PROGRESS", identifier="stuck")
    pending = cloudcontrol.seed_request(LOG_GROUP, status="PENDING", identifier="pending")
    cloudcontrol.seed_request(LOG_GROUP, status="SUCCESS", identifier="done")
    cloudcontrol.seed_request(LOG_GROUP, operation="DELETE", status="IN_PROGRESS", identifier="going")

    listed = aws.json(
        "list-resource-requests",
        "--resource-request-status-filter",
        "Operations=CREATE,OperationStatuses=PENDING,IN_PROGRESS",
    )

    summaries = listed["ResourceRequestStatusSummaries"]
    assert sorted(s["RequestToken"] for s in summaries) == sorted(
        [stuck.request_token, pending.request_token]
    )


def test_the_cli_follows_next_tokens(aws: AwsCli, cloudcontrol: FakeCloudControl) -> None:
    tokens = {cloudcontrol.seed_request(LOG_GROUP).request_token for _ in range(3)}

    listed = aws.json("list-resource-requests", "--page-size", "1")

    assert {s["RequestToken"] for s in listed["ResourceRequestStatusSummaries"]} == tokens
    assert "NextToken" not in listed
    pages = cloudcontrol.calls_to("ListResourceRequests")
    assert [call.params.get("MaxResults") for call in pages] == [1] * len(pages)
    assert len(pages) >= 3


def test_list_resources(aws: AwsCli, cloudcontrol: FakeCloudControl) -> None:
    for name in ("a-logs", "b-logs"):
        cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": name})

    listed = aws.json("list-resources", "--type-name", LOG_GROUP)

    assert listed["TypeName"] == LOG_GROUP
    assert sorted(d["Identifier"] for d in listed["ResourceDescriptions"]) == ["a-logs", "b-logs"]


def test_cancel_a_request_seeded_in_python(aws: AwsCli, cloudcontrol: FakeCloudControl) -> None:
    stuck = cloudcontrol.seed_request(LOG_GROUP, status="IN_PROGRESS", identifier="app-logs")

    cancelled = aws.json("cancel-resource-request", "--request-token", stuck.request_token)

    assert cancelled["ProgressEvent"]["RequestToken"] == stuck.request_token
    assert cancelled["ProgressEvent"]["OperationStatus"] == "CANCEL_IN_PROGRESS"
    cloudcontrol.assert_cancelled(stuck.request_token)


def test_an_unknown_token_exits_with_aws_message(aws: AwsCli) -> None:
    done = aws.run("get-resource-request-status", "--request-token", UNKNOWN_TOKEN)

    assert done.returncode == 255
    assert done.stdout == ""
    assert done.stderr.strip() == (
        "An error occurred (RequestTokenNotFoundException) when calling the GetResourceRequestStatus "
        f"operation: Request with token {UNKNOWN_TOKEN} was not found"
    )


def test_cancelling_a_finished_request_exits_with_aws_message(
    aws: AwsCli, cloudcontrol: FakeCloudControl
) -> None:
    done = cloudcontrol.seed_request(LOG_GROUP, status="SUCCESS")

    refused = aws.run("cancel-resource-request", "--request-token", done.request_token)

    assert refused.returncode == 255
    assert refused.stderr.strip() == (
        "An error occurred (ValidationException) when calling the CancelResourceRequest operation: "
        f"Request {done.request_token} is already in status SUCCESS"
    )
    cloudcontrol.assert_not_cancelled(done.request_token)
