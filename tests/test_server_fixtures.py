"""The server fixtures through pytester: ``cloudcontrol_server`` and ``cloudcontrol_session_server``."""

from __future__ import annotations

import pytest

# A test in the pytester project talks to the server as a client in another process would: over HTTP,
# outside botocore (the fake active in-process would answer a botocore client itself).
_CONFTEST = """
import json, urllib.request

import pytest


def control(server, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server.url + "/_cloudcontrol/" + path, data=data, method=method)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(_CONFTEST)
    return pytester


def test_the_server_fixture_serves_the_tests_own_fake(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        from conftest import control

        def test_seed_in_python_read_over_http(cloudcontrol, cloudcontrol_server):
            assert cloudcontrol_server.fake is cloudcontrol
            token = cloudcontrol.seed_request("AWS::Logs::LogGroup").request_token
            assert [r["request_token"] for r in control(cloudcontrol_server, "GET", "requests")] == [token]

        def test_seed_over_http_read_in_python(cloudcontrol, cloudcontrol_server):
            control(cloudcontrol_server, "POST", "resources",
                    {"type_name": "AWS::Logs::LogGroup", "properties": {"LogGroupName": "g"}})
            assert [r.identifier for r in cloudcontrol.resources] == ["g"]
        """
    )

    project.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_the_marker_configures_the_served_fake_and_its_time_scale(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        import time

        import pytest

        from conftest import control

        @pytest.mark.cloudcontrol(region="eu-central-1", time_scale=3600)
        def test_marked(cloudcontrol_server):
            about = control(cloudcontrol_server, "GET", "")
            time.sleep(0.05)
            later = control(cloudcontrol_server, "GET", "")
            assert about["region"] == "eu-central-1"
            assert later["time"] - about["time"] >= 0.05 * 3600
        """
    )

    project.runpytest().assert_outcomes(passed=1)


def test_time_scale_without_a_server_fixture_is_a_usage_error(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        import pytest

        @pytest.mark.cloudcontrol(time_scale=60)
        def test_no_server(cloudcontrol):
            pass
        """
    )

    result = project.runpytest()

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*time_scale is the server's option; this test uses neither*"])


def test_the_server_stops_at_teardown(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        import socket, threading

        import pytest

        PORTS = []

        def test_serves(cloudcontrol_server):
            PORTS.append(cloudcontrol_server.port)

        def test_after():
            assert [t.name for t in threading.enumerate() if t.name.startswith("cloudcontrol")] == []
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", PORTS[0]), timeout=2)
        """
    )

    project.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_the_session_server_gives_each_test_an_empty_fake_at_one_url(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        import pytest

        from conftest import control

        URLS = []

        @pytest.mark.parametrize("run", [1, 2, 3])
        def test_each(cloudcontrol, cloudcontrol_session_server, run):
            URLS.append(cloudcontrol_session_server.url)
            assert cloudcontrol_session_server.fake is cloudcontrol
            assert control(cloudcontrol_session_server, "GET", "requests") == []
            control(cloudcontrol_session_server, "POST", "requests", {"type_name": "AWS::Logs::LogGroup"})
            assert len(cloudcontrol.requests) == 1

        def test_one_url():
            assert len(set(URLS)) == 1
        """
    )

    project.runpytest("-p", "no:randomly").assert_outcomes(passed=4)


def test_the_session_server_takes_the_markers_time_scale(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        import time

        import pytest

        @pytest.mark.cloudcontrol(time_scale=3600)
        def test_fast(cloudcontrol_session_server):
            before = cloudcontrol_session_server.fake.clock.time()
            time.sleep(0.05)
            assert cloudcontrol_session_server.fake.clock.time() - before >= 0.05 * 3600

        def test_wall_speed(cloudcontrol_session_server):
            before = cloudcontrol_session_server.fake.clock.time()
            time.sleep(0.05)
            assert cloudcontrol_session_server.fake.clock.time() - before < 60
        """
    )

    project.runpytest("-p", "no:randomly").assert_outcomes(passed=2)
