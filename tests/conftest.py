"""Shared fixtures: a real boto3 client talking to the ``cloudcontrol`` fake."""

from __future__ import annotations

from typing import Any

import boto3
import botocore.auth
import pytest

from pytest_cloudcontrol import FakeCloudControl


@pytest.fixture
def client(cloudcontrol: FakeCloudControl) -> Any:
    """A boto3 ``cloudcontrol`` client in the fake's Region, made while the fake is active."""
    return boto3.client("cloudcontrol", region_name=cloudcontrol.region)


@pytest.fixture
def signing_secrets(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The secret key of every SigV4 signature made during the test, in order."""
    secrets: list[str] = []
    add_auth = botocore.auth.SigV4Auth.add_auth

    def spy(self: botocore.auth.SigV4Auth, request: Any) -> None:
        secrets.append(self.credentials.secret_key)
        add_auth(self, request)

    monkeypatch.setattr(botocore.auth.SigV4Auth, "add_auth", spy)
    return secrets
