"""With the network blocked, every served path still answers: nothing of Cloud Control leaves the machine."""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Callable
from typing import Any

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest
import requests

from pytest_cloudcontrol import FakeCloudControl

MakeWire = Callable[..., Any]  # conftest's wire fixture: url → WireClient


class NetworkBlocked(Exception):
    """A connection or a name lookup outside this machine was tried."""


@pytest.fixture
def network_blocked(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Refuse every connection and name lookup that is not loopback; the refused addresses, in order."""
    refused: list[object] = []

    def loopback(host: object) -> bool:
        try:
            return ipaddress.ip_address(str(host)).is_loopback
        except ValueError:
            return host == "localhost"

    def connect(original: Callable[..., Any]) -> Callable[..., Any]:
        def guarded(self: socket.socket, address: Any) -> Any:
            if self.family in (socket.AF_INET, socket.AF_INET6) and not loopback(address[0]):
                refused.append(address)
                raise NetworkBlocked(f"connection to {address} blocked")
            return original(self, address)

        return guarded

    getaddrinfo = socket.getaddrinfo

    def lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not loopback(host.decode() if isinstance(host, bytes) else host):
            refused.append(host)
            raise NetworkBlocked(f"name lookup of {host} blocked")
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect(socket.socket.connect))
    monkeypatch.setattr(socket.socket, "connect_ex", connect(socket.socket.connect_ex))
    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    return refused


def test_the_guard_blocks_the_network(network_blocked: list[object]) -> None:
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("cloudcontrolapi.us-east-1.amazonaws.com", 443), timeout=1)
    assert network_blocked == ["cloudcontrolapi.us-east-1.amazonaws.com"]


def test_botocore_clients_are_served_in_process(
    network_blocked: list[object], cloudcontrol: FakeCloudControl
) -> None:
    client = boto3.client("cloudcontrol", region_name="eu-west-1")
    token = client.create_resource(
        TypeName="AWS::Logs::LogGroup", DesiredState=json.dumps({"LogGroupName": "g"})
    )["ProgressEvent"]["RequestToken"]
    client.get_waiter("resource_request_success").wait(RequestToken=token)

    assert network_blocked == []


def test_requests_are_served_through_responses(
    network_blocked: list[object], cloudcontrol: FakeCloudControl, cloudcontrol_requests: object
) -> None:
    url = "https://cloudcontrolapi.us-east-1.amazonaws.com/"
    request = botocore.awsrequest.AWSRequest(
        "POST",
        url,
        data=b"{}",
        headers={
            "X-Amz-Target": "CloudApiService.ListResourceRequests",
            "Content-Type": "application/x-amz-json-1.0",
        },
    )
    credentials = botocore.credentials.Credentials("testing", "testing")
    botocore.auth.SigV4Auth(credentials, "cloudcontrolapi", "us-east-1").add_auth(request)

    response = requests.post(url, data=b"{}", headers=dict(request.headers.items()), timeout=5)

    assert response.json() == {"ResourceRequestStatusSummaries": []}
    assert network_blocked == []


def test_the_server_serves_over_loopback_only(network_blocked: list[object], wire: MakeWire) -> None:
    fake = FakeCloudControl()
    with fake.serve() as server:
        client = boto3.client(
            "cloudcontrol",
            endpoint_url=server.url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.list_resource_requests()
        status, _ = wire(server.url).control("GET", "calls")

    assert status == 200
    assert [call.operation for call in fake.calls] == ["ListResourceRequests"]
    assert network_blocked == []


def test_a_fake_scoped_to_attached_clients_serves_them(network_blocked: list[object]) -> None:
    with FakeCloudControl(serves="attached") as fake:
        fake.client().list_resource_requests()

    assert len(fake.calls) == 1
    assert network_blocked == []
