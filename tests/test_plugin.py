"""The pytest plugin (through pytester), the context manager without pytest, and thread safety."""

from __future__ import annotations

import os
import socket
import sys
import textwrap
import threading
import time
from collections import Counter
from typing import Any

import boto3
import botocore.endpoint
import botocore.handlers
import botocore.waiter
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError

from pytest_cloudcontrol import CloudControlUsageError, FakeCloudControl
from pytest_cloudcontrol.transport import botocore_hook

TYPE = "AWS::Logs::LogGroup"
# Inner sessions skip hypothesis' plugin: pytester drops the modules a run imports, so each inner
# run would import hypothesis again (about a second). They also run in file order when the outer
# session shuffles with pytest-randomly: their output is matched in that order.
INNER = ("-p", "no:hypothesispytest", "-p", "no:randomly")
NO_RETRY = Config(retries={"total_max_attempts": 1}, connect_timeout=2, read_timeout=2)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _clean_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """No credentials anywhere: no AWS_* variables, no config files, no instance metadata."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


# -- fixtures from the entry point -------------------------------------------------------------


def test_fixtures_come_from_the_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_fixtures(cloudcontrol, cloudcontrol_client):
            token = cloudcontrol.seed_request("AWS::Logs::LogGroup").request_token
            event = cloudcontrol_client.get_resource_request_status(RequestToken=token)
            assert event["ProgressEvent"]["RequestToken"] == token
            assert type(cloudcontrol).__name__ == "FakeCloudControl"
            assert cloudcontrol.active
        """
    )

    pytester.runpytest(*INNER).assert_outcomes(passed=1)
    without = pytester.runpytest(*INNER, "-p", "no:cloudcontrol")
    without.assert_outcomes(errors=1)
    without.stdout.fnmatch_lines(["*fixture 'cloudcontrol' not found*"])


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(*INNER, "--markers")

    result.stdout.fnmatch_lines(["@pytest.mark.cloudcontrol(**options):*"])


def test_state_does_not_leak_between_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_first(cloudcontrol, cloudcontrol_client):
            cloudcontrol.seed_request("AWS::Logs::LogGroup")
            cloudcontrol.seed_resource("AWS::Logs::LogGroup", {"LogGroupName": "kept"})
            cloudcontrol_client.list_resource_requests()
            cloudcontrol.advance(3600)
            assert len(cloudcontrol.requests) == 1

        def test_second(cloudcontrol, cloudcontrol_client):
            assert cloudcontrol.requests == []
            assert cloudcontrol.resources == []
            assert cloudcontrol.calls == []
            assert cloudcontrol.pending_errors == []
            answer = cloudcontrol_client.list_resource_requests()
            assert answer["ResourceRequestStatusSummaries"] == []
        """
    )

    pytester.runpytest(*INNER).assert_outcomes(passed=2)


def test_botocore_and_environment_restored_after_teardown(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    config = tmp_path / "aws-config"
    config.write_text("[profile outer]\nregion = ap-south-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_PROFILE", "outer")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "outer-key")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    pytester.makepyfile(
        f"""
        import os, time
        import boto3, botocore.endpoint, botocore.handlers, botocore.waiter, pytest
        from botocore.config import Config
        from botocore.exceptions import EndpointConnectionError
        from pytest_cloudcontrol.transport import botocore_hook

        HANDLERS = list(botocore.handlers.BUILTIN_HANDLERS)
        ENVIRON = {{k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}}

        def test_with_fake(cloudcontrol, cloudcontrol_client):
            assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
            assert "AWS_PROFILE" not in os.environ
            assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
            assert botocore.waiter.time is not time
            cloudcontrol.seed_request("AWS::Logs::LogGroup")
            assert cloudcontrol_client.list_resource_requests()["ResourceRequestStatusSummaries"]

        def test_after_teardown():
            assert botocore_hook._active == []
            assert botocore.handlers.BUILTIN_HANDLERS == HANDLERS
            assert {{k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}} == ENVIRON
            assert botocore.waiter.time is time
            assert botocore.endpoint.time is time
            client = boto3.session.Session().client(
                "cloudcontrol",
                region_name="us-east-1",
                endpoint_url="http://127.0.0.1:{_closed_port()}",
                aws_access_key_id="a",
                aws_secret_access_key="b",
                config=Config(retries={{"total_max_attempts": 1}}, connect_timeout=2),
            )
            with pytest.raises(EndpointConnectionError):
                client.list_resource_requests()
        """
    )

    pytester.runpytest(*INNER).assert_outcomes(passed=2)
    assert os.environ["AWS_PROFILE"] == "outer"
    assert os.environ["AWS_ACCESS_KEY_ID"] == "outer-key"
    assert "AWS_DEFAULT_REGION" not in os.environ


# -- the marker --------------------------------------------------------------------------------


def test_marker_configures_and_merges_module_class_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.cloudcontrol(region="eu-west-1", account_id="111111111111")

        def test_module_level(cloudcontrol, cloudcontrol_client):
            assert (cloudcontrol.region, cloudcontrol.account_id, cloudcontrol.fast) == (
                "eu-west-1", "111111111111", False)
            assert cloudcontrol_client.meta.region_name == "eu-west-1"
            token = cloudcontrol.seed_request("AWS::Logs::LogGroup").request_token
            cloudcontrol_client.get_resource_request_status(RequestToken=token)
            assert cloudcontrol.calls[0].region == "eu-west-1"

        @pytest.mark.cloudcontrol(account_id="222222222222", fast=True)
        class TestClass:
            def test_class_level(self, cloudcontrol):
                assert (cloudcontrol.region, cloudcontrol.account_id, cloudcontrol.fast) == (
                    "eu-west-1", "222222222222", True)

            @pytest.mark.cloudcontrol(region="ap-south-1")
            def test_test_level(self, cloudcontrol, cloudcontrol_client):
                assert (cloudcontrol.region, cloudcontrol.account_id, cloudcontrol.fast) == (
                    "ap-south-1", "222222222222", True)
                assert cloudcontrol_client.meta.region_name == "ap-south-1"
        """
    )

    pytester.runpytest(*INNER, "-v").assert_outcomes(passed=3)


