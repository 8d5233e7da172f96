"""GetResourceRequestStatus and ListResourceRequests through a real boto3 client."""

from __future__ import annotations

import itertools
import json
import re
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_cloudcontrol import FakeCloudControl, Progression

TYPE = "AWS::Logs::LogGroup"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
OPERATIONS = ["CREATE", "DELETE", "UPDATE"]
STATUSES = ["PENDING", "IN_PROGRESS", "SUCCESS", "FAILED", "CANCEL_IN_PROGRESS", "CANCEL_COMPLETE"]


def _seed(fake: FakeCloudControl, operation: str, status: str, **kwargs: Any) -> str:
    if status == "FAILED":
        kwargs.setdefault("error_code", "InternalFailure")
    return fake.seed_request(TYPE, operation=operation, status=status, **kwargs).request_token


def _seed_grid(fake: FakeCloudControl) -> dict[tuple[str, str], str]:
    return {(op, st): _seed(fake, op, st) for op, st in itertools.product(OPERATIONS, STATUSES)}


def _tokens(summaries: list[dict[str, Any]]) -> list[str]:
    return [s["RequestToken"] for s in summaries]


# -- GetResourceRequestStatus ------------------------------------------------------------------


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_status_reports_seeded_status(
    cloudcontrol: FakeCloudControl, client: Any, operation: str, status: str
) -> None:
    token = _seed(cloudcontrol, operation, status, identifier="lg-1")

    answer = client.get_resource_request_status(RequestToken=token)

    event = answer["ProgressEvent"]
    assert event["RequestToken"] == token
    assert event["Operation"] == operation
    assert event["OperationStatus"] == status
    assert event["TypeName"] == TYPE
    assert event["Identifier"] == "lg-1"
    assert "HooksProgressEvent" not in answer
    assert "HooksRequestToken" not in event


def test_failed_event_carries_error_code_and_status_message(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    message = "Resource of type 'AWS::Logs::LogGroup' with identifier 'Demo' already exists."
    token = cloudcontrol.seed_request(
        TYPE, status="FAILED", identifier="Demo", error_code="AlreadyExists", status_message=message
    ).request_token

    event = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]

    assert event["OperationStatus"] == "FAILED"
    assert event["ErrorCode"] == "AlreadyExists"
    assert event["StatusMessage"] == message
    assert "RetryAfter" not in event


@pytest.mark.parametrize("status", ["PENDING", "IN_PROGRESS", "CANCEL_IN_PROGRESS"])
def test_in_flight_event_has_retry_after_later_than_event_time(
    cloudcontrol: FakeCloudControl, client: Any, status: str
) -> None:
    token = _seed(cloudcontrol, "CREATE", status)

    event = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]

    assert event["RetryAfter"] > event["EventTime"]
    assert event["RetryAfter"] - event["EventTime"] <= timedelta(minutes=1)


@pytest.mark.parametrize("status", ["SUCCESS", "FAILED", "CANCEL_COMPLETE"])
def test_finished_event_has_no_retry_after(cloudcontrol: FakeCloudControl, client: Any, status: str) -> None:
    token = _seed(cloudcontrol, "CREATE", status)

    event = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]

    assert "RetryAfter" not in event
    if status != "FAILED":
        assert "ErrorCode" not in event
        assert "StatusMessage" not in event


