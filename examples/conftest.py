"""Shared fixtures of the example tests: requests seeded in the fake, and a log group that cleans up."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from botocore.client import BaseClient
from provisioning import create_log_group, delete_log_group

from pytest_cloudcontrol import FakeCloudControl

# The tests must never reach a real account: forget this machine's AWS credentials and profiles
# before the application modules are imported (they make their clients at import time).
for _name in (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
):
    os.environ.pop(_name, None)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
# The application reads its Region from the environment, as it does when deployed.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

HOUR = 3600.0


@dataclass(frozen=True)
class SeededRequests:
    """The tokens of the requests the ``stuck_requests`` fixture put in the fake."""

    old_pending: str
    old_in_progress: str
    old_success: str
    old_cancelled: str
    new_pending: str
    new_in_progress: str

    @property
    def stuck(self) -> list[str]:
        """The requests in flight for more than an hour, oldest first."""
        return [self.old_pending, self.old_in_progress]

    @property
    def recent(self) -> list[str]:
        """The requests in flight for less than an hour."""
        return [self.new_pending, self.new_in_progress]


@pytest.fixture
def stuck_requests(cloudcontrol: FakeCloudControl) -> SeededRequests:
    """Requests in every interesting state: two stuck for 2 hours, two finished, two recent ones.

    ``seed_request`` stamps a request with the virtual clock's time, so the old ones are seeded
    first, then the clock moves on two hours, then the recent ones are seeded.
    """
    seed = cloudcontrol.seed_request
    old_pending = seed("AWS::Logs::LogGroup", status="PENDING", identifier="old-pending")
    old_in_progress = seed("AWS::SQS::Queue", status="IN_PROGRESS", operation="UPDATE")
    old_success = seed("AWS::Logs::LogGroup", status="SUCCESS", identifier="done")
    old_cancelled = seed("AWS::Logs::LogGroup", status="CANCEL_COMPLETE", operation="DELETE")
    cloudcontrol.advance(2 * HOUR)
    new_pending = seed("AWS::Logs::LogGroup", status="PENDING", identifier="new-pending")
    new_in_progress = seed("AWS::SNS::Topic", status="IN_PROGRESS")
    return SeededRequests(
        old_pending=old_pending.request_token,
        old_in_progress=old_in_progress.request_token,
        old_success=old_success.request_token,
        old_cancelled=old_cancelled.request_token,
        new_pending=new_pending.request_token,
        new_in_progress=new_in_progress.request_token,
    )


@pytest.fixture
def log_group(cloudcontrol: FakeCloudControl, cloudcontrol_client: BaseClient) -> Iterator[str]:
    """A log group created through Cloud Control for the test, and deleted after it."""
    name = "/app/orders"
    create_log_group(cloudcontrol_client, name, retention_days=14)
    yield name
    delete_log_group(cloudcontrol_client, name)
    assert cloudcontrol.resources == [], "the cleanup left resources behind"