def test_marker_with_bad_options_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.cloudcontrol("eu-west-1")
        def test_positional(cloudcontrol):
            pass

        @pytest.mark.cloudcontrol(regoin="eu-west-1")
        def test_typo(cloudcontrol):
            pass
        """
    )

    result = pytester.runpytest(*INNER)

    result.assert_outcomes(errors=2)
    # Each on its own: the inner run may order its tests at random (pytest-randomly).
    result.stdout.fnmatch_lines(["*takes keyword arguments only*"])
    result.stdout.fnmatch_lines(["*@pytest.mark.cloudcontrol:*regoin*"])


# -- injected errors at teardown ---------------------------------------------------------------


def test_unraised_injected_error_fails_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        def test_forgets(cloudcontrol):
            cloudcontrol.inject_error("ListResourceRequests", "ThrottlingException")

        def test_uses_it(cloudcontrol, cloudcontrol_client):
            cloudcontrol.inject_error("ListResourceRequests", "ThrottlingException")
            cloudcontrol_client.list_resource_requests()

        @pytest.mark.cloudcontrol(assert_all_errors_raised=False)
        def test_opted_out(cloudcontrol):
            cloudcontrol.inject_error("CancelResourceRequest", "ConcurrentModificationException")
        """
    )

    result = pytester.runpytest(*INNER, "-rE")

    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_forgets*",
            "*injected errors were never raised: ThrottlingException for ListResourceRequests*",
        ]
    )
    assert "test_uses_it" not in result.stdout.str().split("short test summary")[-1]
    assert "ConcurrentModificationException" not in result.stdout.str()


