"""Tests of the stuck-request job against the Cloud Control fake.

The job uses its module-level client (``stuck_requests.client``, made at import time): the fake
answers it like any other botocore client. Its clock is the fake's virtual clock, passed as ``now``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import stuck_requests as job
from botocore.config import Config

from pytest_cloudcontrol import FakeCloudControl

if TYPE_CHECKING:
    from conftest import SeededRequests

ONE_HOUR = timedelta(hours=1)


def test_cancels_only_the_requests_stuck_longer_than_the_cutoff(
    cloudcontrol: FakeCloudControl, stuck_requests: SeededRequests
) -> None:
    report = job.cancel_stuck_requests(ONE_HOUR, now=cloudcontrol.clock.now())

    assert report == job.CancelReport(cancelled=stuck_requests.stuck)
    for token in stuck_requests.stuck:
        cloudcontrol.assert_cancelled(token)
        assert cloudcontrol.get_request(token).status == "CANCEL_COMPLETE"
    for token in stuck_requests.recent:
        cloudcontrol.assert_not_cancelled(token)


def test_lists_only_in_flight_requests_through_the_paginator(
    cloudcontrol: FakeCloudControl,
) -> None:
    tokens = [cloudcontrol.seed_request("AWS::SQS::Queue").request_token for _ in range(45)]
    cloudcontrol.seed_request("AWS::SQS::Queue", status="FAILED", error_code="NotStabilized")
    cloudcontrol.advance(2 * 3600)

    stuck = job.find_stuck_requests(ONE_HOUR, now=cloudcontrol.clock.now())

    assert [event["RequestToken"] for event in stuck] == tokens
    listings = cloudcontrol.calls_to("ListResourceRequests")
    assert len(listings) == 3  # pages of 20, 20 and 5
    assert listings[0].params["ResourceRequestStatusFilter"] == {
        "OperationStatuses": ["PENDING", "IN_PROGRESS"]
    }


def test_skips_a_request_that_finished_after_the_listing(
    cloudcontrol: FakeCloudControl, stuck_requests: SeededRequests
) -> None:
    stuck = job.find_stuck_requests(ONE_HOUR, now=cloudcontrol.clock.now())
    cloudcontrol.complete(stuck_requests.old_pending)  # it succeeds before we get to cancel it

    report = job.cancel_requests([e["RequestToken"] for e in stuck])

    assert report.skipped == [stuck_requests.old_pending]
    assert report.cancelled == [stuck_requests.old_in_progress]
    refused = cloudcontrol.calls_to("CancelResourceRequest")[0]
    assert refused.error_code == "ValidationException"
    assert "already in status SUCCESS" in refused.response["message"]


def test_skips_a_request_that_vanished(
    cloudcontrol: FakeCloudControl, stuck_requests: SeededRequests
) -> None:
    cloudcontrol.inject_error("CancelResourceRequest", "RequestTokenNotFoundException")

    report = job.cancel_stuck_requests(ONE_HOUR, now=cloudcontrol.clock.now())

    assert report == job.CancelReport(
        cancelled=[stuck_requests.old_in_progress], skipped=[stuck_requests.old_pending]
    )
    cloudcontrol.assert_not_cancelled(stuck_requests.old_pending)


def test_running_the_job_again_changes_nothing(
    cloudcontrol: FakeCloudControl, stuck_requests: SeededRequests
) -> None:
    now = cloudcontrol.clock.now()
    job.cancel_stuck_requests(ONE_HOUR, now=now)

    again = job.cancel_stuck_requests(ONE_HOUR, now=now)

    assert again == job.CancelReport()
    assert len(cloudcontrol.calls_to("CancelResourceRequest")) == 2


def test_a_throttled_cancel_is_retried_by_botocore(
    cloudcontrol: FakeCloudControl, stuck_requests: SeededRequests
) -> None:
    now = cloudcontrol.clock.now()
    cloudcontrol.inject_error("CancelResourceRequest", "ThrottlingException", times=2)

    report = job.cancel_stuck_requests(ONE_HOUR, now=now)

    assert report.cancelled == stuck_requests.stuck
    attempts = cloudcontrol.calls_to("CancelResourceRequest")
    assert [call.error_code for call in attempts] == ["ThrottlingException"] * 2 + [None, None]
    assert cloudcontrol.clock.now() > now  # botocore backed off, in virtual time


def test_a_concurrent_modification_is_reported_and_the_others_still_cancelled(
    cloudcontrol: FakeCloudControl, stuck_requests: SeededRequests
) -> None:
    no_retries = cloudcontrol.client(config=Config(retries={"max_attempts": 0}))
    cloudcontrol.inject_error("CancelResourceRequest", "ConcurrentModificationException")

    report = job.cancel_stuck_requests(ONE_HOUR, now=cloudcontrol.clock.now(), client=no_retries)

    assert report.failed == {stuck_requests.old_pending: "ConcurrentModificationException"}
    assert report.cancelled == [stuck_requests.old_in_progress]
    assert len(cloudcontrol.calls_to("CancelResourceRequest")) == 2  # one attempt each
    cloudcontrol.assert_not_cancelled(stuck_requests.old_pending)
