"""``snapshot``, ``restore`` and ``reset``: the whole state of a fake, captured, put back or emptied."""

from __future__ import annotations

import json
import textwrap
import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_cloudcontrol import (
    CloudControlUsageError,
    FakeCloudControl,
    Outcome,
    Progression,
    ResourceType,
    Snapshot,
)

TYPE = "AWS::Logs::LogGroup"
INNER = ("-p", "no:hypothesispytest", "-p", "no:randomly")


def _state(fake: FakeCloudControl) -> tuple[Any, ...]:
    """What a test can see of a fake, to compare two moments."""
    return (
        [(r.request_token, r.status, r.identifier, r.event_time) for r in fake.requests],
        sorted((r.type_name, r.identifier, json.dumps(r.properties)) for r in fake.resources),
        [(c.operation, c.status_code) for c in fake.calls],
        fake.pending_errors,
        fake.clock.time(),
        fake.progression,
    )


def test_restore_puts_requests_resources_and_clock_back(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.seed_resource(TYPE, {"LogGroupName": "kept"})
    slow = cloudcontrol.seed_request(TYPE, identifier="slow", progression=Progression.after(60))
    snap = cloudcontrol.snapshot()
    before = _state(cloudcontrol)

    client.cancel_resource_request(RequestToken=slow.request_token)
    client.delete_resource(TypeName=TYPE, Identifier="kept")
    cloudcontrol.seed_request(TYPE, status="SUCCESS")
    cloudcontrol.advance(3600)
    assert _state(cloudcontrol) != before

    cloudcontrol.restore(snap)

    assert _state(cloudcontrol) == before
    assert cloudcontrol.get_request(slow.request_token).status == "IN_PROGRESS"
    # The restored request still finishes as it would have, and makes its change.
    cloudcontrol.advance(60)
    assert (
        client.get_resource(TypeName=TYPE, Identifier="slow")["ResourceDescription"]["Identifier"] == "slow"
    )


def test_a_snapshot_never_changes(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.seed_request(TYPE, identifier="a", resource_model={"LogGroupName": "a"})
    snap = cloudcontrol.snapshot()
    cloudcontrol.restore(snap)
    first = _state(cloudcontrol)

    client.create_resource(TypeName=TYPE, DesiredState='{"LogGroupName": "b"}')
    cloudcontrol.complete(cloudcontrol.requests[0].request_token)
    cloudcontrol.restore(snap)

    assert _state(cloudcontrol) == first
    assert [r.identifier for r in cloudcontrol.resources] == []
    assert repr(snap).startswith("<Snapshot: 1 requests, 0 resources, clock at ")


def test_a_snapshot_restores_into_another_fake_and_acts_on_it() -> None:
    with FakeCloudControl(progression=Progression.after(30)) as seeding:
        seeding.seed_resource(TYPE, {"LogGroupName": "app"})
        api = seeding.client()
        api.update_resource(
            TypeName=TYPE,
            Identifier="app",
            PatchDocument=json.dumps([{"op": "add", "path": "/RetentionInDays", "value": 7}]),
        )
        api.create_resource(TypeName=TYPE, DesiredState='{"LogGroupName": "new"}')
        snap = seeding.snapshot()

    with FakeCloudControl(region="eu-west-1") as fake:
        fake.restore(snap)
        fake.advance(30)
        restored = {r.identifier: r.properties for r in fake.resources}
        assert restored["app"]["RetentionInDays"] == 7
        assert "new" in restored
        assert fake.region == "eu-west-1"  # settings are the fake's own
    # The fake the snapshot came from is untouched by what the other one did.
    assert [r.identifier for r in seeding.resources] == ["app"]
    assert "RetentionInDays" not in seeding.get_resource(TYPE, "app").properties


def test_scripts_errors_client_tokens_types_and_progression_are_restored(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.register_type(
        ResourceType(type_name="Org::Svc::Thing", primary_identifier=("/properties/Name",))
    )
    cloudcontrol.script(TYPE, "CREATE", outcome=Outcome.failed("NotStabilized"), times=2)
    cloudcontrol.inject_error("GetResource", "ThrottlingException")
    cloudcontrol.progression = Progression.after(10)
    first = client.create_resource(TypeName=TYPE, DesiredState='{"LogGroupName": "x"}', ClientToken="once")
    token = first["ProgressEvent"]["RequestToken"]
    snap = cloudcontrol.snapshot()

    # Use all of it up: the request, the script, the injected error; then empty the fake.
    cloudcontrol.advance(10)
    client.create_resource(TypeName=TYPE, DesiredState='{"LogGroupName": "y"}')
    with pytest.raises(ClientError):
        boto3.client("cloudcontrol", region_name="us-east-1", config=_no_retries()).get_resource(
            TypeName=TYPE, Identifier="x"
        )
    cloudcontrol.reset()
    cloudcontrol.restore(snap)

    assert cloudcontrol.progression == Progression.after(10)
    assert cloudcontrol.pending_errors == [("GetResource", "ThrottlingException")]
    again = client.create_resource(TypeName=TYPE, DesiredState='{"LogGroupName": "x"}', ClientToken="once")
    assert again["ProgressEvent"]["RequestToken"] == token  # the ClientToken is remembered
    second = client.create_resource(TypeName=TYPE, DesiredState='{"LogGroupName": "y"}')
    cloudcontrol.advance(10)
    failed = [
        cloudcontrol.get_request(t).error_code for t in (token, second["ProgressEvent"]["RequestToken"])
    ]
    assert failed == ["NotStabilized", "NotStabilized"]  # the script had one use left, as snapshotted
    assert cloudcontrol.seed_request("Org::Svc::Thing").type_name == "Org::Svc::Thing"
    with pytest.raises(ClientError, match="Rate exceeded"):
        boto3.client("cloudcontrol", region_name="us-east-1", config=_no_retries()).get_resource(
            TypeName=TYPE, Identifier="x"
        )


def _no_retries() -> Any:
    from botocore.config import Config

    return Config(retries={"total_max_attempts": 1})


def test_the_call_log_is_restored(cloudcontrol: FakeCloudControl, client: Any) -> None:
    client.list_resource_requests()
    snap = cloudcontrol.snapshot()
    client.list_resources(TypeName=TYPE)

    cloudcontrol.restore(snap)

    assert [call.operation for call in cloudcontrol.calls] == ["ListResourceRequests"]


def test_reset_empties_the_fake_and_keeps_its_settings_and_activation() -> None:
    with FakeCloudControl(
        region="eu-west-1", start_time=1_700_000_000, progression=Progression.manual()
    ) as fake:
        fake.seed_request(TYPE)
        fake.seed_resource(TYPE, {"LogGroupName": "x"})
        fake.inject_error("GetResource", "ThrottlingException")
        fake.progression = Progression.immediate()
        fake.advance(100)
        fake.client().list_resource_requests()

        fake.reset()

        assert (fake.requests, fake.resources, fake.calls, fake.pending_errors) == ([], [], [], [])
        assert fake.clock.time() == 1_700_000_000
        assert fake.progression == Progression.manual()  # the setting, not the later change
        assert fake.active
        answer = boto3.client("cloudcontrol", region_name="eu-west-1").list_resource_requests()
        assert answer["ResourceRequestStatusSummaries"] == []
        assert fake.calls[0].region == "eu-west-1"


def test_restore_takes_only_a_snapshot(cloudcontrol: FakeCloudControl) -> None:
    cloudcontrol.seed_request(TYPE)
    with pytest.raises(CloudControlUsageError, match=r"restore\(\) takes a Snapshot .*; got dict"):
        cloudcontrol.restore({"requests": []})  # type: ignore[arg-type]
    assert len(cloudcontrol.requests) == 1


def test_snapshot_is_exported() -> None:
    with FakeCloudControl() as fake:
        assert isinstance(fake.snapshot(), Snapshot)


def test_a_module_fixture_seeds_once_and_every_test_starts_from_it(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest
        from pytest_cloudcontrol import FakeCloudControl

        SEEDINGS = []

        @pytest.fixture(scope="module")
        def fleet_snapshot():
            SEEDINGS.append(1)
            with FakeCloudControl() as fake:
                for name in ("a", "b"):
                    fake.seed_request("AWS::Logs::LogGroup", identifier=name)
                fake.seed_resource("AWS::Logs::LogGroup", {"LogGroupName": "kept"})
                return fake.snapshot()

        @pytest.fixture
        def fleet(cloudcontrol, fleet_snapshot):
            cloudcontrol.restore(fleet_snapshot)
            return cloudcontrol
        """
    )
    pytester.makepyfile(
        textwrap.dedent(
            """
            import pytest
            from conftest import SEEDINGS

            @pytest.mark.parametrize("name", ["a", "b", "a-again"])
            def test_each_starts_from_the_scenario(fleet, cloudcontrol_client, name):
                assert [r.status for r in fleet.requests] == ["IN_PROGRESS", "IN_PROGRESS"]
                assert [r.identifier for r in fleet.resources] == ["kept"]
                assert fleet.calls == []
                token = fleet.requests[0].request_token
                cloudcontrol_client.cancel_resource_request(RequestToken=token)
                cloudcontrol_client.delete_resource(TypeName="AWS::Logs::LogGroup", Identifier="kept")
                fleet.seed_request("AWS::Logs::LogGroup", identifier=name)
                assert SEEDINGS == [1]
            """
        )
    )
    pytester.syspathinsert()

    result = pytester.runpytest(*INNER)

    result.assert_outcomes(passed=3)


def test_every_attribute_of_the_holders_is_state_or_named_as_kept() -> None:
    # What a snapshot captures, holder by holder. A new attribute is captured unless it is added to
    # state._KEPT (wiring between the holders, or a setting): this list says which it became.
    from pytest_cloudcontrol import state

    fake = FakeCloudControl()
    holders = state._holders(fake._service)

    captured = {name: set(state._state_of(name, holder)) for name, holder in holders.items()}

    assert captured == {
        "service": {"progression", "scripts", "calls", "faults", "_client_tokens"},
        "registry": {
            "_by_token",
            "_by_seq",
            "_buckets",
            "_in_scope",
            "_writes",
            "_due",
            "_expiry",
            "_last_seq",
        },
        "store": {"_seqs", "_by_seq", "_by_key", "_last_seq"},
        "catalog": {"_known"},
    }


def test_injected_faults_and_their_matchers_progress_are_restored(cloudcontrol: FakeCloudControl) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_error("GetResourceRequestStatus", "ThrottlingException", after=1, token=token)
    cloudcontrol.inject_network_error("ListResources", "connect", times=2)
    api = cloudcontrol.client(config=_no_retries())
    api.get_resource_request_status(RequestToken=token)  # let through: the matcher counts it
    snap = cloudcontrol.snapshot()
    before = cloudcontrol.pending_faults

    with pytest.raises(ClientError):
        api.get_resource_request_status(RequestToken=token)
    cloudcontrol.restore(snap)

    assert cloudcontrol.pending_faults == before
    with pytest.raises(ClientError, match="Rate exceeded"):
        api.get_resource_request_status(RequestToken=token)  # the next one fails, as it would have
    cloudcontrol.reset()
    assert cloudcontrol.pending_faults == []


def test_a_clock_that_follows_wall_time_is_put_at_the_snapshot_time_and_goes_on() -> None:
    with FakeCloudControl(start_time=1_700_000_000) as source:
        snap = source.snapshot()
    fake = FakeCloudControl(start_time=1_800_000_000)
    fake.clock.follow_wall_time(scale=1000)

    fake.restore(snap)

    restored = fake.clock.time()
    assert 1_700_000_000 <= restored < 1_700_000_000 + 60
    assert fake.clock.following_wall_time
    deadline = time.monotonic() + 5
    while fake.clock.time() == restored and time.monotonic() < deadline:
        time.sleep(0.001)
    assert fake.clock.time() > restored
    fake.clock.stand_still()
