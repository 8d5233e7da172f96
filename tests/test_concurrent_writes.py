"""Two writes to one resource: ConcurrentOperationException by default, a PENDING queue when asked."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from pytest_cloudcontrol import FakeCloudControl, Progression

LOG_GROUP = "AWS::Logs::LogGroup"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _retention(days: int) -> str:
    return json.dumps([{"op": "add", "path": "/RetentionInDays", "value": days}])


@pytest.fixture
def log_group(cloudcontrol: FakeCloudControl) -> str:
    cloudcontrol.progression = Progression.manual()
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "app"})
    return "app"


def test_a_second_write_names_the_one_in_flight(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: Any, log_group: str
) -> None:
    first = cloudcontrol_client.update_resource(
        TypeName=LOG_GROUP, Identifier=log_group, PatchDocument=_retention(1)
    )["ProgressEvent"]

    with pytest.raises(cloudcontrol_client.exceptions.ConcurrentOperationException) as raised:
        cloudcontrol_client.delete_resource(TypeName=LOG_GROUP, Identifier=log_group)

    message = raised.value.response["Error"]["Message"]
    assert message == (
        f"Another Operation on resource {log_group} with RequestToken {first['RequestToken']} is in progress"
    )
    match = re.search(r"RequestToken\s+([a-fA-F0-9-]+)", message)
    assert match is not None
    assert match.group(1) == first["RequestToken"]
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert len(cloudcontrol.requests) == 1


@pytest.mark.cloudcontrol(queue_concurrent_writes=True)
def test_queued_writes_wait_as_pending_and_run_in_order(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: Any, log_group: str
) -> None:
    first, second, third = (
        cloudcontrol_client.update_resource(
            TypeName=LOG_GROUP, Identifier=log_group, PatchDocument=_retention(days)
        )["ProgressEvent"]
        for days in (1, 3, 5)
    )
    assert [first["OperationStatus"], second["OperationStatus"], third["OperationStatus"]] == [
        "IN_PROGRESS",
        "PENDING",
        "PENDING",
    ]

    cloudcontrol.complete(first["RequestToken"])
    assert cloudcontrol.get_request(second["RequestToken"]).status == "IN_PROGRESS"
    assert cloudcontrol.get_request(third["RequestToken"]).status == "PENDING"

    cloudcontrol.complete(second["RequestToken"])
    cloudcontrol.complete(third["RequestToken"])
    assert cloudcontrol.get_resource(LOG_GROUP, log_group).properties["RetentionInDays"] == 5


@pytest.mark.cloudcontrol(queue_concurrent_writes=True)
def test_a_cancelled_queued_write_never_runs(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: Any, log_group: str
) -> None:
    first = cloudcontrol_client.update_resource(
        TypeName=LOG_GROUP, Identifier=log_group, PatchDocument=_retention(1)
    )["ProgressEvent"]
    queued = cloudcontrol_client.update_resource(
        TypeName=LOG_GROUP, Identifier=log_group, PatchDocument=_retention(3)
    )["ProgressEvent"]

    cancel = cloudcontrol_client.cancel_resource_request(RequestToken=queued["RequestToken"])
    assert cancel["ProgressEvent"]["OperationStatus"] == "CANCEL_IN_PROGRESS"
    status = cloudcontrol_client.get_resource_request_status(RequestToken=queued["RequestToken"])
    assert status["ProgressEvent"]["OperationStatus"] == "CANCEL_COMPLETE"

    cloudcontrol.complete(first["RequestToken"])
    assert cloudcontrol.get_resource(LOG_GROUP, log_group).properties["RetentionInDays"] == 1
    assert cloudcontrol.get_request(queued["RequestToken"]).status == "CANCEL_COMPLETE"


@pytest.mark.cloudcontrol(queue_concurrent_writes=True)
@pytest.mark.parametrize(
    "second_patch",
    [
        [{"op": "add", "path": "/KmsKeyId", "value": KEY_ARN}],
        [{"op": "add", "path": "/Tags/-", "value": {"Key": "b", "Value": "2"}}],
    ],
    ids=["top-level", "nested"],
)
def test_a_queued_update_applies_on_top_of_the_one_before_it(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: Any, second_patch: list[dict[str, Any]]
) -> None:
    cloudcontrol.progression = Progression.manual()
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "app", "Tags": [{"Key": "a", "Value": "1"}]})
    first = cloudcontrol_client.update_resource(
        TypeName=LOG_GROUP, Identifier="app", PatchDocument=_retention(1)
    )["ProgressEvent"]
    second = cloudcontrol_client.update_resource(
        TypeName=LOG_GROUP, Identifier="app", PatchDocument=json.dumps(second_patch)
    )["ProgressEvent"]

    cloudcontrol.complete(first["RequestToken"])
    cloudcontrol.complete(second["RequestToken"])

    properties = json.loads(
        cloudcontrol_client.get_resource(TypeName=LOG_GROUP, Identifier="app")["ResourceDescription"][
            "Properties"
        ]
    )
    assert properties["RetentionInDays"] == 1  # the first update is kept
    expected = dict(properties)
    expected.pop("Arn")
    if "KmsKeyId" in second_patch[0]["path"]:
        assert expected == {
            "LogGroupName": "app",
            "Tags": [{"Key": "a", "Value": "1"}],
            "RetentionInDays": 1,
            "KmsKeyId": KEY_ARN,
        }
    else:
        assert expected == {
            "LogGroupName": "app",
            "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}],
            "RetentionInDays": 1,
        }


@pytest.mark.cloudcontrol(queue_concurrent_writes=True)
def test_a_queued_write_starts_when_the_one_before_it_fails(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: Any, log_group: str
) -> None:
    first = cloudcontrol_client.update_resource(
        TypeName=LOG_GROUP, Identifier=log_group, PatchDocument=_retention(1)
    )["ProgressEvent"]
    queued = cloudcontrol_client.delete_resource(TypeName=LOG_GROUP, Identifier=log_group)["ProgressEvent"]
    assert queued["OperationStatus"] == "PENDING"

    cloudcontrol.complete(first["RequestToken"], "FAILED", error_code="NotStabilized")

    status = cloudcontrol_client.get_resource_request_status(RequestToken=queued["RequestToken"])
    assert status["ProgressEvent"]["OperationStatus"] == "IN_PROGRESS"
    cloudcontrol.complete(queued["RequestToken"])
    assert cloudcontrol.resources == []


@pytest.mark.cloudcontrol(queue_concurrent_writes=True)
def test_a_queued_update_of_a_resource_deleted_before_it_fails_not_found(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: Any, log_group: str
) -> None:
    delete = cloudcontrol_client.delete_resource(TypeName=LOG_GROUP, Identifier=log_group)["ProgressEvent"]
    update = cloudcontrol_client.update_resource(
        TypeName=LOG_GROUP, Identifier=log_group, PatchDocument=_retention(1)
    )["ProgressEvent"]

    cloudcontrol.complete(delete["RequestToken"])
    cloudcontrol.complete(update["RequestToken"])

    status = cloudcontrol_client.get_resource_request_status(RequestToken=update["RequestToken"])
    event = status["ProgressEvent"]
    assert (event["OperationStatus"], event["ErrorCode"]) == ("FAILED", "NotFound")
    assert (
        event["StatusMessage"]
        == f"Resource of type '{LOG_GROUP}' with identifier '{log_group}' was not found."
    )
    assert cloudcontrol.resources == []


@pytest.mark.cloudcontrol(queue_concurrent_writes=True)
def test_a_queued_patch_that_no_longer_applies_fails_invalid_request(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: Any, log_group: str
) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "kept", "RetentionInDays": 7})
    remove = json.dumps([{"op": "remove", "path": "/RetentionInDays"}])
    replace = json.dumps([{"op": "replace", "path": "/RetentionInDays", "value": 30}])
    first = cloudcontrol_client.update_resource(TypeName=LOG_GROUP, Identifier="kept", PatchDocument=remove)[
        "ProgressEvent"
    ]
    # accepted: it applies to the resource as it is now
    second = cloudcontrol_client.update_resource(
        TypeName=LOG_GROUP, Identifier="kept", PatchDocument=replace
    )["ProgressEvent"]

    cloudcontrol.complete(first["RequestToken"])
    cloudcontrol.complete(second["RequestToken"])

    event = cloudcontrol_client.get_resource_request_status(RequestToken=second["RequestToken"])[
        "ProgressEvent"
    ]
    assert (event["OperationStatus"], event["ErrorCode"]) == ("FAILED", "InvalidRequest")
    assert event["StatusMessage"] == (
        "Invalid patch update: can't replace a non-existent object 'RetentionInDays'"
    )
    assert "RetentionInDays" not in cloudcontrol.get_resource(LOG_GROUP, "kept").properties


def test_a_seeded_pending_request_stays_pending_when_the_write_before_it_finishes(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: Any, log_group: str
) -> None:
    first = cloudcontrol.seed_request(LOG_GROUP, operation="UPDATE", identifier=log_group).request_token
    seeded = cloudcontrol.seed_request(
        LOG_GROUP, operation="DELETE", identifier=log_group, status="PENDING"
    ).request_token

    cloudcontrol.complete(first)

    status = cloudcontrol_client.get_resource_request_status(RequestToken=seeded)
    assert status["ProgressEvent"]["OperationStatus"] == "PENDING"
    assert [r.identifier for r in cloudcontrol.resources] == [log_group]


@pytest.mark.parametrize(
    "move",
    [
        lambda fake, token: fake.set_progression(token, Progression.after(60)),
        lambda fake, token: fake.set_status(token, "PENDING"),
    ],
    ids=["set_progression", "set_status"],
)
def test_a_write_moved_on_while_in_flight_still_holds_its_resource(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: Any, log_group: str, move: Any
) -> None:
    first = cloudcontrol_client.update_resource(
        TypeName=LOG_GROUP, Identifier=log_group, PatchDocument=_retention(1)
    )["ProgressEvent"]["RequestToken"]

    move(cloudcontrol, first)

    with pytest.raises(cloudcontrol_client.exceptions.ConcurrentOperationException) as raised:
        cloudcontrol_client.delete_resource(TypeName=LOG_GROUP, Identifier=log_group)
    assert first in raised.value.response["Error"]["Message"]


def test_a_finished_request_set_in_flight_again_holds_its_resource(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: Any, log_group: str
) -> None:
    token = cloudcontrol.seed_request(
        LOG_GROUP, operation="UPDATE", identifier=log_group, status="SUCCESS"
    ).request_token
    cloudcontrol.set_status(token, "FAILED", error_code="InternalFailure")
    cloudcontrol_client.update_resource(TypeName=LOG_GROUP, Identifier=log_group, PatchDocument=_retention(1))
    cloudcontrol.complete(cloudcontrol.requests[-1].request_token)  # a finished request holds nothing

    cloudcontrol.set_status(token, "IN_PROGRESS")

    with pytest.raises(cloudcontrol_client.exceptions.ConcurrentOperationException) as raised:
        cloudcontrol_client.delete_resource(TypeName=LOG_GROUP, Identifier=log_group)
    assert raised.value.response["Error"]["Message"] == (
        f"Another Operation on resource {log_group} with RequestToken {token} is in progress"
    )


@pytest.mark.cloudcontrol(queue_concurrent_writes=True)
def test_a_queued_write_given_a_progression_still_waits_for_the_one_before_it(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: Any, log_group: str
) -> None:
    first = cloudcontrol_client.update_resource(
        TypeName=LOG_GROUP, Identifier=log_group, PatchDocument=_retention(1)
    )["ProgressEvent"]["RequestToken"]
    queued = cloudcontrol_client.update_resource(
        TypeName=LOG_GROUP, Identifier=log_group, PatchDocument=_retention(3)
    )["ProgressEvent"]["RequestToken"]

    cloudcontrol.set_progression(queued, Progression.after(10))
    cloudcontrol.advance(60)

    assert cloudcontrol.get_request(queued).status == "PENDING"
    cloudcontrol.complete(first)
    assert cloudcontrol.get_request(queued).status == "IN_PROGRESS"
    cloudcontrol.advance(10)
    assert cloudcontrol.get_request(queued).status == "SUCCESS"
    assert cloudcontrol.get_resource(LOG_GROUP, log_group).properties["RetentionInDays"] == 3


@pytest.mark.cloudcontrol(queue_concurrent_writes=True, start_time=1_700_000_000.0)
def test_queued_writes_on_the_virtual_clock_start_when_the_one_before_finished(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: Any, log_group: str
) -> None:
    cloudcontrol.progression = Progression.after(30)
    tokens = [
        cloudcontrol_client.update_resource(
            TypeName=LOG_GROUP, Identifier=log_group, PatchDocument=_retention(days)
        )["ProgressEvent"]["RequestToken"]
        for days in (1, 3)
    ]

    cloudcontrol.advance(100)

    events = [
        cloudcontrol_client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
        for token in tokens
    ]
    assert [(e["OperationStatus"], e["EventTime"].timestamp()) for e in events] == [
        ("SUCCESS", 1_700_000_030.0),
        ("SUCCESS", 1_700_000_060.0),
    ]
    assert cloudcontrol.get_resource(LOG_GROUP, log_group).properties["RetentionInDays"] == 3
