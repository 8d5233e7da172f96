"""When requests finish: progressions, scripts, hooks, the virtual clock, expiry and usage errors."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timezone
from typing import Any

import botocore.endpoint
import botocore.waiter
import pytest
from botocore.exceptions import ClientError

from pytest_cloudcontrol import (
    CloudControlUsageError,
    FakeCloudControl,
    Operation,
    OperationStatus,
    Outcome,
    Progression,
    UnknownRequestError,
)
from pytest_cloudcontrol.clock import VirtualClock
from pytest_cloudcontrol.registry import RequestRecord, RequestRegistry

LOG_GROUP = "AWS::Logs::LogGroup"
BUCKET = "AWS::S3::Bucket"
CONFIGURATION = "AWS::AmazonMQ::Configuration"  # /properties/Data is write-only, Id and Arn read-only
START = 1_700_000_000.0
WEEK = 7 * 24 * 3600


def create(client: Any, name: str, type_name: str = LOG_GROUP) -> str:
    """Start a create through the API; returns its RequestToken."""
    key = "LogGroupName" if type_name == LOG_GROUP else "BucketName"
    answer = client.create_resource(TypeName=type_name, DesiredState=json.dumps({key: name}))
    assert answer["ProgressEvent"]["OperationStatus"] == "IN_PROGRESS"
    token: str = answer["ProgressEvent"]["RequestToken"]
    return token


def event(client: Any, token: str) -> dict[str, Any]:
    """The current ProgressEvent of a request."""
    answer: dict[str, Any] = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
    return answer


def state(client: Any, token: str) -> str:
    """The current OperationStatus of a request."""
    value: str = event(client, token)["OperationStatus"]
    return value


def exists(client: Any, name: str) -> bool:
    """Whether the log group exists, as GetResource sees it."""
    try:
        client.get_resource(TypeName=LOG_GROUP, Identifier=name)
    except client.exceptions.ResourceNotFoundException:
        return False
    return True


# -- progressions of API-made requests -------------------------------------------------------------


def test_default_progression_is_immediate(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = create(client, "g")

    assert state(client, token) == "SUCCESS"
    assert exists(client, "g")


def test_immediate_progression_shows_the_request_finished_to_any_later_call(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.progression = Progression.immediate()
    token = create(client, "g")

    # a GetResource (not a status read) already sees the change
    assert exists(client, "g")
    summaries = client.list_resource_requests()["ResourceRequestStatusSummaries"]
    assert [(s["RequestToken"], s["OperationStatus"]) for s in summaries] == [(token, "SUCCESS")]


@pytest.mark.cloudcontrol(progression=Progression.after_reads(3))
def test_after_reads_finishes_on_the_nth_status_read(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = create(client, "g")

    assert state(client, token) == "IN_PROGRESS"
    # other calls are not status reads
    assert not exists(client, "g")
    client.list_resource_requests()
    assert state(client, token) == "IN_PROGRESS"
    assert not exists(client, "g")
    assert state(client, token) == "SUCCESS"
    assert exists(client, "g")
    assert state(client, token) == "SUCCESS"


def test_after_reads_one_shows_the_outcome_on_the_first_read(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.progression = Progression.after_reads(1)
    token = create(client, "g")

    assert not exists(client, "g")
    assert state(client, token) == "SUCCESS"


def test_after_seconds_finishes_on_the_virtual_clock(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.progression = Progression.after(60)
    token = create(client, "g")

    for _ in range(5):
        assert state(client, token) == "IN_PROGRESS"  # reads do not move it on
    cloudcontrol.advance(59)
    assert state(client, token) == "IN_PROGRESS"
    assert not exists(client, "g")
    cloudcontrol.advance(1)
    assert state(client, token) == "SUCCESS"
    assert exists(client, "g")


def test_after_seconds_finishes_for_the_fake_view_too(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.progression = Progression.after(10)
    token = create(client, "g")

    cloudcontrol.advance(10)

    assert cloudcontrol.get_request(token).status == OperationStatus.SUCCESS
    assert [r.identifier for r in cloudcontrol.resources] == ["g"]


def test_manual_progression_waits_for_complete(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.progression = Progression.manual()
    token = create(client, "g")

    cloudcontrol.advance(10 * WEEK)
    for _ in range(10):
        assert state(client, token) == "IN_PROGRESS"
    assert not exists(client, "g")

    finished = cloudcontrol.complete(token)

    assert finished.status == OperationStatus.SUCCESS
    assert state(client, token) == "SUCCESS"
    assert exists(client, "g")


def test_complete_as_failed_makes_no_change(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.progression = Progression.manual()
    token = create(client, "g")

    cloudcontrol.complete(token, "FAILED", error_code="NotStabilized", status_message="It wobbled.")

    current = event(client, token)
    assert current["OperationStatus"] == "FAILED"
    assert current["ErrorCode"] == "NotStabilized"
    assert current["StatusMessage"] == "It wobbled."
    assert "RetryAfter" not in current
    assert not exists(client, "g")


def test_set_progression_changes_an_in_flight_request(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.progression = Progression.manual()
    token = create(client, "g")
    cloudcontrol.advance(1000)

    request = cloudcontrol.set_progression(token, Progression.after(30))

    assert request.status == OperationStatus.IN_PROGRESS
    cloudcontrol.advance(29)  # counted from now, not from the start
    assert state(client, token) == "IN_PROGRESS"
    cloudcontrol.advance(1)
    assert state(client, token) == "SUCCESS"


@pytest.mark.cloudcontrol(start_time=START)
def test_a_second_set_progression_replaces_the_first(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.progression = Progression.manual()
    token = create(client, "g")

    cloudcontrol.set_progression(token, Progression.after(30))
    cloudcontrol.set_progression(token, Progression.after(100))

    cloudcontrol.advance(30)  # the first progression's due time: it no longer counts
    assert state(client, token) == "IN_PROGRESS"
    assert cloudcontrol.get_request(token).status == OperationStatus.IN_PROGRESS
    assert not exists(client, "g")
    cloudcontrol.advance(70)
    finished = event(client, token)
    assert finished["OperationStatus"] == "SUCCESS"
    assert finished["EventTime"].timestamp() == START + 100
    assert exists(client, "g")


def test_set_progression_to_manual_stops_a_due_request(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.progression = Progression.after(30)
    token = create(client, "g")

    cloudcontrol.set_progression(token, Progression.manual())

    cloudcontrol.advance(10 * WEEK)
    assert state(client, token) == "IN_PROGRESS"
    assert not exists(client, "g")


def test_set_status_in_flight_stops_a_due_request(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.progression = Progression.after(30)
    token = create(client, "g")

    cloudcontrol.set_status(token, "PENDING")

    cloudcontrol.advance(10 * WEEK)
    assert state(client, token) == "PENDING"
    assert not exists(client, "g")


def test_set_progression_to_after_reads(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.progression = Progression.manual()
    token = create(client, "g")
    state(client, token)
    state(client, token)

    cloudcontrol.set_progression(token, Progression.after_reads(2))

    assert state(client, token) == "IN_PROGRESS"
    assert state(client, token) == "SUCCESS"


def test_changing_the_progression_affects_only_later_requests(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.progression = Progression.manual()
    first = create(client, "a")
    cloudcontrol.progression = Progression.immediate()
    second = create(client, "b")

    assert state(client, first) == "IN_PROGRESS"
    assert state(client, second) == "SUCCESS"
    assert cloudcontrol.progression == Progression.immediate()


# -- seeded requests -------------------------------------------------------------------------------


def test_seeded_requests_stay_as_seeded_by_default(cloudcontrol: FakeCloudControl, client: Any) -> None:
    assert cloudcontrol.progression == Progression.immediate()
    token = cloudcontrol.seed_request(LOG_GROUP, identifier="g").request_token

    cloudcontrol.advance(WEEK * 3)
    for _ in range(5):
        assert state(client, token) == "IN_PROGRESS"


@pytest.mark.parametrize(
    ("progression", "finish"),
    [
        (Progression.immediate(), lambda fake: None),
        (Progression.after_reads(3), lambda fake: None),
        (Progression.after(60), lambda fake: fake.advance(60)),
    ],
    ids=["immediate", "after_reads", "after"],
)
def test_seeded_request_with_a_progression_finishes(
    cloudcontrol: FakeCloudControl, client: Any, progression: Progression, finish: Any
) -> None:
    token = cloudcontrol.seed_request(LOG_GROUP, identifier="g", progression=progression).request_token

    if progression.kind == "reads":
        assert [state(client, token) for _ in range(3)] == ["IN_PROGRESS", "IN_PROGRESS", "SUCCESS"]
    else:
        if progression.kind == "duration":
            cloudcontrol.advance(59)
            assert state(client, token) == "IN_PROGRESS"
            cloudcontrol.advance(1)
        assert state(client, token) == "SUCCESS"
    # like the API request it stands for, the seeded create made its resource
    assert [(r.identifier, r.properties["LogGroupName"]) for r in cloudcontrol.resources] == [("g", "g")]


def test_seeded_request_finishes_with_its_outcome(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = cloudcontrol.seed_request(
        LOG_GROUP,
        operation="DELETE",
        identifier="g",
        progression=Progression.after_reads(1),
        outcome=Outcome.failed("NotFound", "gone"),
    ).request_token

    current = event(client, token)

    assert (current["Operation"], current["OperationStatus"]) == ("DELETE", "FAILED")
    assert (current["ErrorCode"], current["StatusMessage"]) == ("NotFound", "gone")


def test_seeded_update_gives_its_resource_the_models_properties(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    seeded = cloudcontrol.seed_resource(
        CONFIGURATION, {"Name": "cfg", "EngineType": "ACTIVEMQ", "Data": "old"}
    )
    identifier = seeded.identifier
    read_only = {
        key: value for key, value in seeded.properties.items() if key not in ("Name", "EngineType", "Data")
    }
    assert {"Id", "Arn"} <= set(read_only)
    model = {"Name": "cfg", "EngineType": "RABBITMQ", "Data": "new", "Description": "d"}
    token = cloudcontrol.seed_request(
        CONFIGURATION,
        operation="UPDATE",
        identifier=identifier,
        resource_model=model,
        progression=Progression.after_reads(1),
    ).request_token

    finished = event(client, token)

    assert finished["OperationStatus"] == "SUCCESS"
    # read-only properties are kept; the write-only one is stored but never shown
    assert cloudcontrol.get_resource(CONFIGURATION, identifier).properties == {**model, **read_only}
    shown = {key: value for key, value in {**model, **read_only}.items() if key != "Data"}
    assert "ResourceModel" not in finished  # as AWS's SUCCESS events; the view has the model
    assert cloudcontrol.get_request(token).resource_model == shown
    properties = client.get_resource(TypeName=CONFIGURATION, Identifier=identifier)["ResourceDescription"]
    assert json.loads(properties["Properties"]) == shown


def test_seeded_update_without_a_model_leaves_its_resource_as_it_is(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    seeded = cloudcontrol.seed_resource(CONFIGURATION, {"Name": "cfg", "EngineType": "ACTIVEMQ", "Data": "x"})
    token = cloudcontrol.seed_request(
        CONFIGURATION, operation="UPDATE", identifier=seeded.identifier, progression=Progression.immediate()
    ).request_token

    finished = event(client, token)

    assert finished["OperationStatus"] == "SUCCESS"
    assert cloudcontrol.get_resource(CONFIGURATION, seeded.identifier).properties == seeded.properties
    assert "ResourceModel" not in finished
    assert cloudcontrol.get_request(token).resource_model == {
        key: value for key, value in seeded.properties.items() if key != "Data"
    }


@pytest.mark.parametrize("identifier", ["ghost", None])
def test_seeded_update_of_a_missing_resource_fails_not_found(
    cloudcontrol: FakeCloudControl, client: Any, identifier: str | None
) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g"})
    token = cloudcontrol.seed_request(
        LOG_GROUP,
        operation="UPDATE",
        identifier=identifier,
        resource_model={"RetentionInDays": 1},
        progression=Progression.immediate(),
    ).request_token

    finished = event(client, token)

    assert (finished["OperationStatus"], finished["ErrorCode"]) == ("FAILED", "NotFound")
    assert finished["StatusMessage"] == (
        f"Resource of type '{LOG_GROUP}' with identifier '{identifier}' was not found."
    )
    assert "RetentionInDays" not in cloudcontrol.get_resource(LOG_GROUP, "g").properties


def test_seeded_delete_that_finishes_deletes_its_resource(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g"})
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "other"})
    token = cloudcontrol.seed_request(
        LOG_GROUP, operation="DELETE", identifier="g", progression=Progression.after_reads(1)
    ).request_token

    assert state(client, token) == "SUCCESS"
    assert not exists(client, "g")
    assert [r.identifier for r in cloudcontrol.resources] == ["other"]


def test_seeded_create_without_identifier_of_a_taken_name_fails_already_exists(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g", "RetentionInDays": 7})
    token = cloudcontrol.seed_request(
        LOG_GROUP, resource_model={"LogGroupName": "g"}, progression=Progression.immediate()
    ).request_token

    finished = event(client, token)

    assert (finished["OperationStatus"], finished["ErrorCode"]) == ("FAILED", "AlreadyExists")
    assert finished["Identifier"] == "g"  # found when it finished
    assert cloudcontrol.get_request(token).identifier == "g"
    assert cloudcontrol.get_resource(LOG_GROUP, "g").properties["RetentionInDays"] == 7


def test_seeded_create_without_identifier_names_the_taken_identifier(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g"})
    token = cloudcontrol.seed_request(
        LOG_GROUP, resource_model={"LogGroupName": "g"}, progression=Progression.immediate()
    ).request_token

    assert (
        event(client, token)["StatusMessage"]
        == f"Resource of type '{LOG_GROUP}' with identifier 'g' already exists."
    )


def test_seeded_manual_request_completed_by_the_test(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = cloudcontrol.seed_request(LOG_GROUP, status="PENDING").request_token
    assert state(client, token) == "PENDING"

    cloudcontrol.complete(token, "FAILED", error_code="Throttling", status_message="slow down")

    current = event(client, token)
    assert (current["OperationStatus"], current["ErrorCode"]) == ("FAILED", "Throttling")


# -- scripts ---------------------------------------------------------------------------------------


def test_script_fails_only_the_next_matching_request(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.script(LOG_GROUP, "CREATE", outcome=Outcome.failed("NotStabilized", "no luck"), times=1)

    # not matching: another type, another operation
    bucket = create(client, "bk", BUCKET)
    assert state(client, bucket) == "SUCCESS"
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "existing"})
    delete = client.delete_resource(TypeName=LOG_GROUP, Identifier="existing")["ProgressEvent"][
        "RequestToken"
    ]
    assert state(client, delete) == "SUCCESS"

    failed = create(client, "g")
    current = event(client, failed)
    assert (current["OperationStatus"], current["ErrorCode"], current["StatusMessage"]) == (
        "FAILED",
        "NotStabilized",
        "no luck",
    )
    assert not exists(client, "g")  # a forced failure makes no change

    again = create(client, "g")
    assert state(client, again) == "SUCCESS"
    assert exists(client, "g")


def test_script_times_counts_matching_requests(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.script(LOG_GROUP, outcome=Outcome.failed("InternalFailure", "boom"), times=2)

    tokens = [create(client, name) for name in ("a", "b", "c")]

    assert [state(client, t) for t in tokens] == ["FAILED", "FAILED", "SUCCESS"]


def test_script_without_times_applies_to_every_matching_request(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.script(operation="CREATE", progression=Progression.manual())

    tokens = [create(client, name) for name in ("a", "b")]

    assert [state(client, t) for t in tokens] == ["IN_PROGRESS", "IN_PROGRESS"]


def test_script_progression_overrides_the_default(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.script(LOG_GROUP, "CREATE", progression=Progression.after(30), times=1)

    slow = create(client, "slow")
    fast = create(client, "fast")

    assert state(client, slow) == "IN_PROGRESS"
    assert state(client, fast) == "SUCCESS"
    cloudcontrol.advance(30)
    assert state(client, slow) == "SUCCESS"


HOOK = {"hook_type_name": "Org::Svc::Hook", "hook_status": "HOOK_COMPLETE_SUCCEEDED"}


def test_scripted_hooks_are_reported_by_get_resource_request_status(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.script(LOG_GROUP, "CREATE", hooks=[HOOK], progression=Progression.manual(), times=1)
    create_answer = client.create_resource(TypeName=LOG_GROUP, DesiredState='{"LogGroupName": "g"}')
    token = create_answer["ProgressEvent"]["RequestToken"]

    answer = client.get_resource_request_status(RequestToken=token)

    hooks_token = answer["ProgressEvent"]["HooksRequestToken"]
    assert hooks_token
    assert hooks_token != token
    assert cloudcontrol.get_request(token).hooks_request_token == hooks_token
    assert len(answer["HooksProgressEvent"]) == 1
    hook = answer["HooksProgressEvent"][0]
    assert hook["HookTypeName"] == "Org::Svc::Hook"
    assert hook["HookStatus"] == "HOOK_COMPLETE_SUCCEEDED"
    assert hook["InvocationPoint"] == "PRE_PROVISION"
    assert hook["FailureMode"] in ("FAIL", "WARN")
    # the same token on every read, in flight and finished
    cloudcontrol.complete(token)
    again = client.get_resource_request_status(RequestToken=token)
    assert again["ProgressEvent"]["HooksRequestToken"] == hooks_token
    assert again["ProgressEvent"]["OperationStatus"] == "SUCCESS"

    # no other operation carries HooksRequestToken
    assert "HooksRequestToken" not in create_answer["ProgressEvent"]
    summaries = client.list_resource_requests()["ResourceRequestStatusSummaries"]
    assert summaries
    assert all("HooksRequestToken" not in s for s in summaries)
    for call in cloudcontrol.calls:
        if call.operation != "GetResourceRequestStatus":
            assert "HooksRequestToken" not in json.dumps(call.response), call.operation


@pytest.mark.cloudcontrol(start_time=START)
def test_scripted_hooks_without_a_time_get_the_requests_event_time(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.advance(42)
    cloudcontrol.script(LOG_GROUP, "CREATE", hooks=[HOOK], times=1)
    token = create(client, "g")
    cloudcontrol.advance(100)

    answer = client.get_resource_request_status(RequestToken=token)

    assert answer["HooksProgressEvent"][0]["HookEventTime"] == datetime.fromtimestamp(
        START + 42, timezone.utc
    )
    assert cloudcontrol.get_request(token).hooks[0].hook_event_time == datetime.fromtimestamp(
        START + 42, timezone.utc
    )


def test_hooks_on_cancel_answer_are_left_out(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = cloudcontrol.seed_request(LOG_GROUP, hooks=[HOOK]).request_token

    cancelled = client.cancel_resource_request(RequestToken=token)

    assert "HooksRequestToken" not in cancelled["ProgressEvent"]
    assert "HooksProgressEvent" not in cancelled
    assert "HooksRequestToken" in client.get_resource_request_status(RequestToken=token)["ProgressEvent"]


def test_requests_without_hooks_have_no_hook_members(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = create(client, "g")

    answer = client.get_resource_request_status(RequestToken=token)

    assert "HooksProgressEvent" not in answer
    assert "HooksRequestToken" not in answer["ProgressEvent"]


# A hook's failure mode: [DOC] API reference, HookProgressEvent.FailureMode: "FAIL: This will fail the
# Hook invocation and the request associated with it. WARN: This will fail the Hook invocation, but not
# the request associated with it." [INF] What the failed request's event says is not documented: the
# fake answers FAILED with InvalidRequest for a hook that found the resource non-compliant
# (HOOK_COMPLETE_FAILED), GeneralServiceException for one that could not complete (HOOK_FAILED), and
# CloudFormation's stack-event text naming the hooks.


def failing_hook(
    status: str = "HOOK_COMPLETE_FAILED", mode: str = "FAIL", name: str = "Org::Svc::Hook"
) -> dict[str, Any]:
    """A hook event of a hook that failed."""
    return {"hook_type_name": name, "hook_status": status, "failure_mode": mode}


@pytest.mark.parametrize(
    ("hook_status", "error_code"),
    [("HOOK_COMPLETE_FAILED", "InvalidRequest"), ("HOOK_FAILED", "GeneralServiceException")],
)
def test_a_hook_that_fails_in_fail_mode_fails_the_create(
    cloudcontrol: FakeCloudControl, client: Any, hook_status: str, error_code: str
) -> None:
    cloudcontrol.script(LOG_GROUP, "CREATE", hooks=[failing_hook(hook_status)], times=1)

    token = create(client, "g")

    answer = client.get_resource_request_status(RequestToken=token)
    failed = answer["ProgressEvent"]
    assert (failed["OperationStatus"], failed["ErrorCode"], failed["StatusMessage"]) == (
        "FAILED",
        error_code,
        "The following hook(s) failed: [Org::Svc::Hook]",
    )
    assert failed["Identifier"] == "g"
    assert answer["HooksProgressEvent"][0]["HookStatus"] == hook_status
    assert not exists(client, "g")
    assert cloudcontrol.resources == []


@pytest.mark.parametrize("operation", ["UPDATE", "DELETE"])
def test_a_hook_that_fails_in_fail_mode_makes_no_change(
    cloudcontrol: FakeCloudControl, client: Any, operation: str
) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g", "RetentionInDays": 7})
    cloudcontrol.script(LOG_GROUP, operation, hooks=[failing_hook()])

    if operation == "UPDATE":
        ops = [{"op": "replace", "path": "/RetentionInDays", "value": 30}]
        answer = client.update_resource(TypeName=LOG_GROUP, Identifier="g", PatchDocument=json.dumps(ops))
    else:
        answer = client.delete_resource(TypeName=LOG_GROUP, Identifier="g")

    assert state(client, answer["ProgressEvent"]["RequestToken"]) == "FAILED"
    assert cloudcontrol.get_resource(LOG_GROUP, "g").properties["RetentionInDays"] == 7


@pytest.mark.parametrize("hook_status", ["HOOK_COMPLETE_FAILED", "HOOK_FAILED"])
def test_a_hook_that_fails_in_warn_mode_lets_the_request_go_on(
    cloudcontrol: FakeCloudControl, client: Any, hook_status: str
) -> None:
    cloudcontrol.script(LOG_GROUP, "CREATE", hooks=[failing_hook(hook_status, mode="WARN")], times=1)

    token = create(client, "g")

    answer = client.get_resource_request_status(RequestToken=token)
    assert answer["ProgressEvent"]["OperationStatus"] == "SUCCESS"
    assert answer["HooksProgressEvent"][0]["FailureMode"] == "WARN"
    assert exists(client, "g")


def test_every_hook_that_failed_in_fail_mode_is_named(cloudcontrol: FakeCloudControl, client: Any) -> None:
    hooks = [
        failing_hook(name="Org::Svc::First"),
        failing_hook(name="Org::Svc::Warned", mode="WARN"),
        {"hook_type_name": "Org::Svc::Passed", "hook_status": "HOOK_COMPLETE_SUCCEEDED"},
        failing_hook("HOOK_FAILED", name="Org::Svc::Second"),
    ]
    cloudcontrol.script(LOG_GROUP, "CREATE", hooks=hooks, times=1)

    failed = event(client, create(client, "g"))

    assert failed["ErrorCode"] == "InvalidRequest"  # a non-compliant resource outweighs a hook's error
    assert failed["StatusMessage"] == "The following hook(s) failed: [Org::Svc::First, Org::Svc::Second]"


def test_a_seeded_request_whose_hook_failed_fails_when_it_finishes(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    """Whatever finishes it: its progression, or the test's ``complete(token)``."""
    timed = cloudcontrol.seed_request(
        LOG_GROUP, identifier="a", hooks=[failing_hook()], progression=Progression.after(10)
    ).request_token
    manual = cloudcontrol.seed_request(LOG_GROUP, identifier="b", hooks=[failing_hook()]).request_token
    assert state(client, timed) == state(client, manual) == "IN_PROGRESS"

    cloudcontrol.advance(10)
    cloudcontrol.complete(manual)

    assert state(client, timed) == state(client, manual) == "FAILED"
    assert cloudcontrol.resources == []


