"""What the fake guarantees: no escape to a real endpoint, no real credentials, restore in any order.

No call leaves the process, no real secret signs one, and botocore and the environment come back as
they were, whatever the order fakes stop in.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.auth
import botocore.endpoint
import botocore.session
import botocore.waiter
import pytest
from botocore.exceptions import ClientError, HTTPClientError

from pytest_cloudcontrol import FakeCloudControl, RealEndpointError
from pytest_cloudcontrol.transport import botocore_hook

INNER = ("-p", "no:hypothesispytest", "-p", "no:randomly")


class NetworkUsed(AssertionError):
    """A test opened a connection or looked up a host name."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every DNS lookup and connection in the process is recorded and refused."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise NetworkUsed(f"network used: {args!r}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield attempts
    assert attempts == []


@pytest.fixture
def aws_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A clean AWS configuration of the test's own: no AWS_* variables, config files in tmp_path."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    config = tmp_path / "config"
    credentials = tmp_path / "credentials"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    credentials.write_text("[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = real-base-secret\n")
    return config


# -- never escape to a real endpoint ------------------------------------------------------------


def _run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
        check=False,
    )


_NETWORK_BLOCKED = """
    import socket
    def refuse(*args, **kwargs):
        raise SystemExit(f"NETWORK USED: {args!r}")
    socket.getaddrinfo = socket.create_connection = refuse
    socket.socket.connect = refuse
"""


