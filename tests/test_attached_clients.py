"""A fake scoped to chosen clients or sessions: ``serves="attached"``, ``attach``, ``detach``."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator

import boto3
import botocore.session
import pytest

from pytest_cloudcontrol import CloudControlServer, CloudControlUsageError, FakeCloudControl


@pytest.fixture
def real_endpoint() -> Iterator[CloudControlServer]:
    """Stands for a real Cloud Control endpoint: another fake, reached over HTTP only."""
    with FakeCloudControl().serve() as server:
        yield server


def _client(endpoint_url: str | None = None, session: boto3.Session | None = None) -> object:
    return (session or boto3).client(
        "cloudcontrol",
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        aws_access_key_id="AKIDREAL",
        aws_secret_access_key="real-secret",
    )


def _create(client: object, name: str) -> None:
    client.create_resource(  # type: ignore[attr-defined]
        TypeName="AWS::Logs::LogGroup", DesiredState=json.dumps({"LogGroupName": name})
    )


def test_an_attached_client_is_served_and_another_reaches_its_own_endpoint(
    real_endpoint: CloudControlServer,
) -> None:
    environment = dict(os.environ)
    with FakeCloudControl(serves="attached") as fake:
        served = fake.attach(_client(real_endpoint.url))
        other = _client(real_endpoint.url)

        _create(served, "faked")
        _create(other, "real")

        assert dict(os.environ) == environment, "an attached-only fake leaves the environment alone"
    assert [r.identifier for r in fake.resources] == ["faked"]
    assert [r.identifier for r in real_endpoint.fake.resources] == ["real"]


def test_fake_client_is_attached(real_endpoint: CloudControlServer) -> None:
    with FakeCloudControl(serves="attached") as fake:
        _create(fake.client(endpoint_url=real_endpoint.url), "mine")

    assert [r.identifier for r in fake.resources] == ["mine"]
    assert real_endpoint.fake.resources == []


def test_an_attached_session_serves_the_clients_it_makes(real_endpoint: CloudControlServer) -> None:
    session = boto3.Session()
    with FakeCloudControl(serves="attached") as fake:
        fake.attach(session)
        _create(_client(real_endpoint.url, session), "from-session")
        _create(_client(real_endpoint.url), "elsewhere")

    assert [r.identifier for r in fake.resources] == ["from-session"]
    assert [r.identifier for r in real_endpoint.fake.resources] == ["elsewhere"]


def test_an_attached_client_is_signed_with_the_fakes_secret(signing_secrets: list[str]) -> None:
    with FakeCloudControl(serves="attached") as fake:
        _create(fake.attach(_client()), "signed")

    assert signing_secrets == ["testing"], "the client's own secret never signs what the fake serves"
    (call,) = fake.calls
    assert call.account_id == fake.account_id


def test_detach_and_stop_send_the_client_to_its_endpoint_again(real_endpoint: CloudControlServer) -> None:
    client = _client(real_endpoint.url)
    with FakeCloudControl(serves="attached") as fake:
        fake.attach(client)
        _create(client, "one")
        fake.detach(client)
        _create(client, "two")
        fake.attach(client)
    _create(client, "three")  # stop() ended the attachment

    assert [r.identifier for r in fake.resources] == ["one"]
    assert [r.identifier for r in real_endpoint.fake.resources] == ["two", "three"]


def test_attach_pins_a_client_to_a_process_wide_fake_under_another(real_endpoint: CloudControlServer) -> None:
    with FakeCloudControl() as outer:
        pinned = outer.attach(_client(real_endpoint.url))
        with FakeCloudControl() as inner:
            _create(pinned, "pinned")
            _create(_client(real_endpoint.url), "innermost")

    assert [r.identifier for r in outer.resources] == ["pinned"]
    assert [r.identifier for r in inner.resources] == ["innermost"]


def test_the_marker_scopes_the_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.cloudcontrol(serves="attached")
        def test_attached(cloudcontrol):
            cloudcontrol.client().list_resource_requests()
            assert len(cloudcontrol.calls) == 1
        """
    )

    pytester.runpytest().assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (lambda: object(), "attach() takes a botocore or boto3 client or session; got object"),
        (
            lambda: boto3.client("s3", region_name="us-east-1"),
            "attach() takes a cloudcontrol client; got a s3 client",
        ),
    ],
)
def test_attach_takes_cloudcontrol_clients_and_sessions(target: object, message: str) -> None:
    with (
        FakeCloudControl(serves="attached") as fake,
        pytest.raises(CloudControlUsageError, match=re.escape(message)),
    ):
        fake.attach(target())  # type: ignore[operator]


def test_attach_needs_an_active_fake_and_detach_an_attached_client() -> None:
    fake = FakeCloudControl(serves="attached")
    client = botocore.session.get_session().create_client("cloudcontrol", region_name="us-east-1")
    with pytest.raises(CloudControlUsageError, match="attach\\(\\) needs an active fake"):
        fake.attach(client)
    with fake, pytest.raises(CloudControlUsageError, match="is not attached to this fake"):
        fake.detach(client)


def test_serves_is_checked() -> None:
    with pytest.raises(CloudControlUsageError, match='serves must be "process"'):
        FakeCloudControl(serves="everyone")


def test_a_fast_fake_serves_its_attached_clients_unsigned(signing_secrets: list[str]) -> None:
    with FakeCloudControl(serves="attached", fast=True) as fake:
        fake.client().list_resource_requests()

    assert signing_secrets == []
    assert [call.status_code for call in fake.calls] == [200]