def test_the_teardown_failure_counts_repeats_and_names_network_faults(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from botocore.config import Config
        from botocore.exceptions import EndpointConnectionError

        def test_forgets(cloudcontrol):
            cloudcontrol.inject_error("CancelResourceRequest", "ThrottlingException", times=2)
            cloudcontrol.inject_error("CancelResourceRequest", "ThrottlingException")
            cloudcontrol.inject_network_error("GetResource", "read_timeout", type_name="AWS::S3::Bucket")

        def test_uses_half(cloudcontrol):
            client = cloudcontrol.client(config=Config(retries={"mode": "legacy", "max_attempts": 4}))
            cloudcontrol.inject_network_error("ListResources", times=9)
            with pytest.raises(EndpointConnectionError):
                client.list_resources(TypeName="AWS::S3::Bucket")
        """
    )

    result = pytester.runpytest(*INNER, "-rE")

    result.assert_outcomes(passed=2, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*injected errors were never raised: ThrottlingException \N{MULTIPLICATION SIGN}3 for "
            "CancelResourceRequest, read_timeout network error for GetResource (type 'AWS::S3::Bucket')*",
        ]
    )
    # Legacy mode with max_attempts=4 makes 5 attempts (the first and 4 retries): 4 of the 9 are left.
    result.stdout.fnmatch_lines(
        ["*never raised: connect network error \N{MULTIPLICATION SIGN}4 for ListResources.*"]
    )


# -- clients made before the fixture -----------------------------------------------------------


_MODULE_CLIENT_TEST = """
import boto3

CLIENT = boto3.client("cloudcontrol", region_name="us-east-1")

def test_module_client_is_served(cloudcontrol):
    token = cloudcontrol.seed_request("AWS::Logs::LogGroup").request_token
    answer = CLIENT.cancel_resource_request(RequestToken=token)
    assert answer["ProgressEvent"]["OperationStatus"] == "CANCEL_IN_PROGRESS"
    cloudcontrol.assert_cancelled(token)
"""


@pytest.mark.parametrize("credentials", [True, False], ids=["developer-credentials", "none"])
def test_client_made_at_import_time_is_served(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Any, credentials: bool
) -> None:
    # A fresh process, as CI runs it: the module-level client exists before the fixture does.
    _clean_aws_environment(monkeypatch, tmp_path)
    if credentials:
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "developer-key")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "developer-secret")
    pytester.makepyfile(_MODULE_CLIENT_TEST)

    pytester.runpytest_subprocess(*INNER).assert_outcomes(passed=1)


# -- other services and the network ------------------------------------------------------------


def test_other_services_are_untouched(cloudcontrol: FakeCloudControl) -> None:
    sts = boto3.client(
        "sts",
        region_name="us-east-1",
        endpoint_url=f"http://127.0.0.1:{_closed_port()}",
        config=NO_RETRY,
    )

    with pytest.raises(EndpointConnectionError):
        sts.get_caller_identity()

    assert cloudcontrol.calls == []


def test_without_fake_cloudcontrol_goes_to_the_network() -> None:
    assert botocore_hook._active == []
    client = boto3.session.Session().client(
        "cloudcontrol",
        region_name="us-east-1",
        endpoint_url=f"http://127.0.0.1:{_closed_port()}",
        aws_access_key_id="a",
        aws_secret_access_key="b",
        config=NO_RETRY,
    )

    with pytest.raises(EndpointConnectionError):
        client.list_resource_requests()


# -- without pytest: a context manager that nests ----------------------------------------------


def test_context_manager_nests_inner_wins_outer_resumes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "outer-key")
    handlers_before = list(botocore.handlers.BUILTIN_HANDLERS)

    with FakeCloudControl() as outer:
        client = boto3.client("cloudcontrol", region_name="us-east-1")
        outer_token = outer.seed_request(TYPE).request_token
        with FakeCloudControl(start_time=0) as inner:
            inner_token = inner.seed_request(TYPE).request_token
            listed = client.list_resource_requests()["ResourceRequestStatusSummaries"]
            assert [s["RequestToken"] for s in listed] == [inner_token]
            with pytest.raises(client.exceptions.RequestTokenNotFoundException):
                client.cancel_resource_request(RequestToken=outer_token)
            with pytest.raises(botocore.exceptions.WaiterError):
                client.get_waiter("resource_request_success").wait(RequestToken=inner_token)
            assert inner.clock.time() > 0  # the waiter slept on the inner clock
        outer_clock = outer.clock.time()
        listed = client.list_resource_requests()["ResourceRequestStatusSummaries"]
        assert [s["RequestToken"] for s in listed] == [outer_token]
        client.cancel_resource_request(RequestToken=outer_token)
        outer.assert_cancelled(outer_token)
        assert [c.operation for c in inner.calls] == ["ListResourceRequests", "CancelResourceRequest"] + [
            "GetResourceRequestStatus"
        ] * 24
        assert len(outer.calls) == 2
        assert outer.clock.time() == outer_clock
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"

    assert not outer.active
    assert not inner.active
    assert botocore_hook._active == []
    assert handlers_before == botocore.handlers.BUILTIN_HANDLERS
    assert botocore.waiter.time is time
    assert botocore.endpoint.time is time
    assert os.environ["AWS_ACCESS_KEY_ID"] == "outer-key"


def test_context_manager_misuse() -> None:
    fake = FakeCloudControl()
    fake.stop()  # stopping an inactive fake does nothing
    with fake, pytest.raises(CloudControlUsageError, match="already active"):
        fake.start()
    fake.stop()
    assert botocore_hook._active == []


def test_context_manager_without_pytest(pytester: pytest.Pytester) -> None:
    script = pytester.makepyfile(
        fake_script=textwrap.dedent(
            """
            from pytest_cloudcontrol import FakeCloudControl

            with FakeCloudControl() as fake:
                token = fake.seed_request("AWS::Logs::LogGroup").request_token
                fake.client().cancel_resource_request(RequestToken=token)
                fake.assert_cancelled(token)
                status = fake.client().get_resource_request_status(RequestToken=token)
                print("STATUS", status["ProgressEvent"]["OperationStatus"])
            print("ACTIVE", fake.active, "pytest" in __import__("sys").modules)
            """
        )
    )

    result = pytester.run(sys.executable, str(script))

    assert result.ret == 0, result.stderr.str()
    result.stdout.fnmatch_lines(["STATUS CANCEL_COMPLETE", "ACTIVE False *"])


def test_the_first_start_seed_and_call_import_no_pydantic(pytester: pytest.Pytester) -> None:
    # pydantic costs a process more than all the rest of the fake: only a test that gives hooks loads it.
    script = pytester.makepyfile(
        first_use=textwrap.dedent(
            """
            import sys

            import boto3
            import pytest_cloudcontrol.plugin
            from pytest_cloudcontrol import FakeCloudControl

            client = boto3.client(
                "cloudcontrol", region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key="x"
            )
            with FakeCloudControl() as fake:
                token = fake.seed_request("AWS::Logs::LogGroup", status="IN_PROGRESS").request_token
                client.cancel_resource_request(RequestToken=token)
                print("PYDANTIC", "pydantic" in sys.modules)
                fake.seed_request("AWS::Logs::LogGroup", hooks=[{"hook_type_name": "Org::Svc::Hook"}])
                print("WITH HOOKS", "pydantic" in sys.modules)
            """
        )
    )

    result = pytester.run(sys.executable, str(script))

    assert result.ret == 0, result.stderr.str()
    result.stdout.fnmatch_lines(["PYDANTIC False", "WITH HOOKS True"])


# -- threads -----------------------------------------------------------------------------------


def test_threads_mixing_cancel_status_and_list_never_corrupt_state(
    cloudcontrol: FakeCloudControl,
) -> None:
    tokens = [cloudcontrol.seed_request(TYPE, identifier=f"lg-{i}").request_token for i in range(10)]
    clients = [cloudcontrol.client(config=Config(retries={"total_max_attempts": 1})) for _ in range(8)]
    results: list[tuple[str, str, Any]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def work(number: int) -> None:
        client = clients[number]
        barrier.wait()
        try:
            for call in range(50):
                token = tokens[(number + call) % len(tokens)]
                kind = ("cancel", "status", "list")[(number + call) % 3]
                if kind == "cancel":
                    answer = client.cancel_resource_request(RequestToken=token)["ProgressEvent"]
                elif kind == "status":
                    answer = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
                else:
                    answer = client.list_resource_requests()["ResourceRequestStatusSummaries"]
                with lock:
                    results.append((kind, token, answer))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(results) == 400
    assert len(cloudcontrol.calls) == 400
    assert all(call.ok for call in cloudcontrol.calls)
    cancels = [(token, event) for kind, token, event in results if kind == "cancel"]
    for token, event in cancels:
        assert event["RequestToken"] == token
        assert event["OperationStatus"] in ("CANCEL_IN_PROGRESS", "CANCEL_COMPLETE")
    # Each request moved to CANCEL_IN_PROGRESS exactly once: the first cancel of it.
    first_cancels = Counter(t for t, e in cancels if e["OperationStatus"] == "CANCEL_IN_PROGRESS")
    assert first_cancels == Counter({token: 1 for token in {t for t, _ in cancels}})
    for kind, token, answer in results:
        if kind == "status":
            assert answer["RequestToken"] == token
            assert answer["OperationStatus"] in ("IN_PROGRESS", "CANCEL_COMPLETE")
        elif kind == "list":
            listed = [s["RequestToken"] for s in answer]
            assert sorted(listed) == sorted(tokens)

    assert {r.status.value for r in cloudcontrol.requests} == {"CANCEL_COMPLETE"}
    client = cloudcontrol.client()
    complete = client.list_resource_requests(
        ResourceRequestStatusFilter={"OperationStatuses": ["CANCEL_COMPLETE"]}
    )["ResourceRequestStatusSummaries"]
    assert sorted(s["RequestToken"] for s in complete) == sorted(tokens)
    for status in ("IN_PROGRESS", "CANCEL_IN_PROGRESS", "PENDING"):
        assert not client.list_resource_requests(ResourceRequestStatusFilter={"OperationStatuses": [status]})[
            "ResourceRequestStatusSummaries"
        ]
    # The registry's indexes agree with its requests.
    buckets = cloudcontrol._registry._buckets
    assert sum(len(bucket) for bucket in buckets.values()) == len(tokens)
    assert all(bucket == sorted(bucket) for bucket in buckets.values())
    assert cloudcontrol._registry._writes == {}