def test_get_request_shows_what_the_wire_event_says(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.progression = Progression.manual()
    token = client.create_resource(
        TypeName=TYPE, DesiredState=json.dumps({"LogGroupName": "g"}), ClientToken="retry-1"
    )["ProgressEvent"]["RequestToken"]

    in_flight = cloudcontrol.get_request(token)
    read = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
    assert in_flight.client_token == "retry-1"
    assert in_flight.retry_after == in_flight.event_time + timedelta(seconds=5)
    assert in_flight.retry_after.timestamp() == pytest.approx(read["RetryAfter"].timestamp(), abs=1e-3)
    assert in_flight.resource_model is None

    cloudcontrol.complete(token)
    finished = cloudcontrol.get_request(token)
    assert finished.retry_after is None
    assert finished.client_token == "retry-1"
    # the final model: the view has it, the SUCCESS event does not (as AWS's)
    assert finished.resource_model == cloudcontrol.get_resource(TYPE, "g").properties
    assert finished.resource_model["LogGroupName"] == "g"
    # a copy: changing it changes nothing
    finished.resource_model["LogGroupName"] = "changed"
    assert cloudcontrol.get_request(token).resource_model == cloudcontrol.get_resource(TYPE, "g").properties


def test_seeded_request_view_keeps_its_resource_model(cloudcontrol: FakeCloudControl, client: Any) -> None:
    model = {"LogGroupName": "g", "Tags": [{"Key": "a", "Value": "1"}]}
    seeded = cloudcontrol.seed_request(TYPE, resource_model=model)
    model["Tags"][0]["Value"] = "changed by the test"

    view = cloudcontrol.get_request(seeded.request_token)
    event = client.get_resource_request_status(RequestToken=seeded.request_token)["ProgressEvent"]

    assert view.resource_model == {"LogGroupName": "g", "Tags": [{"Key": "a", "Value": "1"}]}
    assert json.loads(event["ResourceModel"]) == view.resource_model
    assert view.client_token is None
    # a deep copy: changing it, however deep, changes nothing
    view.resource_model["Tags"][0]["Value"] = "changed through the view"
    assert cloudcontrol.get_request(seeded.request_token).resource_model == {
        "LogGroupName": "g",
        "Tags": [{"Key": "a", "Value": "1"}],
    }


def test_hooks_only_from_get_resource_request_status(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = cloudcontrol.seed_request(TYPE, hooks=[{"hook_type_name": "Org::Svc::Hook"}]).request_token

    answer = client.get_resource_request_status(RequestToken=token)

    (hook,) = answer["HooksProgressEvent"]
    assert hook["HookTypeName"] == "Org::Svc::Hook"
    assert hook["HookStatus"] == "HOOK_COMPLETE_SUCCEEDED"
    assert hook["InvocationPoint"] == "PRE_PROVISION"
    assert hook["FailureMode"] == "FAIL"
    hooks_token = answer["ProgressEvent"]["HooksRequestToken"]
    assert UUID.match(hooks_token)
    assert hooks_token != token

    (summary,) = client.list_resource_requests()["ResourceRequestStatusSummaries"]
    assert "HooksRequestToken" not in summary
    cancelled = client.cancel_resource_request(RequestToken=token)
    assert "HooksRequestToken" not in cancelled["ProgressEvent"]
    assert "HooksProgressEvent" not in cancelled


def test_status_of_unknown_token(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.seed_request(TYPE)
    token = "11111111-2222-4333-8444-555555555555"

    with pytest.raises(client.exceptions.RequestTokenNotFoundException) as excinfo:
        client.get_resource_request_status(RequestToken=token)

    assert excinfo.value.response["Error"]["Message"] == f"Request with token {token} was not found"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


# -- what an event carries, as AWS sends it ----------------------------------------------------

# The members of every event that LocalStack's AWS-validated snapshots recorded (2023-02-01,
# tests/aws/services/cloudcontrol/test_cloudcontrol_api.snapshot.json in localstack/localstack).
RECORDED_MEMBERS = {"EventTime", "Identifier", "Operation", "OperationStatus", "RequestToken", "TypeName"}


def _write(client: Any, operation: str) -> dict[str, Any]:
    """The answer of one API write of each operation on the log group "g"."""
    if operation == "CREATE":
        answer = client.create_resource(TypeName=TYPE, DesiredState=json.dumps({"LogGroupName": "g"}))
    elif operation == "UPDATE":
        ops = [{"op": "add", "path": "/RetentionInDays", "value": 7}]
        answer = client.update_resource(TypeName=TYPE, Identifier="g", PatchDocument=json.dumps(ops))
    else:
        answer = client.delete_resource(TypeName=TYPE, Identifier="g")
    event: dict[str, Any] = answer["ProgressEvent"]
    return event


@pytest.mark.parametrize("operation", OPERATIONS)
def test_the_answer_of_a_write_carries_no_retry_after(
    cloudcontrol: FakeCloudControl, client: Any, operation: str
) -> None:
    """The first event of a write has no RetryAfter; reads and list summaries of it have one.

    [REC] ``create_response`` and ``delete_response`` (test_lifecycle, AWS::S3::Bucket) carry no
    RetryAfter; ``list_requests_response_filtered`` (test_list_request_status) lists the same in-flight
    create with one.
    """
    if operation != "CREATE":
        cloudcontrol.seed_resource(TYPE, {"LogGroupName": "g"})
    cloudcontrol.progression = Progression.manual()

    first = _write(client, operation)

    assert first["OperationStatus"] == "IN_PROGRESS"
    assert set(first) == RECORDED_MEMBERS
    token = first["RequestToken"]
    (summary,) = client.list_resource_requests()["ResourceRequestStatusSummaries"]
    assert summary["RetryAfter"] > summary["EventTime"]
    assert "RetryAfter" in client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
    assert cloudcontrol.get_request(token).retry_after is not None


def test_a_retried_write_answers_without_retry_after_too(cloudcontrol: FakeCloudControl, client: Any) -> None:
    """A ClientToken retry answers the first request's event without RetryAfter.

    [INF] Retries were not recorded; the fake answers them as every recorded answer of a write.
    """
    cloudcontrol.progression = Progression.manual()
    state = json.dumps({"LogGroupName": "g"})
    first = client.create_resource(TypeName=TYPE, DesiredState=state, ClientToken="once")["ProgressEvent"]

    again = client.create_resource(TypeName=TYPE, DesiredState=state, ClientToken="once")["ProgressEvent"]

    assert again == first
    assert "RetryAfter" not in again


@pytest.mark.parametrize("operation", ["CREATE", "UPDATE"])
def test_the_success_event_of_a_create_or_update_carries_no_resource_model(
    cloudcontrol: FakeCloudControl, client: Any, operation: str
) -> None:
    """A create's or update's SUCCESS event has no ResourceModel; the fake's view keeps the model.

    [REC] ``get_status_response`` (test_lifecycle) and ``missing_post_wait_response``
    (test_create_exceptions): an AWS::S3::Bucket create's SUCCESS event has none; the same was seen for
    other types and for updates.
    """
    if operation == "UPDATE":
        cloudcontrol.seed_resource(TYPE, {"LogGroupName": "g"})
    token = _write(client, operation)["RequestToken"]

    done = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
    (summary,) = client.list_resource_requests()["ResourceRequestStatusSummaries"]

    assert done["OperationStatus"] == "SUCCESS"
    assert set(done) == RECORDED_MEMBERS
    assert summary == done
    view = cloudcontrol.get_request(token).resource_model
    assert view is not None
    assert view["LogGroupName"] == "g"


@pytest.mark.parametrize("operation", ["CREATE", "UPDATE"])
def test_a_seeded_model_shows_until_the_create_or_update_succeeds(
    cloudcontrol: FakeCloudControl, client: Any, operation: str
) -> None:
    """A seeded ResourceModel shows while in flight, not in the SUCCESS event of a create or update.

    In flight it is the test's own choice; the SUCCESS event follows AWS's ([REC], as above).
    """
    if operation == "UPDATE":
        cloudcontrol.seed_resource(TYPE, {"LogGroupName": "g"})
    model = {"LogGroupName": "g", "RetentionInDays": 7}
    token = cloudcontrol.seed_request(
        TYPE, operation=operation, identifier="g", resource_model=model
    ).request_token
    assert (
        json.loads(client.get_resource_request_status(RequestToken=token)["ProgressEvent"]["ResourceModel"])
        == model
    )

    cloudcontrol.complete(token)

    done = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
    assert done["OperationStatus"] == "SUCCESS"
    assert "ResourceModel" not in done
    assert cloudcontrol.get_resource(TYPE, "g").properties["RetentionInDays"] == 7


def test_a_seeded_delete_keeps_its_model_when_it_succeeds(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    """A seeded delete's model shows in every event: nothing recorded says otherwise."""
    cloudcontrol.seed_resource(TYPE, {"LogGroupName": "g"})
    token = cloudcontrol.seed_request(
        TYPE, operation="DELETE", identifier="g", resource_model={"LogGroupName": "g"}
    ).request_token

    cloudcontrol.complete(token)

    done = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
    assert done["OperationStatus"] == "SUCCESS"
    assert json.loads(done["ResourceModel"]) == {"LogGroupName": "g"}


# -- ListResourceRequests: filters -------------------------------------------------------------


def test_list_without_filter_returns_every_status(cloudcontrol: FakeCloudControl, client: Any) -> None:
    grid = _seed_grid(cloudcontrol)

    summaries = client.list_resource_requests(MaxResults=100)["ResourceRequestStatusSummaries"]

    assert sorted(_tokens(summaries)) == sorted(grid.values())
    assert {s["OperationStatus"] for s in summaries} == set(STATUSES)
    for summary in summaries:
        if summary["OperationStatus"] == "IN_PROGRESS":
            assert "RetryAfter" in summary


@pytest.mark.parametrize("operations", [["CREATE"], ["DELETE", "UPDATE"], OPERATIONS])
def test_list_filters_by_operations(
    cloudcontrol: FakeCloudControl, client: Any, operations: list[str]
) -> None:
    grid = _seed_grid(cloudcontrol)

    summaries = client.list_resource_requests(
        MaxResults=100, ResourceRequestStatusFilter={"Operations": operations}
    )["ResourceRequestStatusSummaries"]

    expected = {t for (op, _), t in grid.items() if op in operations}
    assert set(_tokens(summaries)) == expected
    assert len(summaries) == len(expected)


@pytest.mark.parametrize("statuses", [["SUCCESS"], ["FAILED", "CANCEL_COMPLETE"], STATUSES])
def test_list_filters_by_operation_statuses(
    cloudcontrol: FakeCloudControl, client: Any, statuses: list[str]
) -> None:
    grid = _seed_grid(cloudcontrol)

    summaries = client.list_resource_requests(
        MaxResults=100, ResourceRequestStatusFilter={"OperationStatuses": statuses}
    )["ResourceRequestStatusSummaries"]

    expected = {t for (_, st), t in grid.items() if st in statuses}
    assert set(_tokens(summaries)) == expected
    assert len(summaries) == len(expected)


def test_list_filters_combine_with_and(cloudcontrol: FakeCloudControl, client: Any) -> None:
    grid = _seed_grid(cloudcontrol)

    summaries = client.list_resource_requests(
        ResourceRequestStatusFilter={
            "Operations": ["DELETE", "UPDATE"],
            "OperationStatuses": ["IN_PROGRESS", "FAILED"],
        }
    )["ResourceRequestStatusSummaries"]

    assert set(_tokens(summaries)) == {
        grid[("DELETE", "IN_PROGRESS")],
        grid[("DELETE", "FAILED")],
        grid[("UPDATE", "IN_PROGRESS")],
        grid[("UPDATE", "FAILED")],
    }
    assert len(summaries) == 4


def test_list_filter_that_matches_nothing(cloudcontrol: FakeCloudControl, client: Any) -> None:
    _seed(cloudcontrol, "CREATE", "SUCCESS")

    answer = client.list_resource_requests(ResourceRequestStatusFilter={"Operations": ["DELETE"]})

    assert answer["ResourceRequestStatusSummaries"] == []
    assert "NextToken" not in answer


def test_list_sees_status_after_cancel(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = _seed(cloudcontrol, "CREATE", "IN_PROGRESS")
    client.cancel_resource_request(RequestToken=token)

    in_progress = client.list_resource_requests(
        ResourceRequestStatusFilter={"OperationStatuses": ["IN_PROGRESS"]}
    )["ResourceRequestStatusSummaries"]
    complete = client.list_resource_requests(
        ResourceRequestStatusFilter={"OperationStatuses": ["CANCEL_COMPLETE"]}
    )["ResourceRequestStatusSummaries"]

    assert in_progress == []
    assert _tokens(complete) == [token]


@pytest.mark.parametrize(
    "status_filter",
    [
        {"Operations": ["CREATE", "DESTROY"]},
        {"Operations": ["create"]},
    ],
)
def test_bad_operation_enum_is_validation_error(
    cloudcontrol: FakeCloudControl, client: Any, status_filter: dict[str, list[str]]
) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.list_resource_requests(ResourceRequestStatusFilter=status_filter)

    error = excinfo.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"].startswith("1 validation error detected: ")
    assert "at 'resourceRequestStatusFilter.operations'" in error["Message"]
    assert "Member must satisfy enum value set: [CREATE, DELETE, UPDATE]" in error["Message"]


def test_bad_status_enum_is_validation_error(cloudcontrol: FakeCloudControl, client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.list_resource_requests(ResourceRequestStatusFilter={"OperationStatuses": ["DONE"]})

    error = excinfo.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert "at 'resourceRequestStatusFilter.operationStatuses'" in error["Message"]
    assert (
        "Member must satisfy enum value set: "
        "[PENDING, IN_PROGRESS, SUCCESS, FAILED, CANCEL_IN_PROGRESS, CANCEL_COMPLETE]"
    ) in error["Message"]


# -- ListResourceRequests: paging --------------------------------------------------------------


def test_max_results_defaults_to_20(cloudcontrol: FakeCloudControl, client: Any) -> None:
    for _ in range(25):
        _seed(cloudcontrol, "CREATE", "SUCCESS")

    first = client.list_resource_requests()
    second = client.list_resource_requests(NextToken=first["NextToken"])

    assert len(first["ResourceRequestStatusSummaries"]) == 20
    assert len(second["ResourceRequestStatusSummaries"]) == 5
    assert "NextToken" not in second


@pytest.mark.parametrize("max_results", [1, 7, 100])
def test_max_results_in_range(cloudcontrol: FakeCloudControl, client: Any, max_results: int) -> None:
    for _ in range(101):
        _seed(cloudcontrol, "UPDATE", "SUCCESS")

    page = client.list_resource_requests(MaxResults=max_results)

    assert len(page["ResourceRequestStatusSummaries"]) == max_results
    assert "NextToken" in page


def test_max_results_101_is_validation_error(cloudcontrol: FakeCloudControl, client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.list_resource_requests(MaxResults=101)

    error = excinfo.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"] == (
        "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 100"
    )


def test_next_token_omitted_on_exactly_full_last_page(cloudcontrol: FakeCloudControl, client: Any) -> None:
    for _ in range(10):
        _seed(cloudcontrol, "CREATE", "SUCCESS")

    page = client.list_resource_requests(MaxResults=10)

    assert len(page["ResourceRequestStatusSummaries"]) == 10
    assert "NextToken" not in page


def test_empty_registry_lists_nothing(client: Any) -> None:
    answer = client.list_resource_requests()

    assert answer["ResourceRequestStatusSummaries"] == []
    assert "NextToken" not in answer


def test_paginator_yields_every_request_once(cloudcontrol: FakeCloudControl, client: Any) -> None:
    seeded = [_seed(cloudcontrol, OPERATIONS[i % 3], STATUSES[i % 6]) for i in range(250)]

    pages = list(client.get_paginator("list_resource_requests").paginate())

    tokens = [t for page in pages for t in _tokens(page["ResourceRequestStatusSummaries"])]
    assert len(tokens) == 250
    assert set(tokens) == set(seeded)
    assert len(pages) == 13  # 12 pages of 20 and one of 10
    assert "NextToken" not in pages[-1]


@pytest.mark.parametrize("page_size", [1, 33, 100])
def test_paginator_with_page_size(cloudcontrol: FakeCloudControl, client: Any, page_size: int) -> None:
    seeded = [_seed(cloudcontrol, OPERATIONS[i % 3], STATUSES[i % 6]) for i in range(250)]

    pages = list(
        client.get_paginator("list_resource_requests").paginate(PaginationConfig={"PageSize": page_size})
    )

    tokens = [t for page in pages for t in _tokens(page["ResourceRequestStatusSummaries"])]
    assert sorted(tokens) == sorted(seeded)
    assert all(len(page["ResourceRequestStatusSummaries"]) <= page_size for page in pages)
    assert len(pages) == -(-250 // page_size)


def test_paginator_with_filters(cloudcontrol: FakeCloudControl, client: Any) -> None:
    seeded = {
        _seed(cloudcontrol, OPERATIONS[i % 3], STATUSES[i % 6]): (OPERATIONS[i % 3], STATUSES[i % 6])
        for i in range(250)
    }
    wanted_ops, wanted_statuses = {"CREATE", "DELETE"}, {"IN_PROGRESS", "SUCCESS", "FAILED"}

    result = (
        client.get_paginator("list_resource_requests")
        .paginate(
            ResourceRequestStatusFilter={
                "Operations": sorted(wanted_ops),
                "OperationStatuses": sorted(wanted_statuses),
            },
            PaginationConfig={"PageSize": 7},
        )
        .build_full_result()
    )

    tokens = _tokens(result["ResourceRequestStatusSummaries"])
    expected = {t for t, (op, st) in seeded.items() if op in wanted_ops and st in wanted_statuses}
    assert len(tokens) == len(set(tokens)) == len(expected)
    assert set(tokens) == expected
    assert expected  # the filter selects something


def test_paginator_max_items_and_resume(cloudcontrol: FakeCloudControl, client: Any) -> None:
    seeded = [_seed(cloudcontrol, "CREATE", "SUCCESS") for _ in range(45)]
    paginator = client.get_paginator("list_resource_requests")

    first = paginator.paginate(PaginationConfig={"MaxItems": 30, "PageSize": 20}).build_full_result()
    rest = paginator.paginate(
        PaginationConfig={"StartingToken": first["NextToken"], "PageSize": 20}
    ).build_full_result()

    tokens = _tokens(first["ResourceRequestStatusSummaries"]) + _tokens(
        rest["ResourceRequestStatusSummaries"]
    )
    assert sorted(tokens) == sorted(seeded)


@pytest.mark.parametrize("bogus", ["bogus", "djE6YWJj", "dHdvOjU=", "djE6-MA=="])
def test_bogus_next_token_is_a_clear_error(cloudcontrol: FakeCloudControl, client: Any, bogus: str) -> None:
    # "djE6YWJj" is base64 of "v1:abc", "dHdvOjU=" of "two:5": well-formed tokens never given out;
    # "djE6-MA==" is base64 of "v1:0" with a character base64 does not have.
    _seed(cloudcontrol, "CREATE", "SUCCESS")

    with pytest.raises(ClientError) as excinfo:
        client.list_resource_requests(NextToken=bogus)

    error = excinfo.value.response["Error"]
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Code"] == "ValidationException"
    assert error["Message"] == "Invalid NextToken"


def test_forged_negative_next_token_is_refused(cloudcontrol: FakeCloudControl, client: Any) -> None:
    _seed(cloudcontrol, "CREATE", "SUCCESS")

    with pytest.raises(ClientError) as excinfo:
        client.list_resource_requests(NextToken="djE6LTU=")  # base64 of "v1:-5"

    assert excinfo.value.response["Error"]["Code"] == "ValidationException"


# -- scope: account and Region -----------------------------------------------------------------


def test_request_is_not_visible_from_another_region(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = _seed(cloudcontrol, "CREATE", "IN_PROGRESS")
    eu = boto3.client("cloudcontrol", region_name="eu-west-1")

    with pytest.raises(eu.exceptions.RequestTokenNotFoundException) as excinfo:
        eu.get_resource_request_status(RequestToken=token)
    assert excinfo.value.response["Error"]["Message"] == f"Request with token {token} was not found"
    with pytest.raises(eu.exceptions.RequestTokenNotFoundException):
        eu.cancel_resource_request(RequestToken=token)
    assert eu.list_resource_requests()["ResourceRequestStatusSummaries"] == []

    # Untouched in its own Region.
    event = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
    assert event["OperationStatus"] == "IN_PROGRESS"


def test_request_seeded_in_another_region_is_found_there(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = _seed(cloudcontrol, "DELETE", "SUCCESS", region="eu-west-1")
    eu = boto3.client("cloudcontrol", region_name="eu-west-1")

    event = eu.get_resource_request_status(RequestToken=token)["ProgressEvent"]

    assert event["RequestToken"] == token
    assert event["Operation"] == "DELETE"
    assert _tokens(eu.list_resource_requests()["ResourceRequestStatusSummaries"]) == [token]
    assert client.list_resource_requests()["ResourceRequestStatusSummaries"] == []
    with pytest.raises(client.exceptions.RequestTokenNotFoundException):
        client.get_resource_request_status(RequestToken=token)
    assert cloudcontrol.calls[0].region == "eu-west-1"


def test_request_seeded_in_another_account_is_not_visible(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    token = _seed(cloudcontrol, "CREATE", "SUCCESS", account_id="210987654321")

    with pytest.raises(client.exceptions.RequestTokenNotFoundException):
        client.get_resource_request_status(RequestToken=token)
    assert client.list_resource_requests()["ResourceRequestStatusSummaries"] == []


def test_fast_mode_scopes_by_host_region() -> None:
    with FakeCloudControl(fast=True) as fake:
        token = fake.seed_request(TYPE, region="ap-southeast-2").request_token
        sydney = boto3.client("cloudcontrol", region_name="ap-southeast-2")
        virginia = boto3.client("cloudcontrol", region_name="us-east-1")

        assert (
            sydney.get_resource_request_status(RequestToken=token)["ProgressEvent"]["RequestToken"] == token
        )
        with pytest.raises(virginia.exceptions.RequestTokenNotFoundException):
            virginia.get_resource_request_status(RequestToken=token)
        assert [call.region for call in fake.calls] == ["ap-southeast-2", "us-east-1"]


def test_in_progress_filter_after_an_older_request_finishes(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    oldest, middle, newest = (_seed(cloudcontrol, "CREATE", "IN_PROGRESS") for _ in range(3))

    cloudcontrol.complete(middle, "FAILED", error_code="NotStabilized")
    cloudcontrol.complete(oldest, "FAILED", error_code="NotStabilized")

    def listed(*statuses: str) -> list[str]:
        return _tokens(
            client.list_resource_requests(ResourceRequestStatusFilter={"OperationStatuses": list(statuses)})[
                "ResourceRequestStatusSummaries"
            ]
        )

    assert listed("IN_PROGRESS") == [newest]
    assert listed("FAILED") == [oldest, middle]
    assert listed("IN_PROGRESS", "FAILED") == [oldest, middle, newest]


def test_a_status_change_moves_a_request_between_filters_in_age_order(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    first, second, third = (_seed(cloudcontrol, "UPDATE", "SUCCESS") for _ in range(3))

    cloudcontrol.set_status(third, "FAILED", error_code="InternalFailure")
    cloudcontrol.set_status(first, "FAILED", error_code="InternalFailure")
    cloudcontrol.set_status(third, "SUCCESS")

    def listed(status: str) -> list[str]:
        return _tokens(
            client.list_resource_requests(ResourceRequestStatusFilter={"OperationStatuses": [status]})[
                "ResourceRequestStatusSummaries"
            ]
        )

    assert listed("SUCCESS") == [second, third]
    assert listed("FAILED") == [first]
