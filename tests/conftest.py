"""Shared fixtures: a real boto3 client talking to the ``cloudcontrol`` fake."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from pytest_cloudcontrol import FakeCloudControl


@pytest.fixture
def client(cloudcontrol: FakeCloudControl) -> Any:
    """A boto3 ``cloudcontrol`` client in the fake's Region, made while the fake is active."""
    return boto3.client("cloudcontrol", region_name=cloudcontrol.region)