def test_the_bare_import_is_enough_outside_pytest() -> None:
    result = _run_python(
        _NETWORK_BLOCKED
        + """
    import boto3
    import pytest_cloudcontrol

    client = boto3.client("cloudcontrol", region_name="eu-west-1", aws_access_key_id="a",
                          aws_secret_access_key="b")
    with pytest_cloudcontrol.FakeCloudControl() as fake:
        token = fake.seed_request("AWS::Logs::LogGroup", region="eu-west-1").request_token
        client.cancel_resource_request(RequestToken=token)
        fake.assert_cancelled(token)
    print("SERVED")
    """
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "SERVED"


def test_a_client_made_before_the_import_is_refused_not_sent() -> None:
    result = _run_python(
        _NETWORK_BLOCKED
        + """
    import boto3
    early = boto3.client("cloudcontrol", region_name="us-east-1", aws_access_key_id="a",
                         aws_secret_access_key="b")
    from pytest_cloudcontrol import FakeCloudControl, RealEndpointError

    with FakeCloudControl() as fake:
        try:
            early.list_resource_requests()
        except RealEndpointError as error:
            print("REFUSED", error)
        assert fake.calls == []
    """
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "REFUSED ListResourceRequests came from a cloudcontrol client made before"
    )
    assert "Import pytest_cloudcontrol before making clients" in result.stdout


def test_the_guards_are_patched_in_only_while_a_fake_is_active() -> None:
    send, create_client = botocore.endpoint.Endpoint._send, botocore.session.Session.create_client

    with FakeCloudControl():
        assert botocore.endpoint.Endpoint._send is not send
        assert botocore.session.Session.create_client is not create_client

    assert botocore.endpoint.Endpoint._send is send
    assert botocore.session.Session.create_client is create_client


def test_other_services_still_reach_their_endpoint_while_active(no_network: list[Any]) -> None:
    # The guard refuses Cloud Control requests only: an S3 request goes on to the (here: blocked) network.
    s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")

    with FakeCloudControl(), pytest.raises(HTTPClientError, match="network used"):
        s3.list_buckets()

    no_network.clear()


# -- never touch real credentials ---------------------------------------------------------------


def test_a_role_profile_never_calls_sts(
    cloudcontrol: FakeCloudControl, aws_config: Path, no_network: list[Any]
) -> None:
    aws_config.write_text(
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n"
    )
    client = boto3.Session(profile_name="dev").client("cloudcontrol", region_name="us-east-1")
    token = cloudcontrol.seed_request("AWS::Logs::LogGroup").request_token

    client.cancel_resource_request(RequestToken=token)

    cloudcontrol.assert_cancelled(token)


def test_a_role_client_made_before_the_fake_never_calls_sts(aws_config: Path, no_network: list[Any]) -> None:
    aws_config.write_text(
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n"
    )
    client = boto3.Session(profile_name="dev").client("cloudcontrol", region_name="us-east-1")

    with FakeCloudControl() as fake:
        assert client.list_resource_requests()["ResourceRequestStatusSummaries"] == []

    assert [call.operation for call in fake.calls] == ["ListResourceRequests"]


def test_a_profile_without_credentials_never_asks_instance_metadata(
    cloudcontrol: FakeCloudControl, aws_config: Path, no_network: list[Any]
) -> None:
    aws_config.write_text("[profile empty]\nregion = us-east-1\n")

    client = boto3.Session(profile_name="empty").client("cloudcontrol")

    assert client.list_resource_requests()["ResourceRequestStatusSummaries"] == []


def test_a_credential_process_never_runs(
    cloudcontrol: FakeCloudControl, aws_config: Path, tmp_path: Path, no_network: list[Any]
) -> None:
    ran = tmp_path / "ran"
    script = tmp_path / "process.py"
    script.write_text(
        f"open({str(ran)!r}, 'w').close()\n"
        'print(\'{"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "real"}\')\n'
    )
    aws_config.write_text(f"[profile proc]\ncredential_process = {sys.executable} {script}\n")

    client = boto3.Session(profile_name="proc").client("cloudcontrol", region_name="us-east-1")
    client.list_resource_requests()

    assert not ran.exists()


def test_no_real_secret_signs_what_the_fake_serves(
    cloudcontrol: FakeCloudControl, signing_secrets: list[str]
) -> None:
    client = boto3.client(
        "cloudcontrol", region_name="us-east-1", aws_access_key_id="AKIAREAL", aws_secret_access_key="real"
    )

    client.list_resource_requests()

    assert signing_secrets == ["testing"]


def test_accounts_still_map_access_keys_with_a_fake_secret() -> None:
    with FakeCloudControl(accounts={"AKIAOTHER": "222222222222"}) as fake:
        other = boto3.client(
            "cloudcontrol",
            region_name="us-east-1",
            aws_access_key_id="AKIAOTHER",
            aws_secret_access_key="real",
        )
        token = fake.seed_request("AWS::Logs::LogGroup", account_id="222222222222").request_token

        other.cancel_resource_request(RequestToken=token)

        assert fake.calls[-1].account_id == "222222222222"
        fake.assert_cancelled(token)


def test_a_missing_profile_in_aws_profile_does_not_break_the_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_served(cloudcontrol, cloudcontrol_client):
            token = cloudcontrol.seed_request("AWS::Logs::LogGroup").request_token
            cloudcontrol_client.cancel_resource_request(RequestToken=token)
            cloudcontrol.assert_cancelled(token)
        """
    )
    # A fresh process: the fake's botocore session is made once per process.
    pytester._monkeypatch.setenv("AWS_PROFILE", "no-such-profile")

    pytester.runpytest_subprocess(*INNER).assert_outcomes(passed=1)


# -- the guard for whole suites -----------------------------------------------------------------


def test_block_real_calls_fails_calls_without_a_fake(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ncloudcontrol_block_real_calls = true\n")
    pytester.makepyfile(
        """
        import boto3
        import pytest
        from pytest_cloudcontrol import RealEndpointError

        def client():
            return boto3.client("cloudcontrol", region_name="us-east-1", aws_access_key_id="a",
                                aws_secret_access_key="b")

        def test_without_the_fixture():
            with pytest.raises(RealEndpointError) as raised:
                client().list_resource_requests()
            message = str(raised.value)
            assert "ListResourceRequests was called while no Cloud Control fake is active" in message
            assert "Use the `cloudcontrol` fixture" in str(raised.value)

        def test_with_the_fixture(cloudcontrol):
            assert client().list_resource_requests()["ResourceRequestStatusSummaries"] == []
        """
    )

    pytester.runpytest(*INNER).assert_outcomes(passed=2)

    assert botocore_hook._blocking == []  # the inner run's guard ended with it


def test_block_real_calls_is_off_by_default(no_network: list[Any]) -> None:
    client = boto3.client(
        "cloudcontrol", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )

    with pytest.raises(HTTPClientError, match="network used"):  # it would go to AWS: nothing blocks it
        client.list_resource_requests()

    no_network.clear()


# -- always restore, in any order ---------------------------------------------------------------


def _botocore_state() -> tuple[Any, ...]:
    return (
        botocore.endpoint.time,
        botocore.waiter.time,
        botocore.endpoint.Endpoint._send,
        botocore.session.Session.create_client,
        list(botocore_hook._active),
    )


def _aws_environment() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name.startswith("AWS_")}


@pytest.mark.parametrize("stop_order", list(itertools.permutations(range(3))))
def test_fakes_stopped_in_any_order_restore_everything(
    monkeypatch: pytest.MonkeyPatch, stop_order: tuple[int, ...]
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "mine")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    before, environment = _botocore_state(), _aws_environment()
    fakes = [FakeCloudControl(region=region) for region in ("us-east-1", "eu-west-1", "ap-south-1")]
    for fake in fakes:
        fake.start()

    for index in stop_order:
        fakes[index].stop()

    assert _botocore_state() == before
    assert _aws_environment() == environment
    assert botocore.endpoint.time is time


def test_sleeps_follow_the_innermost_active_fake() -> None:
    outer, inner = FakeCloudControl(), FakeCloudControl()
    with outer:
        inner.start()
        outer_time, inner_time = outer.clock.time(), inner.clock.time()

        botocore.endpoint.time.sleep(10)
        outer.stop()  # out of order: the inner one is still active
        botocore.endpoint.time.sleep(5)

        assert (outer.clock.time() - outer_time, inner.clock.time() - inner_time) == (0, 15)
        inner.stop()
    assert botocore.endpoint.time is time


def test_a_failing_start_undoes_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    before, environment = _botocore_state(), _aws_environment()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("activation failed")

    monkeypatch.setattr(botocore_hook, "activate", broken)
    fake = FakeCloudControl()

    with pytest.raises(RuntimeError, match="activation failed"):
        fake.start()

    assert not fake.active
    assert _botocore_state() == before
    assert _aws_environment() == environment


def test_a_bad_option_fails_before_anything_changes() -> None:
    environment = _aws_environment()

    with pytest.raises(ValueError, match="region must be an AWS Region name"):
        FakeCloudControl(region=123).start()  # type: ignore[arg-type]

    assert _aws_environment() == environment


@pytest.mark.parametrize("order", ["monkeypatch, cloudcontrol", "cloudcontrol, monkeypatch"])
def test_the_environment_unwinds_whatever_the_fixture_order(pytester: pytest.Pytester, order: str) -> None:
    pytester._monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    pytester._monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    pytester.makepyfile(
        f"""
        import os

        def test_sets_a_key({order}):
            assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
            monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAOTHER")
            monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")

        def test_after():
            assert "AWS_ACCESS_KEY_ID" not in os.environ
            assert os.environ["AWS_DEFAULT_REGION"] == "us-west-2"
        """
    )

    pytester.runpytest(*INNER).assert_outcomes(passed=2)


# -- forward compatible -------------------------------------------------------------------------


def _model_with_an_extra_operation(root: Path) -> None:
    loader = botocore.session.get_session().get_component("data_loader")
    model = loader.load_service_model("cloudcontrol", "service-2")
    version = model["metadata"]["apiVersion"]
    model["operations"]["DescribeFutureThing"] = {
        "name": "DescribeFutureThing",
        "http": {"method": "POST", "requestUri": "/"},
        "input": {"shape": "DescribeFutureThingInput"},
        "output": {"shape": "DescribeFutureThingOutput"},
    }
    model["shapes"]["DescribeFutureThingInput"] = {
        "type": "structure",
        "required": ["Name"],
        "members": {"Name": {"shape": "TypeName"}},
    }
    model["shapes"]["DescribeFutureThingOutput"] = {"type": "structure", "members": {}}
    target = root / "cloudcontrol" / version
    target.mkdir(parents=True)
    with gzip.open(target / "service-2.json.gz", "wt") as file:
        json.dump(model, file)


def test_an_operation_the_fake_lacks_answers_a_clear_error(pytester: pytest.Pytester) -> None:
    _model_with_an_extra_operation(pytester.path / "models")
    pytester._monkeypatch.setenv("AWS_DATA_PATH", str(pytester.path / "models"))
    pytester.makepyfile(
        """
        import pytest
        from botocore.exceptions import ClientError

        def test_the_new_operation(cloudcontrol, cloudcontrol_client):
            with pytest.raises(ClientError) as raised:
                cloudcontrol_client.describe_future_thing(Name="AWS::Logs::LogGroup")
            error = raised.value.response["Error"]
            assert error["Code"] == "UnknownOperationException"
            assert "pytest-cloudcontrol does not implement DescribeFutureThing" in error["Message"]
            assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

        def test_the_others_keep_working(cloudcontrol, cloudcontrol_client):
            token = cloudcontrol.seed_request("AWS::Logs::LogGroup").request_token
            cloudcontrol_client.cancel_resource_request(RequestToken=token)
            cloudcontrol.assert_cancelled(token)
        """
    )

    pytester.runpytest_subprocess(*INNER).assert_outcomes(passed=2)


def _without_the_handler(client: Any) -> Any:
    """A client as one made before pytest_cloudcontrol was imported: no before-send handler."""
    client.meta.events.unregister("before-send.cloudcontrol", botocore_hook._answer)
    return client


def test_a_client_without_the_handler_is_refused_in_process(no_network: list[Any]) -> None:
    client = _without_the_handler(
        boto3.client(
            "cloudcontrol", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
        )
    )

    with FakeCloudControl(), pytest.raises(RealEndpointError, match="made before pytest_cloudcontrol"):
        client.get_resource_request_status(RequestToken="t")


def test_a_client_without_the_handler_is_refused_while_blocking(no_network: list[Any]) -> None:
    client = _without_the_handler(
        boto3.client(
            "cloudcontrol", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
        )
    )
    send = botocore.endpoint.Endpoint._send
    owner = object()
    botocore_hook.block_real_calls(owner)
    try:
        with pytest.raises(RealEndpointError, match="GetResourceRequestStatus was called while no"):
            client.get_resource_request_status(RequestToken="t")
    finally:
        botocore_hook.unblock_real_calls(owner)

    assert botocore.endpoint.Endpoint._send is send


def test_a_patch_made_over_the_guards_is_left_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    theirs, create_client = botocore.endpoint.Endpoint._send, botocore.session.Session.create_client
    fake = FakeCloudControl().start()

    def their_send(self: Any, request: Any) -> Any:
        return theirs(self, request)

    monkeypatch.setattr(botocore.endpoint.Endpoint, "_send", their_send)
    fake.stop()

    assert botocore.endpoint.Endpoint._send is their_send
    assert botocore.session.Session.create_client is create_client


def test_each_access_key_signs_with_the_fake_secret_every_time() -> None:
    with FakeCloudControl(accounts={"AKIAOTHER": "222222222222"}) as fake:
        other = boto3.client(
            "cloudcontrol",
            region_name="us-east-1",
            aws_access_key_id="AKIAOTHER",
            aws_secret_access_key="real",
        )
        other.list_resource_requests()
        other.list_resource_requests()

    assert [call.account_id for call in fake.calls] == ["222222222222"] * 2


def test_a_client_made_with_its_own_keys_while_active_keeps_them(cloudcontrol: FakeCloudControl) -> None:
    client = boto3.Session(aws_access_key_id="AKIAMINE", aws_secret_access_key="real").client(
        "cloudcontrol", region_name="us-east-1"
    )

    assert client._request_signer._credentials.access_key == "AKIAMINE"


def test_an_operation_without_a_handler_names_itself_in_process(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    # What a newer botocore model's operation meets (the subprocess test above), reached in process:
    # the service without its GetResource handler.
    del cloudcontrol._service._handlers["GetResource"]

    with pytest.raises(ClientError) as raised:
        client.get_resource(TypeName="AWS::Logs::LogGroup", Identifier="g")

    assert raised.value.response["Error"] == {
        "Code": "UnknownOperationException",
        "Message": "pytest-cloudcontrol does not implement GetResource (botocore's model has it, the fake "
        "does not yet); the other operations keep working",
    }
    assert client.list_resource_requests()["ResourceRequestStatusSummaries"] == []
