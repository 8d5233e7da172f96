"""``time_travel=True``: the code under test reads the fake's clock through ``time`` and ``datetime``."""

from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from pytest_cloudcontrol import CloudControlUsageError, FakeCloudControl, Progression

pytest.importorskip("time_machine")

TYPE = "AWS::Logs::LogGroup"
INNER = ("-p", "no:hypothesispytest", "-p", "no:randomly")


def cancel_stale_requests(max_age: timedelta) -> list[str]:
    """Code under test: cancel the in-flight requests older than ``max_age`` by the wall clock."""
    client = boto3.client("cloudcontrol", region_name="us-east-1")
    summaries = client.list_resource_requests(
        ResourceRequestStatusFilter={"OperationStatuses": ["PENDING", "IN_PROGRESS"]}
    )["ResourceRequestStatusSummaries"]
    now = datetime.now(timezone.utc)
    stale = [s["RequestToken"] for s in summaries if now - s["EventTime"] > max_age]
    for token in stale:
        client.cancel_resource_request(RequestToken=token)
    return stale


def seconds_since(started: float) -> float:
    """Code under test that reads ``time.time()``."""
    return time.time() - started


def test_code_under_test_sees_the_fake_clock_move() -> None:
    with FakeCloudControl(time_travel=True) as fake:
        old = fake.seed_request(TYPE, identifier="old").request_token
        started = time.time()
        assert started == pytest.approx(fake.clock.time(), abs=1e-3)
        fake.advance(3000)
        young = fake.seed_request(TYPE, identifier="young").request_token
        fake.advance(601)

        assert cancel_stale_requests(timedelta(hours=1)) == [old]
        assert seconds_since(started) == pytest.approx(3601, abs=1e-3)
        assert abs(datetime.now(timezone.utc) - fake.clock.now()) < timedelta(milliseconds=1)
        fake.assert_not_cancelled(young)
        real_time_stopped = time.time()
        time.sleep(0.01)
        assert time.time() == real_time_stopped  # it stands still, as the fake's clock does

    # Real again once the fake stops.
    assert abs(time.time() - datetime.now().timestamp()) < 1
    assert time.time() != pytest.approx(fake.clock.time(), abs=1)


def test_botocore_waits_move_the_travelled_time() -> None:
    with FakeCloudControl(time_travel=True, progression=Progression.after(60)) as fake:
        client = fake.client()
        started = time.time()
        token = client.create_resource(TypeName=TYPE, DesiredState='{"LogGroupName": "w"}')["ProgressEvent"][
            "RequestToken"
        ]

        client.get_waiter("resource_request_success").wait(RequestToken=token)

        assert seconds_since(started) >= 60
        assert time.time() == pytest.approx(fake.clock.time(), abs=1e-3)


def test_restore_and_reset_move_the_travelled_time() -> None:
    with FakeCloudControl(time_travel=True, start_time=1_700_000_000) as fake:
        snap = fake.snapshot()
        fake.advance(500)
        assert time.time() == pytest.approx(1_700_000_500)

        fake.restore(snap)
        assert time.time() == pytest.approx(1_700_000_000)
        fake.advance(10)
        fake.reset()
        assert time.time() == pytest.approx(1_700_000_000)


def test_without_time_travel_the_wall_clock_stays_real() -> None:
    with FakeCloudControl(start_time=1_000_000_000) as fake:
        fake.advance(3600)
        assert time.time() > 1_700_000_000


def test_time_travel_without_time_machine_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "time_machine", None)

    with pytest.raises(CloudControlUsageError, match=r"pip install 'pytest-cloudcontrol\[time\]'"):
        FakeCloudControl(time_travel=True)
    with pytest.raises(CloudControlUsageError, match=r"time_travel must be True or False"):
        FakeCloudControl(time_travel="yes")  # type: ignore[arg-type]


def test_the_marker_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import time
        import pytest

        @pytest.mark.cloudcontrol(time_travel=True, start_time=1_600_000_000)
        def test_travels(cloudcontrol):
            cloudcontrol.advance(30)
            assert time.time() == 1_600_000_030

        def test_real(cloudcontrol):
            assert time.time() > 1_700_000_000
        """
    )

    pytester.runpytest(*INNER).assert_outcomes(passed=2)