def test_a_failure_the_test_asks_for_outweighs_a_failed_hook(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.script(
        LOG_GROUP, "CREATE", hooks=[failing_hook()], outcome=Outcome.failed("NotStabilized"), times=1
    )
    scripted = create(client, "g")
    seeded = cloudcontrol.seed_request(LOG_GROUP, identifier="h", hooks=[failing_hook()]).request_token

    cloudcontrol.complete(seeded, "FAILED", error_code="AccessDenied", status_message="no")

    assert event(client, scripted)["ErrorCode"] == "NotStabilized"
    assert (event(client, seeded)["ErrorCode"], event(client, seeded)["StatusMessage"]) == (
        "AccessDenied",
        "no",
    )


# -- the virtual clock -----------------------------------------------------------------------------


def test_waiter_runs_in_virtual_time(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.progression = Progression.after(60)
    token = create(client, "g")
    before = cloudcontrol.clock.time()
    wall = time.monotonic()

    client.get_waiter("resource_request_success").wait(RequestToken=token)

    assert time.monotonic() - wall < 2.0
    assert cloudcontrol.clock.time() - before >= 60
    assert state(client, token) == "SUCCESS"
    # the waiter polled every 5 virtual seconds until the request finished
    assert len(cloudcontrol.calls_to("GetResourceRequestStatus")) >= 12


def test_waiter_fails_on_failed_request_in_virtual_time(cloudcontrol: FakeCloudControl, client: Any) -> None:
    from botocore.exceptions import WaiterError

    cloudcontrol.script(
        LOG_GROUP, progression=Progression.after(20), outcome=Outcome.failed("NotStabilized", "x")
    )
    token = create(client, "g")
    wall = time.monotonic()

    with pytest.raises(WaiterError):
        client.get_waiter("resource_request_success").wait(RequestToken=token)

    assert time.monotonic() - wall < 2.0


def test_botocore_sleeps_are_virtual_only_while_active() -> None:
    real = time.sleep
    fake = FakeCloudControl()
    with fake:
        assert botocore.waiter.time.sleep is not real
        assert botocore.endpoint.time.sleep is not real
        before = fake.clock.time()
        botocore.waiter.time.sleep(1000)
        assert fake.clock.time() == before + 1000
    assert botocore.waiter.time.sleep is real
    assert botocore.endpoint.time.sleep is real


@pytest.mark.cloudcontrol(virtual_time=False)
def test_virtual_time_off_keeps_botocores_real_sleep(cloudcontrol: FakeCloudControl) -> None:
    assert botocore.waiter.time.sleep is time.sleep
    assert botocore.endpoint.time.sleep is time.sleep


def test_retry_back_off_runs_in_virtual_time(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = cloudcontrol.seed_request(LOG_GROUP).request_token
    cloudcontrol.inject_error("GetResourceRequestStatus", "ThrottlingException", times=2)
    before = cloudcontrol.clock.time()
    wall = time.monotonic()

    answer = client.get_resource_request_status(RequestToken=token)

    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert answer["ProgressEvent"]["RequestToken"] == token
    assert cloudcontrol.clock.time() > before
    assert time.monotonic() - wall < 2.0
    assert [c.error_code for c in cloudcontrol.calls_to("GetResourceRequestStatus")] == [
        "ThrottlingException",
        "ThrottlingException",
        None,
    ]
    assert cloudcontrol.pending_errors == []


@pytest.mark.cloudcontrol(start_time=START)
def test_event_time_and_retry_after_come_from_the_virtual_clock(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.progression = Progression.manual()
    token = create(client, "g")
    started = cloudcontrol.calls[-1].response["ProgressEvent"]
    parsed = event(client, token)
    read = cloudcontrol.calls[-1].response["ProgressEvent"]

    assert started["EventTime"] == read["EventTime"] == START
    assert read["RetryAfter"] > START
    assert parsed["EventTime"] == datetime.fromtimestamp(START, timezone.utc)
    assert parsed["RetryAfter"].timestamp() == read["RetryAfter"]

    cloudcontrol.advance(12.3456)
    cloudcontrol.complete(token)
    client.get_resource_request_status(RequestToken=token)
    finished = cloudcontrol.calls[-1].response["ProgressEvent"]

    assert finished["EventTime"] == 1_700_000_012.346  # epoch seconds with a millisecond fraction
    assert "RetryAfter" not in finished  # only in-flight events carry it


@pytest.mark.cloudcontrol(start_time=START)
def test_retry_after_is_five_seconds_after_the_event_time_to_the_millisecond(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.progression = Progression.manual()
    cloudcontrol.advance(12.3456)

    event(client, create(client, "g"))

    read = cloudcontrol.calls[-1].response["ProgressEvent"]
    assert (read["EventTime"], read["RetryAfter"]) == (1_700_000_012.346, 1_700_000_017.346)


@pytest.mark.cloudcontrol(start_time=datetime(2024, 11, 14, 16, 0, tzinfo=timezone.utc))
def test_start_time_accepts_a_datetime(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = cloudcontrol.seed_request(LOG_GROUP).request_token

    assert event(client, token)["EventTime"] == datetime(2024, 11, 14, 16, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("final", ["FAILED", "CANCEL_COMPLETE", "SUCCESS"])
def test_retry_after_only_on_in_flight_events(
    cloudcontrol: FakeCloudControl, client: Any, final: str
) -> None:
    token = cloudcontrol.seed_request(LOG_GROUP).request_token
    assert "RetryAfter" in event(client, token)
    if final == "CANCEL_COMPLETE":
        cancel = client.cancel_resource_request(RequestToken=token)["ProgressEvent"]
        assert cancel["OperationStatus"] == "CANCEL_IN_PROGRESS"
        assert "RetryAfter" in cancel
    elif final == "FAILED":
        cloudcontrol.complete(token, "FAILED", error_code="NotFound", status_message="gone")
    else:
        cloudcontrol.complete(token)

    current = event(client, token)
    assert current["OperationStatus"] == final
    assert "RetryAfter" not in current
    summaries = client.list_resource_requests()["ResourceRequestStatusSummaries"]
    assert all("RetryAfter" not in s for s in summaries)


@pytest.mark.cloudcontrol(start_time=START)
def test_request_finishes_at_its_due_time(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.progression = Progression.after(60)
    token = create(client, "g")

    cloudcontrol.advance(3600)

    assert event(client, token)["EventTime"].timestamp() == START + 60
    cloudcontrol.advance(WEEK - 3600 + 60)
    with pytest.raises(client.exceptions.RequestTokenNotFoundException):
        client.get_resource_request_status(RequestToken=token)


def test_failed_outcome_without_message_gets_the_handlers_default_text(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.script(LOG_GROUP, "CREATE", outcome=Outcome.failed("NotStabilized"), times=1)
    token = create(client, "g")

    assert event(client, token).get("StatusMessage") == (
        "Resource of type 'AWS::Logs::LogGroup' with identifier 'g' did not stabilize."
    )


# -- expiry ----------------------------------------------------------------------------------------


@pytest.mark.cloudcontrol(start_time=START)
def test_finished_requests_expire_after_seven_virtual_days(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    token = create(client, "g")
    assert state(client, token) == "SUCCESS"

    cloudcontrol.advance(WEEK - 1)
    assert state(client, token) == "SUCCESS"
    assert len(client.list_resource_requests()["ResourceRequestStatusSummaries"]) == 1

    cloudcontrol.advance(1)
    with pytest.raises(client.exceptions.RequestTokenNotFoundException) as excinfo:
        client.get_resource_request_status(RequestToken=token)
    assert excinfo.value.response["Error"]["Message"] == f"Request with token {token} was not found"
    assert client.list_resource_requests()["ResourceRequestStatusSummaries"] == []
    assert cloudcontrol.requests == []
    with pytest.raises(UnknownRequestError):
        cloudcontrol.get_request(token)
    # the resource itself stays
    assert exists(client, "g")


@pytest.mark.cloudcontrol(start_time=START)
def test_expiry_counts_from_the_finish(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.progression = Progression.manual()
    token = create(client, "g")
    cloudcontrol.advance(WEEK)
    cloudcontrol.complete(token)

    cloudcontrol.advance(WEEK - 1)
    assert state(client, token) == "SUCCESS"
    cloudcontrol.advance(1)
    with pytest.raises(client.exceptions.RequestTokenNotFoundException):
        state(client, token)


@pytest.mark.cloudcontrol(start_time=START)
def test_a_finished_request_set_to_another_status_expires_seven_days_after_that(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    token = cloudcontrol.seed_request(LOG_GROUP, status="SUCCESS").request_token
    cloudcontrol.advance(3 * 24 * 3600)

    cloudcontrol.set_status(token, "FAILED", error_code="InternalFailure")

    cloudcontrol.advance(WEEK - 3 * 24 * 3600)  # the first status's expiry: it no longer counts
    assert state(client, token) == "FAILED"
    assert [r.request_token for r in cloudcontrol.requests] == [token]
    cloudcontrol.advance(3 * 24 * 3600)
    with pytest.raises(client.exceptions.RequestTokenNotFoundException):
        client.get_resource_request_status(RequestToken=token)
    assert cloudcontrol.requests == []


def test_in_flight_requests_never_expire(cloudcontrol: FakeCloudControl, client: Any) -> None:
    seeded = cloudcontrol.seed_request(LOG_GROUP, status="PENDING").request_token
    cloudcontrol.progression = Progression.manual()
    made = create(client, "g")
    cancelling = cloudcontrol.seed_request(LOG_GROUP, status="CANCEL_IN_PROGRESS").request_token

    cloudcontrol.advance(52 * WEEK)

    assert state(client, seeded) == "PENDING"
    assert state(client, made) == "IN_PROGRESS"
    assert state(client, cancelling) == "CANCEL_IN_PROGRESS"
    assert len(client.list_resource_requests()["ResourceRequestStatusSummaries"]) == 3


@pytest.mark.cloudcontrol(start_time=START)
@pytest.mark.parametrize("status", ["SUCCESS", "FAILED", "CANCEL_COMPLETE"])
def test_seeded_finished_requests_expire_too(
    cloudcontrol: FakeCloudControl, client: Any, status: str
) -> None:
    token = cloudcontrol.seed_request(LOG_GROUP, status=status).request_token

    cloudcontrol.advance(WEEK)

    with pytest.raises(client.exceptions.RequestTokenNotFoundException):
        state(client, token)


# The clock starts at a wall time with a sub-microsecond fraction; datetime rounds event times to
# the microsecond, which may land after the true finish time.
SUB_MICROSECOND_START = START + 0.0000007


@pytest.mark.cloudcontrol(start_time=SUB_MICROSECOND_START)
@pytest.mark.parametrize(
    ("error_code", "message"),
    [
        ("Throttling", "Rate exceeded for operation 'CREATE'."),
        ("GeneralServiceException", "Error occurred during operation 'CREATE'."),
    ],
)
def test_a_handler_default_text_names_the_operation(
    cloudcontrol: FakeCloudControl, client: Any, error_code: str, message: str
) -> None:
    cloudcontrol.progression = Progression.manual()
    token = create(client, "g")

    cloudcontrol.complete(token, "FAILED", error_code=error_code)

    current = event(client, token)
    assert (current["ErrorCode"], current["StatusMessage"]) == (error_code, message)


def test_a_change_that_raises_ends_the_request_failed_internal_failure() -> None:
    # Every change the fake makes is guarded; none raises through the public API, so the
    # registry is driven directly with a change that does.
    registry = RequestRegistry(VirtualClock(START))
    record = RequestRecord("t-1", LOG_GROUP, Operation.CREATE, OperationStatus.IN_PROGRESS, START, ("1", "r"))

    def broken(_: RequestRecord) -> Outcome:
        raise RuntimeError("boom")

    registry.add(record, progression=Progression.manual(), effect=broken)
    registry.finish(record)

    view = record.view()
    assert (view.status, view.error_code, view.status_message) == (
        OperationStatus.FAILED,
        "InternalFailure",
        "Internal error occurred.",
    )


def test_expiry_is_exact_whatever_the_start_time(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = create(client, "g")
    assert state(client, token) == "SUCCESS"

    cloudcontrol.advance(WEEK)

    with pytest.raises(client.exceptions.RequestTokenNotFoundException):
        state(client, token)


# -- usage errors ----------------------------------------------------------------------------------


def test_complete_of_a_finished_request_is_a_usage_error(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = create(client, "g")
    assert state(client, token) == "SUCCESS"

    with pytest.raises(CloudControlUsageError, match="already finished"):
        cloudcontrol.complete(token)


def test_unknown_token_is_an_unknown_request_error(cloudcontrol: FakeCloudControl) -> None:
    for action in (
        lambda: cloudcontrol.complete("no-such-token"),
        lambda: cloudcontrol.set_status("no-such-token", "SUCCESS"),
        lambda: cloudcontrol.set_progression("no-such-token", Progression.immediate()),
        lambda: cloudcontrol.get_request("no-such-token"),
    ):
        with pytest.raises(UnknownRequestError, match="no-such-token"):
            action()
    assert issubclass(UnknownRequestError, CloudControlUsageError)


def test_bad_status_string_lists_the_valid_values(cloudcontrol: FakeCloudControl) -> None:
    token = cloudcontrol.seed_request(LOG_GROUP).request_token

    with pytest.raises(CloudControlUsageError) as excinfo:
        cloudcontrol.set_status(token, "DONE")

    message = str(excinfo.value)
    assert "DONE" in message
    for valid in OperationStatus:
        assert valid.value in message
    with pytest.raises(CloudControlUsageError):
        cloudcontrol.seed_request(LOG_GROUP, status="done")
    with pytest.raises(CloudControlUsageError):
        cloudcontrol.complete(token, "DONE")


def test_complete_takes_only_success_or_failed_with_a_code(cloudcontrol: FakeCloudControl) -> None:
    token = cloudcontrol.seed_request(LOG_GROUP).request_token

    with pytest.raises(CloudControlUsageError, match="SUCCESS or FAILED"):
        cloudcontrol.complete(token, "CANCEL_COMPLETE")
    with pytest.raises(CloudControlUsageError, match="error_code"):
        cloudcontrol.complete(token, "FAILED")
    with pytest.raises(CloudControlUsageError, match="NotStabilized"):
        cloudcontrol.set_status(token, "FAILED", error_code="NoSuchCode")
    assert cloudcontrol.get_request(token).status == OperationStatus.IN_PROGRESS


def test_complete_with_unknown_error_code_is_a_usage_error(cloudcontrol: FakeCloudControl) -> None:
    token = cloudcontrol.seed_request(LOG_GROUP).request_token

    with pytest.raises(CloudControlUsageError, match="NotStabilized"):
        cloudcontrol.complete(token, "FAILED", error_code="NoSuchCode")


@pytest.mark.parametrize("reads", [0, -1])
def test_after_reads_needs_at_least_one(reads: int) -> None:
    with pytest.raises(ValueError, match="1 or more"):
        Progression.after_reads(reads)


def test_after_needs_a_non_negative_duration() -> None:
    with pytest.raises(ValueError, match="0 seconds or more"):
        Progression.after(-1)
    assert Progression.after(0).due_time(5.0) == 5.0


def test_clock_never_moves_backwards(cloudcontrol: FakeCloudControl) -> None:
    with pytest.raises(ValueError, match="finite and 0 or more"):
        cloudcontrol.advance(-1)


def test_set_status_changes_status_without_touching_resources(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.progression = Progression.manual()
    token = create(client, "g")

    cloudcontrol.set_status(token, "SUCCESS")

    assert state(client, token) == "SUCCESS"
    assert not exists(client, "g")


def test_set_status_failed_carries_its_error_code_and_message(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.progression = Progression.manual()
    token = create(client, "g")

    cloudcontrol.set_status(token, "FAILED", error_code="NotStabilized", status_message="It wobbled.")

    current = event(client, token)
    assert (current["OperationStatus"], current["ErrorCode"], current["StatusMessage"]) == (
        "FAILED",
        "NotStabilized",
        "It wobbled.",
    )
    request = cloudcontrol.get_request(token)
    assert (request.error_code, request.status_message) == ("NotStabilized", "It wobbled.")


def test_set_progression_keeps_what_set_status_said(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.progression = Progression.manual()
    token = create(client, "g")
    cloudcontrol.set_status(token, "IN_PROGRESS", error_code="Throttling", status_message="Waiting.")

    cloudcontrol.set_progression(token, Progression.after(60))

    current = event(client, token)
    assert (current["OperationStatus"], current["ErrorCode"], current["StatusMessage"]) == (
        "IN_PROGRESS",
        "Throttling",
        "Waiting.",
    )
    cloudcontrol.advance(60)
    assert state(client, token) == "SUCCESS"


def test_injected_concurrent_operation_names_a_request_token(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.inject_error("UpdateResource", "ConcurrentOperationException")

    with pytest.raises(client.exceptions.ConcurrentOperationException) as excinfo:
        client.update_resource(TypeName=LOG_GROUP, Identifier="g", PatchDocument="[]")

    message = excinfo.value.response["Error"]["Message"]
    assert re.fullmatch(
        r"Another Operation on the resource with RequestToken ([a-f0-9-]+) is in progress", message
    ), message


def test_injected_error_fails_the_call_and_changes_nothing(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.inject_error("CreateResource", "GeneralServiceException", message="nope")

    with pytest.raises(ClientError) as excinfo:
        create(client, "g")

    assert excinfo.value.response["Error"] == {"Code": "GeneralServiceException", "Message": "nope"}
    assert cloudcontrol.requests == []
    assert cloudcontrol.resources == []


# -- state rules: an error changes nothing, set_status only the status, seeded requests their change --


class _BrokenProgression(Progression):
    """A progression that fails when scheduled: stands in for any bug hit while a write registers."""

    def due_time(self, started: float) -> float | None:
        raise RuntimeError("broken progression")


def test_a_create_answered_500_registers_nothing(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.script(LOG_GROUP, progression=_BrokenProgression("immediate"))

    with pytest.raises(ClientError) as raised:
        create(client, "g")

    # Every attempt (botocore retries the 500) met the same clean state: never a ConcurrentOperation.
    assert raised.value.response["Error"]["Code"] == "ServiceInternalErrorException"
    assert {call.error_code for call in cloudcontrol.calls_to("CreateResource")} == {
        "ServiceInternalErrorException"
    }
    assert len(cloudcontrol.calls_to("CreateResource")) > 1
    assert cloudcontrol.requests == []
    assert cloudcontrol.resources == []


def test_set_status_back_in_flight_does_not_make_the_change_again(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    created = create(client, "g")
    client.delete_resource(TypeName=LOG_GROUP, Identifier="g")
    assert state(client, created) == "SUCCESS"
    assert not exists(client, "g")

    cloudcontrol.set_status(created, "IN_PROGRESS")

    assert [state(client, created) for _ in range(3)] == ["IN_PROGRESS"] * 3
    assert not exists(client, "g")
    assert cloudcontrol.resources == []


def test_set_status_keeps_a_timed_request_where_it_was_put(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    token = cloudcontrol.seed_request(
        LOG_GROUP, identifier="g", progression=Progression.after(10)
    ).request_token

    cloudcontrol.set_status(token, "PENDING")
    cloudcontrol.advance(60)

    assert state(client, token) == "PENDING"
    assert cloudcontrol.resources == []


def test_a_seeded_create_that_completes_creates_its_resource(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    token = cloudcontrol.seed_request(
        LOG_GROUP, identifier="app", resource_model={"RetentionInDays": 7}
    ).request_token

    cloudcontrol.complete(token)

    described = client.get_resource(TypeName=LOG_GROUP, Identifier="app")["ResourceDescription"]
    assert json.loads(described["Properties"])["RetentionInDays"] == 7
    assert "ResourceModel" not in event(client, token)
    view = cloudcontrol.get_request(token).resource_model
    assert view is not None
    assert view["LogGroupName"] == "app"


def test_a_seeded_create_without_identifier_creates_one_named_in_its_event(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    token = cloudcontrol.seed_request(LOG_GROUP, progression=Progression.after(30)).request_token

    cloudcontrol.advance(30)

    identifier = event(client, token)["Identifier"]
    assert [resource.identifier for resource in cloudcontrol.resources] == [identifier]


def test_a_seeded_create_of_an_existing_resource_fails_already_exists(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "app"})
    token = cloudcontrol.seed_request(LOG_GROUP, identifier="app").request_token

    cloudcontrol.complete(token)

    current = event(client, token)
    assert (current["OperationStatus"], current["ErrorCode"]) == ("FAILED", "AlreadyExists")
    assert current["StatusMessage"] == f"Resource of type '{LOG_GROUP}' with identifier 'app' already exists."


def test_a_seeded_delete_that_finishes_deletes_its_resource(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "app"})
    token = cloudcontrol.seed_request(
        LOG_GROUP, operation="DELETE", identifier="app", progression=Progression.after(20)
    ).request_token
    with pytest.raises(ClientError, match="ConcurrentOperationException"):
        client.delete_resource(TypeName=LOG_GROUP, Identifier="app")  # the seeded delete holds it

    cloudcontrol.advance(20)

    assert state(client, token) == "SUCCESS"
    assert not exists(client, "app")


def test_a_seeded_delete_of_a_missing_resource_fails_not_found(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    token = cloudcontrol.seed_request(LOG_GROUP, operation="DELETE", identifier="gone").request_token

    cloudcontrol.complete(token)

    assert (event(client, token)["OperationStatus"], event(client, token)["ErrorCode"]) == (
        "FAILED",
        "NotFound",
    )


def test_a_seeded_update_that_finishes_gives_its_resource_the_model(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    arn = cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "app", "RetentionInDays": 1}).properties[
        "Arn"
    ]
    token = cloudcontrol.seed_request(
        LOG_GROUP,
        operation="UPDATE",
        identifier="app",
        resource_model={"LogGroupName": "app", "RetentionInDays": 30},
        progression=Progression.after_reads(1),
    ).request_token

    assert state(client, token) == "SUCCESS"

    properties = cloudcontrol.get_resource(LOG_GROUP, "app").properties
    assert properties == {"LogGroupName": "app", "RetentionInDays": 30, "Arn": arn}


def test_a_seeded_request_that_fails_makes_no_change(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "app"})
    token = cloudcontrol.seed_request(LOG_GROUP, operation="DELETE", identifier="app").request_token

    cloudcontrol.complete(token, "FAILED", error_code="Throttling")

    assert exists(client, "app")
