"""Tests of log-group provisioning against the Cloud Control fake."""

from __future__ import annotations

import time

import pytest
from botocore.client import BaseClient
from botocore.exceptions import WaiterError
from provisioning import LOG_GROUP, create_log_group, delete_log_group, get_log_group

from pytest_cloudcontrol import FakeCloudControl, Outcome, Progression, UnknownResourceError


def test_creates_a_log_group_and_reads_it_back(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: BaseClient
) -> None:
    group = create_log_group(cloudcontrol_client, "/app/payments", retention_days=7)

    assert group["LogGroupName"] == "/app/payments"
    assert group["RetentionInDays"] == 7
    assert group["Arn"].startswith("arn:aws:logs:us-east-1:123456789012:")  # made up by the fake
    assert cloudcontrol.get_resource(LOG_GROUP, "/app/payments").properties == group


def test_the_waiter_runs_in_virtual_time(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: BaseClient
) -> None:
    cloudcontrol.progression = Progression.after(60)  # each request takes a minute to finish
    started, wall = cloudcontrol.clock.time(), time.monotonic()

    create_log_group(cloudcontrol_client, "/app/slow")

    assert cloudcontrol.clock.time() - started >= 60  # the waiter polled for a virtual minute...
    assert time.monotonic() - wall < 2  # ...in a few milliseconds of real time
    assert len(cloudcontrol.calls_to("GetResourceRequestStatus")) == 13  # at 0, 5, ..., 60 s


def test_a_failed_create_reaches_the_caller_as_the_waiters_failure(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: BaseClient
) -> None:
    cloudcontrol.script(
        LOG_GROUP, "CREATE", outcome=Outcome.failed("AlreadyExists", "Log group already exists")
    )

    with pytest.raises(WaiterError) as failure:
        create_log_group(cloudcontrol_client, "/app/taken")

    event = failure.value.last_response["ProgressEvent"]
    assert (event["OperationStatus"], event["ErrorCode"]) == ("FAILED", "AlreadyExists")
    assert event["StatusMessage"] == "Log group already exists"
    assert cloudcontrol.resources == []


def test_creating_a_group_that_exists_fails_with_already_exists(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: BaseClient
) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "/app/legacy"})

    with pytest.raises(WaiterError) as failure:
        create_log_group(cloudcontrol_client, "/app/legacy")

    assert failure.value.last_response["ProgressEvent"]["ErrorCode"] == "AlreadyExists"


def test_delete_removes_the_group(cloudcontrol: FakeCloudControl, cloudcontrol_client: BaseClient) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "/app/old"})

    assert delete_log_group(cloudcontrol_client, "/app/old") is True

    with pytest.raises(UnknownResourceError):
        cloudcontrol.get_resource(LOG_GROUP, "/app/old")


def test_deleting_a_group_that_is_already_gone_counts_as_success(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: BaseClient
) -> None:
    assert delete_log_group(cloudcontrol_client, "/app/never-created") is False

    (delete,) = cloudcontrol.requests
    assert (delete.operation, delete.status, delete.error_code) == ("DELETE", "FAILED", "NotFound")


def test_any_other_failed_delete_is_raised(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: BaseClient
) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "/app/protected"})
    cloudcontrol.script(LOG_GROUP, "DELETE", outcome=Outcome.failed("AccessDenied"))

    with pytest.raises(WaiterError):
        delete_log_group(cloudcontrol_client, "/app/protected")

    assert cloudcontrol.get_resource(LOG_GROUP, "/app/protected")  # still there


def test_the_log_group_fixture_provides_a_group_and_cleans_it_up(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: BaseClient, log_group: str
) -> None:
    assert get_log_group(cloudcontrol_client, log_group)["RetentionInDays"] == 14
    # At teardown the fixture deletes it and checks that the fake holds no resources.
