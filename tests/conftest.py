"""Shared fixtures: a real boto3 client talking to the ``cloudcontrol`` fake."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
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


class WireClient:
    """A Cloud Control client of its own over HTTP (``http.client``, one keep-alive connection).

    It signs with SigV4 as botocore does but sends outside botocore, so a fake active in the process
    does not answer it in-process: what it gets came through the server.
    """

    def __init__(self, url: str, region: str = "us-east-1", access_key: str = "testing") -> None:
        self.url = url
        self.region = region
        self.credentials = botocore.credentials.Credentials(access_key, "testing")
        host, _, port = url.removeprefix("http://").rpartition(":")
        self.connection = http.client.HTTPConnection(host.strip("[]"), int(port), timeout=10)

    def call(
        self, operation: str, params: dict[str, Any], *, signed: bool = True
    ) -> tuple[int, dict[str, Any]]:
        """Send one operation; the HTTP status and the JSON answer."""
        request = botocore.awsrequest.AWSRequest(
            "POST",
            self.url + "/",
            data=json.dumps(params).encode(),
            headers={
                "X-Amz-Target": f"CloudApiService.{operation}",
                "Content-Type": "application/x-amz-json-1.0",
            },
        )
        if signed:
            botocore.auth.SigV4Auth(self.credentials, "cloudcontrolapi", self.region).add_auth(request)
        prepared = request.prepare()
        self.connection.request("POST", "/", prepared.body, dict(prepared.headers.items()))
        response = self.connection.getresponse()
        return response.status, json.loads(response.read())

    def control(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """A control API call (``path`` after ``/_cloudcontrol/``); the status and the JSON answer."""
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        self.connection.request(method, "/_cloudcontrol/" + path, data)
        response = self.connection.getresponse()
        return response.status, json.loads(response.read())

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def wire() -> Iterator[Callable[..., WireClient]]:
    """Make ``WireClient``s for a server URL; they are closed after the test."""
    made: list[WireClient] = []

    def make(url: str, region: str = "us-east-1", access_key: str = "testing") -> WireClient:
        made.append(WireClient(url, region, access_key))
        return made[-1]

    yield make
    for client in made:
        client.close()
