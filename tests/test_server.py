"""The HTTP endpoint: ``FakeCloudControl.serve()``, ``CloudControlServer``, the server fixture."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import botocore.auth
import botocore.awsrequest
import pytest

from pytest_cloudcontrol import CloudControlServer, CloudControlUsageError, FakeCloudControl, Progression
from pytest_cloudcontrol.http import HttpRequest
from pytest_cloudcontrol.transport.http_server import _EnvironHeaders

MakeWire = Callable[..., Any]  # conftest's wire fixture: url → WireClient


@pytest.fixture
def served() -> Iterator[CloudControlServer]:
    """A fake that is not active in the process, behind a server."""
    with FakeCloudControl().serve() as server:
        yield server


def test_a_client_in_another_process_cancels_what_the_test_seeded(
    cloudcontrol: FakeCloudControl, cloudcontrol_server: CloudControlServer
) -> None:
    token = cloudcontrol.seed_request("AWS::Logs::LogGroup").request_token
    script = (
        "import boto3, sys\n"
        "client = boto3.client('cloudcontrol', endpoint_url=sys.argv[1], region_name='us-east-1',\n"
        "                      aws_access_key_id='testing', aws_secret_access_key='testing')\n"
        "print(client.cancel_resource_request(RequestToken=sys.argv[2])['ProgressEvent']['OperationStatus'])\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", script, cloudcontrol_server.url, token],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert result.stdout.strip() == "CANCEL_IN_PROGRESS"
    cloudcontrol.assert_cancelled(token)
    assert cloudcontrol_server.fake is cloudcontrol


def test_the_server_answers_as_the_in_process_fake_does(
    cloudcontrol: FakeCloudControl, cloudcontrol_server: CloudControlServer, wire: MakeWire
) -> None:
    status, answer = wire(cloudcontrol_server.url).call(
        "CreateResource",
        {"TypeName": "AWS::Logs::LogGroup", "DesiredState": json.dumps({"LogGroupName": "a"})},
    )

    assert status == 200
    assert answer["ProgressEvent"]["OperationStatus"] == "IN_PROGRESS"
    (call,) = cloudcontrol.calls
    assert call.response == answer
    assert cloudcontrol.get_resource("AWS::Logs::LogGroup", "a").properties["LogGroupName"] == "a"


def test_the_url_host_and_port_say_where_it_listens(served: CloudControlServer) -> None:
    assert served.host == "127.0.0.1"
    assert served.port > 0
    assert served.url == f"http://127.0.0.1:{served.port}"
    assert repr(served) == f"<CloudControlServer {served.url} running>"


def test_requests_are_scoped_by_their_signature_not_the_host(wire: MakeWire) -> None:
    fake = FakeCloudControl(accounts={"AKIDOTHER": "210987654321"})
    with fake.serve() as server:
        status, _ = wire(server.url, region="eu-west-1", access_key="AKIDOTHER").call(
            "ListResourceRequests", {}
        )

    assert status == 200
    (call,) = fake.calls
    assert (call.region, call.account_id) == ("eu-west-1", "210987654321")


def test_an_unsigned_request_is_refused_unless_the_fake_is_fast(wire: MakeWire) -> None:
    with (
        FakeCloudControl().serve() as strict,
        FakeCloudControl(fast=True, region="ap-south-1").serve() as fast,
    ):
        refused = wire(strict.url).call("ListResourceRequests", {}, signed=False)
        accepted = wire(fast.url).call("ListResourceRequests", {}, signed=False)
        (call,) = fast.fake.calls

    assert refused[0] == 400
    assert refused[1]["__type"].endswith("MissingAuthenticationTokenException")
    assert accepted == (200, {"ResourceRequestStatusSummaries": []})
    assert call.region == "ap-south-1", "an unsigned request is for the fake's own Region"


def test_one_keep_alive_connection_carries_many_calls(served: CloudControlServer, wire: MakeWire) -> None:
    client = wire(served.url)
    client.call("ListResourceRequests", {})
    first_socket = client.connection.sock

    for _ in range(20):
        assert client.call("ListResourceRequests", {})[0] == 200

    assert client.connection.sock is first_socket
    assert len(served.fake.calls) == 21


def test_a_chunked_request_body_is_read_whole(served: CloudControlServer, wire: MakeWire) -> None:
    client = wire(served.url)
    body = json.dumps({"TypeName": "AWS::Logs::LogGroup", "DesiredState": json.dumps({"LogGroupName": "c"})})
    request = client.connection
    signed = botocore.awsrequest.AWSRequest(
        "POST",
        served.url + "/",
        data=body.encode(),
        headers={
            "X-Amz-Target": "CloudApiService.CreateResource",
            "Content-Type": "application/x-amz-json-1.0",
        },
    )
    botocore.auth.SigV4Auth(client.credentials, "cloudcontrolapi", "us-east-1").add_auth(signed)
    headers = {k: v for k, v in signed.headers.items() if k.lower() != "content-length"}
    chunks = (body[i : i + 7].encode() for i in range(0, len(body), 7))

    request.request("POST", "/", chunks, headers, encode_chunked=True)
    response = request.getresponse()

    assert response.status == 200, response.read()
    assert json.loads(response.read())["ProgressEvent"]["Identifier"] == "c"


def test_concurrent_clients_are_all_answered(served: CloudControlServer, wire: MakeWire) -> None:
    clients = [wire(served.url) for _ in range(6)]
    statuses: list[int] = []

    def create(index: int) -> None:
        for number in range(5):
            desired = json.dumps({"LogGroupName": f"group-{index}-{number}"})
            status, _ = clients[index].call(
                "CreateResource", {"TypeName": "AWS::Logs::LogGroup", "DesiredState": desired}
            )
            statuses.append(status)

    threads = [threading.Thread(target=create, args=(index,)) for index in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * 30
    assert len(served.fake.resources) == 30


def _refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def test_stop_leaves_no_thread_and_no_socket(wire: MakeWire) -> None:
    before = set(threading.enumerate())
    server = FakeCloudControl().serve()
    client = wire(server.url)
    client.call("ListResourceRequests", {})  # an open keep-alive connection

    server.stop()
    server.stop()  # idempotent

    assert set(threading.enumerate()) == before
    assert _refuses_connections(server.port)
    assert repr(server) == f"<CloudControlServer {server.url} stopped>"
    with pytest.raises((ConnectionError, OSError)):
        client.call("ListResourceRequests", {})


def test_a_port_in_use_fails_at_once_naming_the_address_and_the_reason() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        before = set(threading.enumerate())
        fake = FakeCloudControl()

        with pytest.raises(
            CloudControlUsageError, match=rf"could not listen on 127\.0\.0\.1:{port}: .*in use"
        ):
            fake.serve(port=port)

    assert set(threading.enumerate()) == before
    assert not fake.clock.following_wall_time
    with fake.serve() as server:  # the failure left the fake servable
        assert server.fake is fake


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"port": 70000}, "port must be a port number from 0"),
        ({"port": "80"}, "port must be a port number"),
        ({"host": ""}, "host must be a host name"),
        ({"time_scale": 0}, "time_scale must be a number above 0"),
        ({"time_scale": float("inf")}, "time_scale must be a number above 0"),
        ({"timeout": -1}, "timeout must be a number of seconds above 0"),
    ],
)
def test_bad_server_options_are_usage_errors(options: dict[str, Any], message: str) -> None:
    fake = FakeCloudControl()
    with pytest.raises(CloudControlUsageError, match=message):
        fake.serve(**options)
    assert not fake.clock.following_wall_time


def test_a_fake_is_served_by_one_server_at_a_time(served: CloudControlServer) -> None:
    with pytest.raises(CloudControlUsageError, match="already served by a running server"):
        served.fake.serve()


def test_a_timed_request_finishes_in_wall_time_for_a_client_elsewhere(wire: MakeWire) -> None:
    fake = FakeCloudControl(progression=Progression.after(60))
    with fake.serve(time_scale=600) as server:  # 60 virtual seconds: 0.1 wall seconds
        client = wire(server.url)
        desired = json.dumps({"LogGroupName": "slow"})
        _, created = client.call(
            "CreateResource", {"TypeName": "AWS::Logs::LogGroup", "DesiredState": desired}
        )
        token = created["ProgressEvent"]["RequestToken"]
        _, early = client.call("GetResourceRequestStatus", {"RequestToken": token})
        time.sleep(0.15)
        _, late = client.call("GetResourceRequestStatus", {"RequestToken": token})

    assert early["ProgressEvent"]["OperationStatus"] == "IN_PROGRESS"
    assert late["ProgressEvent"]["OperationStatus"] == "SUCCESS"


def test_advance_still_jumps_a_served_clock(served: CloudControlServer, wire: MakeWire) -> None:
    fake = served.fake
    token = fake.seed_request("AWS::Logs::LogGroup", progression=Progression.after(3600)).request_token
    before = fake.clock.time()

    fake.advance(3600)

    assert fake.clock.time() - before >= 3600
    _, status = wire(served.url).call("GetResourceRequestStatus", {"RequestToken": token})
    assert status["ProgressEvent"]["OperationStatus"] == "SUCCESS"


def test_the_clock_stands_still_again_once_the_server_stops() -> None:
    fake = FakeCloudControl()
    with fake.serve(time_scale=1000):
        time.sleep(0.01)
    stopped_at = fake.clock.time()
    time.sleep(0.01)

    assert fake.clock.time() == stopped_at
    assert not fake.clock.following_wall_time


def test_serve_without_cheroot_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "pytest_cloudcontrol.server", raising=False)
    monkeypatch.delitem(sys.modules, "pytest_cloudcontrol.transport.http_server", raising=False)
    monkeypatch.setitem(sys.modules, "cheroot", None)

    with pytest.raises(CloudControlUsageError, match=r"install pytest-cloudcontrol\[server\]"):
        FakeCloudControl().serve()


def test_a_server_that_does_not_answer_in_time_fails_and_leaves_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = set(threading.enumerate())

    def no_answer(self: http.client.HTTPConnection, *args: Any, **kwargs: Any) -> None:
        raise TimeoutError("timed out")

    monkeypatch.setattr(http.client.HTTPConnection, "request", no_answer)
    fake = FakeCloudControl()

    with pytest.raises(
        CloudControlUsageError, match=r"on 127\.0\.0\.1:\d+ did not answer within 0\.5 s: timed out"
    ):
        fake.serve(timeout=0.5)

    assert set(threading.enumerate()) == before
    assert not fake.clock.following_wall_time


def test_reset_over_http_empties_the_served_fake_which_keeps_following_wall_time(wire: MakeWire) -> None:
    fake = FakeCloudControl(region="eu-north-1", start_time=1_000_000.0)
    with fake.serve(time_scale=1000) as server:
        client = wire(server.url)
        client.control("POST", "requests", {"type_name": "AWS::Logs::LogGroup"})
        client.control("POST", "clock/advance", {"seconds": 3600})

        assert client.control("POST", "reset") == (200, {})

        assert server.fake is fake
        assert client.control("GET", "requests") == (200, [])
        assert fake.clock.following_wall_time
        assert 1_000_000.0 <= fake.clock.time() < 1_000_000.0 + 3600  # back at its start, running
    assert not fake.clock.following_wall_time


def test_switch_to_serves_another_fake_and_the_current_one_is_a_no_op(served: CloudControlServer) -> None:
    first, second = served.fake, FakeCloudControl()

    served.switch_to(first)
    assert served.fake is first
    served.switch_to(second, time_scale=120)

    assert served.fake is second
    assert second.clock.following_wall_time
    assert not first.clock.following_wall_time


def test_the_http_adapter_reads_headers_by_lower_case_name() -> None:
    headers = _EnvironHeaders({"CONTENT_TYPE": "application/x-amz-json-1.0", "HTTP_X_AMZ_TARGET": "T"})

    assert HttpRequest("http://h/", headers, b"").header("content-type") == "application/x-amz-json-1.0"
    assert headers.get("x-amz-target") == "T"
    assert headers.get("authorization") is None


@pytest.mark.parametrize("kind", ["connect", "connection_closed"])
def test_a_network_error_closes_the_connection_unanswered(
    served: CloudControlServer, wire: MakeWire, kind: str
) -> None:
    served.fake.inject_network_error("ListResourceRequests", kind)
    client = wire(served.url)

    with pytest.raises(http.client.RemoteDisconnected):
        client.call("ListResourceRequests", {})

    assert served.fake.calls == [], "the request never reached the fake"
    client.connection.close()
    assert client.call("ListResourceRequests", {})[0] == 200, "the next call is answered"


def test_a_read_timeout_takes_effect_and_holds_the_answer_until_the_client_gives_up(
    served: CloudControlServer, wire: MakeWire
) -> None:
    served.fake.inject_network_error("CreateResource", "read_timeout")
    client = wire(served.url)
    client.connection.timeout = 0.3
    desired = json.dumps({"LogGroupName": "lost-answer"})

    with pytest.raises(TimeoutError):
        client.call("CreateResource", {"TypeName": "AWS::Logs::LogGroup", "DesiredState": desired})

    assert [r.identifier for r in served.fake.resources] == ["lost-answer"], "the call took effect"
    started = time.monotonic()
    served.stop()
    assert time.monotonic() - started < 2, "stop() ends the hold at once"


def test_a_botocore_client_elsewhere_retries_a_dropped_connection(
    cloudcontrol: FakeCloudControl, cloudcontrol_server: CloudControlServer
) -> None:
    cloudcontrol.inject_network_error("ListResourceRequests", "connection_closed")
    script = (
        "import boto3, sys\n"
        "client = boto3.client('cloudcontrol', endpoint_url=sys.argv[1], region_name='us-east-1',\n"
        "                      aws_access_key_id='testing', aws_secret_access_key='testing')\n"
        "print(client.list_resource_requests()['ResponseMetadata']['RetryAttempts'])\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", script, cloudcontrol_server.url],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert result.stdout.strip() == "1"
    assert [call.status_code for call in cloudcontrol.calls] == [200]


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _ipv6_loopback(), reason="this machine has no IPv6 loopback")
def test_an_ipv6_host_is_bracketed_in_the_url(wire: MakeWire) -> None:
    with FakeCloudControl().serve("::1") as server:
        assert server.url == f"http://[::1]:{server.port}"
        status, about = wire(server.url).control("GET", "")

    assert status == 200
    assert about["region"] == "us-east-1"
