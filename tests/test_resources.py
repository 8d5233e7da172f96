"""The resource operations (Create/Update/Delete/Get/ListResources) through a real boto3 client.

Each test drives the fake as a user would: a real botocore client on one side, the ``cloudcontrol``
fixture (seed, inspect, progressions) on the other. Expected texts follow
``/work/shared/reference/cloudcontrol-behaviour.md``.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_cloudcontrol import (
    FakeCloudControl,
    Progression,
    ResourceType,
    UnknownResourceError,
)

LOG_GROUP = "AWS::Logs::LogGroup"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
BUCKET = "AWS::S3::Bucket"
NODEGROUP = "AWS::EKS::Nodegroup"
QUEUE = "AWS::SQS::Queue"  # create-only FifoQueue and QueueName, read-only QueueUrl and Arn
# Bundled types picked for their metadata (asserted in ``test_bundled_types_have_the_shape_we_rely_on``).
WRITE_ONLY_TYPE = "AWS::AmazonMQ::Configuration"  # /properties/Data is write-only, Id read-only
COMPOUND_TYPE = "AWS::ApiGateway::Stage"  # primary identifier [RestApiId, StageName]
COMPOUND_GENERATED_TYPE = "AWS::ApiGateway::Authorizer"  # [RestApiId, AuthorizerId(read-only)]
NO_LIST_NO_UPDATE_TYPE = "AWS::ACMPCA::Permission"  # handlers: create, read, delete
NO_HANDLERS_TYPE = "AWS::AppMesh::Mesh"  # no handlers at all: not provisionable via Cloud Control
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
HANDLER_TEMPLATE = re.compile(
    r"(?P<type>\S+) Handler returned status FAILED: (?P<message>.*) "
    r"\(HandlerErrorCode: (?P<code>\w+), RequestToken: (?P<token>[0-9a-f-]+)\)"
)


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    """(HTTP status, error code, message) of a ClientError."""
    response = excinfo.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


def create(client: Any, type_name: str, state: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """CreateResource; returns the first ProgressEvent."""
    answer = client.create_resource(TypeName=type_name, DesiredState=json.dumps(state), **kwargs)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    event: dict[str, Any] = answer["ProgressEvent"]
    return event


def status(client: Any, token: str) -> dict[str, Any]:
    """The current ProgressEvent of a request."""
    event: dict[str, Any] = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
    return event


def read(client: Any, type_name: str, identifier: str) -> dict[str, Any]:
    """GetResource's properties, parsed from their JSON string."""
    answer = client.get_resource(TypeName=type_name, Identifier=identifier)
    assert answer["TypeName"] == type_name
    assert answer["ResourceDescription"]["Identifier"] == identifier
    properties = answer["ResourceDescription"]["Properties"]
    assert isinstance(properties, str)
    parsed: dict[str, Any] = json.loads(properties)
    return parsed


def patch(client: Any, type_name: str, identifier: str, ops: Any, **kwargs: Any) -> dict[str, Any]:
    """UpdateResource with a JSON Patch; returns the first ProgressEvent."""
    answer = client.update_resource(
        TypeName=type_name, Identifier=identifier, PatchDocument=json.dumps(ops), **kwargs
    )
    event: dict[str, Any] = answer["ProgressEvent"]
    return event


def test_bundled_types_have_the_shape_we_rely_on(cloudcontrol: FakeCloudControl) -> None:
    from pytest_cloudcontrol.resource_types import ResourceTypeCatalog

    catalog = ResourceTypeCatalog()
    write_only = catalog.get(WRITE_ONLY_TYPE)
    assert write_only is not None
    assert "/properties/Data" in write_only.write_only
    assert write_only.primary_identifier == ("/properties/Id",)
    compound = catalog.get(COMPOUND_TYPE)
    assert compound is not None
    assert compound.primary_identifier == ("/properties/RestApiId", "/properties/StageName")
    generated = catalog.get(COMPOUND_GENERATED_TYPE)
    assert generated is not None
    assert len(generated.primary_identifier) == 2
    assert "/properties/AuthorizerId" in generated.read_only
    limited = catalog.get(NO_LIST_NO_UPDATE_TYPE)
    assert limited is not None
    assert limited.handlers == frozenset({"create", "read", "delete"})
    none = catalog.get(NO_HANDLERS_TYPE)
    assert none is not None
    assert not none.handlers


# -- CreateResource --------------------------------------------------------------------------------


def test_create_answers_in_progress_with_new_lowercase_uuid_token_and_known_identifier(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    first = create(client, LOG_GROUP, {"LogGroupName": "g1"})
    second = create(client, LOG_GROUP, {"LogGroupName": "g2"})

    for event, name in ((first, "g1"), (second, "g2")):
        assert event["OperationStatus"] == "IN_PROGRESS"
        assert event["Operation"] == "CREATE"
        assert event["TypeName"] == LOG_GROUP
        assert event["Identifier"] == name
        assert UUID4.fullmatch(event["RequestToken"])
    assert first["RequestToken"] != second["RequestToken"]


def test_create_without_primary_identifier_has_no_identifier_until_success(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    event = create(client, BUCKET, {"Tags": [{"Key": "k", "Value": "v"}]})

    assert event["OperationStatus"] == "IN_PROGRESS"
    assert "Identifier" not in event

    done = status(client, event["RequestToken"])
    assert done["OperationStatus"] == "SUCCESS"
    identifier = done["Identifier"]
    assert identifier
    properties = read(client, BUCKET, identifier)
    assert properties["BucketName"] == identifier
    assert properties["Tags"] == [{"Key": "k", "Value": "v"}]
    assert cloudcontrol.get_request(event["RequestToken"]).resource_model == properties


def test_store_changes_only_when_the_create_finishes(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.progression = Progression.manual()
    token = create(client, LOG_GROUP, {"LogGroupName": "g"})["RequestToken"]

    with pytest.raises(ClientError) as excinfo:
        client.get_resource(TypeName=LOG_GROUP, Identifier="g")
    assert error_of(excinfo)[1] == "ResourceNotFoundException"
    assert status(client, token)["OperationStatus"] == "IN_PROGRESS"
    assert cloudcontrol.resources == []

    cloudcontrol.complete(token)

    assert read(client, LOG_GROUP, "g")["LogGroupName"] == "g"
    assert status(client, token)["OperationStatus"] == "SUCCESS"
    assert [r.identifier for r in cloudcontrol.resources] == ["g"]


def test_duplicate_create_fails_later_with_already_exists(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    create(client, LOG_GROUP, {"LogGroupName": "g", "RetentionInDays": 7})
    second = create(client, LOG_GROUP, {"LogGroupName": "g", "RetentionInDays": 30})

    assert second["OperationStatus"] == "IN_PROGRESS"
    event = status(client, second["RequestToken"])
    assert event["OperationStatus"] == "FAILED"
    assert event["ErrorCode"] == "AlreadyExists"
    assert event["StatusMessage"] == (
        "Resource of type 'AWS::Logs::LogGroup' with identifier 'g' already exists."
    )
    # The existing resource is untouched by the failed create.
    assert read(client, LOG_GROUP, "g")["RetentionInDays"] == 7


def test_read_only_arn_is_generated(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = create(client, LOG_GROUP, {"LogGroupName": "my-group"})["RequestToken"]
    status(client, token)

    arn = read(client, LOG_GROUP, "my-group")["Arn"]
    assert arn.startswith("arn:aws:logs:us-east-1:123456789012:")
    assert "my-group" in arn
    assert cloudcontrol.get_resource(LOG_GROUP, "my-group").properties["Arn"] == arn


def test_write_only_properties_are_stored_but_never_returned(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    state = {"Name": "cfg", "EngineType": "ACTIVEMQ", "Data": "PGJyb2tlci8+"}
    token = create(client, WRITE_ONLY_TYPE, state)["RequestToken"]
    done = status(client, token)
    identifier = done["Identifier"]

    view = cloudcontrol.get_request(token).resource_model
    assert view is not None
    assert "Data" not in view
    properties = read(client, WRITE_ONLY_TYPE, identifier)
    assert "Data" not in properties
    assert properties["Name"] == "cfg"
    assert properties["Id"] == identifier
    listed = client.list_resources(TypeName=WRITE_ONLY_TYPE)["ResourceDescriptions"]
    assert [json.loads(d["Properties"]).get("Data") for d in listed] == [None]
    # The fake's own view has every property, write-only ones too.
    assert cloudcontrol.get_resource(WRITE_ONLY_TYPE, identifier).properties["Data"] == "PGJyb2tlci8+"


LAMBDA = "AWS::Lambda::Function"  # /properties/Code/S3Bucket, /Code/S3Key, ... are write-only, Code is not
FUNCTION = {
    "FunctionName": "f",
    "Role": "arn:aws:iam::123456789012:role/r",
    "Runtime": "python3.12",
    "Handler": "app.handler",
    "Code": {"S3Bucket": "artifacts", "S3Key": "f.zip"},
}


def test_an_object_of_write_only_properties_is_left_out_not_shown_empty(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    """Lambda's Code holds only write-only properties: reads, lists and the view's model leave it out.

    [DOC] CloudFormation's resource type schema: write-only properties are never returned by a read or
    list request. Left empty, Code would show as ``"Code": {}``: a property the caller never set so.
    """
    token = create(client, LAMBDA, FUNCTION)["RequestToken"]
    status(client, token)

    properties = read(client, LAMBDA, "f")
    (listed,) = client.list_resources(TypeName=LAMBDA)["ResourceDescriptions"]
    model = cloudcontrol.get_request(token).resource_model

    assert "Code" not in properties
    assert properties["Runtime"] == "python3.12"
    assert json.loads(listed["Properties"]) == {"FunctionName": "f"}  # the list handler: the identifier
    assert model is not None
    assert "Code" not in model
    assert cloudcontrol.get_resource(LAMBDA, "f").properties["Code"] == FUNCTION["Code"]


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ({"Config": {"Secret": "s"}}, {}),
        ({"Config": {"Secret": "s", "Mode": "m"}}, {"Config": {"Mode": "m"}}),
        ({"Config": {}}, {"Config": {}}),  # empty before, not by the removal: as stored
        ({"Deep": {"Inner": {"Secret": "s"}}}, {}),
        ({"Deep": {"Inner": {"Secret": "s"}, "Other": 1}}, {"Deep": {"Other": 1}}),
        ({"Rules": [{"Secret": "a"}, {"Secret": "b", "Keep": 1}]}, {"Rules": [{"Keep": 1}]}),
        ({"Rules": [{"Secret": "a"}]}, {}),
        ({"Rules": [{}, {"Secret": "a"}]}, {"Rules": [{}]}),
        ({"Items": ["x", "y"]}, {}),
        ({"Items": []}, {"Items": []}),
    ],
)
def test_a_parent_emptied_by_removing_write_only_properties_disappears(
    cloudcontrol: FakeCloudControl,
    client: Any,
    stored: dict[str, Any],
    shown: dict[str, Any],
) -> None:
    """Only what the removal of write-only properties empties goes, up through every level."""
    cloudcontrol.register_type(
        ResourceType(
            type_name=PRIVATE_TYPE,
            primary_identifier=("/properties/Name",),
            write_only=(
                "/properties/Config/Secret",
                "/properties/Deep/Inner/Secret",
                "/properties/Rules/*/Secret",
                "/properties/Items/*",
            ),
        )
    )
    cloudcontrol.seed_resource(PRIVATE_TYPE, {"Name": "t", **stored})

    assert read(client, PRIVATE_TYPE, "t") == {"Name": "t", **shown}
    assert cloudcontrol.get_resource(PRIVATE_TYPE, "t").properties == {"Name": "t", **stored}


def test_compound_identifier_is_joined_with_a_pipe(cloudcontrol: FakeCloudControl, client: Any) -> None:
    event = create(client, COMPOUND_TYPE, {"RestApiId": "abc123", "StageName": "prod"})

    assert event["Identifier"] == "abc123|prod"
    status(client, event["RequestToken"])
    assert read(client, COMPOUND_TYPE, "abc123|prod")["StageName"] == "prod"
    listed = client.list_resources(TypeName=COMPOUND_TYPE, ResourceModel=json.dumps({"RestApiId": "abc123"}))
    assert [d["Identifier"] for d in listed["ResourceDescriptions"]] == ["abc123|prod"]


def test_compound_identifier_with_generated_part_appears_after_success(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    event = create(client, COMPOUND_GENERATED_TYPE, {"RestApiId": "api1", "Name": "auth", "Type": "TOKEN"})
    assert "Identifier" not in event

    identifier = status(client, event["RequestToken"])["Identifier"]
    rest_api_id, _, authorizer_id = identifier.partition("|")
    assert rest_api_id == "api1"
    assert authorizer_id
    assert read(client, COMPOUND_GENERATED_TYPE, identifier)["AuthorizerId"] == authorizer_id


# -- UpdateResource --------------------------------------------------------------------------------


def test_update_applies_an_rfc6902_patch(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.seed_resource(
        LOG_GROUP, {"LogGroupName": "g", "RetentionInDays": 7, "Tags": [{"Key": "a", "Value": "1"}]}
    )

    event = patch(
        client,
        LOG_GROUP,
        "g",
        [
            {"op": "add", "path": "/Tags/-", "value": {"Key": "b", "Value": "2"}},
            {"op": "replace", "path": "/Tags/0/Value", "value": "one"},
            {"op": "remove", "path": "/RetentionInDays"},
            {"op": "add", "path": "/KmsKeyId", "value": KEY_ARN},
        ],
    )

    assert event["OperationStatus"] == "IN_PROGRESS"
    assert event["Operation"] == "UPDATE"
    assert event["Identifier"] == "g"
    done = status(client, event["RequestToken"])
    assert done["OperationStatus"] == "SUCCESS"
    properties = read(client, LOG_GROUP, "g")
    assert properties["Tags"] == [{"Key": "a", "Value": "one"}, {"Key": "b", "Value": "2"}]
    assert "RetentionInDays" not in properties
    assert properties["KmsKeyId"] == KEY_ARN
    assert properties["Arn"]  # read-only properties survive the patch
    assert cloudcontrol.get_request(event["RequestToken"]).resource_model == properties


def test_update_waits_for_the_request_to_finish(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g", "RetentionInDays": 7})
    cloudcontrol.progression = Progression.manual()

    token = patch(client, LOG_GROUP, "g", [{"op": "replace", "path": "/RetentionInDays", "value": 30}])[
        "RequestToken"
    ]
    assert read(client, LOG_GROUP, "g")["RetentionInDays"] == 7

    cloudcontrol.complete(token)
    assert read(client, LOG_GROUP, "g")["RetentionInDays"] == 30


@pytest.mark.parametrize(
    "ops",
    [
        [{"op": "replace", "path": "/LogGroupName", "value": "h"}],
        [{"op": "remove", "path": "/LogGroupName"}],
        [
            {"op": "add", "path": "/Tags", "value": []},
            {"op": "replace", "path": "/LogGroupName", "value": "h"},
        ],
    ],
)
def test_update_of_create_only_property_is_not_updatable(
    cloudcontrol: FakeCloudControl, client: Any, ops: list[dict[str, Any]]
) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g"})

    with pytest.raises(client.exceptions.NotUpdatableException) as excinfo:
        patch(client, LOG_GROUP, "g", ops)

    assert error_of(excinfo) == (
        400,
        "NotUpdatableException",
        "Invalid patch update: createOnlyProperties [/properties/LogGroupName] cannot be updated",
    )
    assert cloudcontrol.requests == []
    assert cloudcontrol.get_resource(LOG_GROUP, "g").properties.get("Tags") is None


@pytest.mark.parametrize(
    "document",
    [
        json.dumps([{"op": "remove", "path": "/RetentionInDays"}]),  # nothing there to remove
        json.dumps([{"op": "replace", "path": "/Missing/Deep", "value": 1}]),
        json.dumps({"op": "add", "path": "/Tags", "value": []}),  # not a list of operations
        json.dumps([{"op": "frobnicate", "path": "/Tags"}]),
        json.dumps([{"op": "add", "value": 1}]),  # no path
        "not json at all",
    ],
)
def test_unappliable_patch_is_a_validation_exception(
    cloudcontrol: FakeCloudControl, client: Any, document: str
) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g"})

    with pytest.raises(ClientError) as excinfo:
        client.update_resource(TypeName=LOG_GROUP, Identifier="g", PatchDocument=document)

    code, _, message = error_of(excinfo)[0], *error_of(excinfo)[1:]
    assert (code, error_of(excinfo)[1]) == (400, "ValidationException")
    assert message
    assert cloudcontrol.requests == []


def test_a_patch_touching_two_create_only_properties_names_both(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.seed_resource(QUEUE, {"QueueName": "q"})
    ops = [
        {"op": "add", "path": "/QueueName", "value": "r"},
        {"op": "add", "path": "/FifoQueue", "value": True},
    ]

    with pytest.raises(client.exceptions.NotUpdatableException) as excinfo:
        patch(client, QUEUE, "q", ops)

    assert error_of(excinfo)[2] == (
        "Invalid patch update: createOnlyProperties [/properties/FifoQueue, /properties/QueueName] "
        "cannot be updated"
    )


def test_create_only_properties_are_named_in_schema_order(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    """Several create-only paths are listed as the schema's createOnlyProperties lists them.

    [INF] from [REC] ``update_createonlyproperty_exc`` (one path): AWS lists the schema's pointers, and
    AWS::EKS::Nodegroup lists NodegroupName before ClusterName; neither the patch's order nor the
    alphabet's.
    """
    identifier = cloudcontrol.seed_resource(
        NODEGROUP, {"ClusterName": "c", "NodegroupName": "n", "NodeRole": "r", "Subnets": ["s"]}
    ).identifier
    ops = [
        {"op": "replace", "path": "/ClusterName", "value": "d"},
        {"op": "replace", "path": "/NodegroupName", "value": "m"},
    ]

    with pytest.raises(client.exceptions.NotUpdatableException) as excinfo:
        patch(client, NODEGROUP, identifier, ops)

    assert error_of(excinfo)[2] == (
        "Invalid patch update: createOnlyProperties [/properties/NodegroupName, /properties/ClusterName] "
        "cannot be updated"
    )


def test_a_patch_touching_two_read_only_properties_names_both_in_schema_order(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    """AWS::SQS::Queue's readOnlyProperties are [/properties/QueueUrl, /properties/Arn]: in that order.

    [INF] as for createOnlyProperties above.
    """
    cloudcontrol.seed_resource(QUEUE, {"QueueName": "q"})
    ops = [{"op": "add", "path": "/Arn", "value": "a"}, {"op": "add", "path": "/QueueUrl", "value": "u"}]

    with pytest.raises(ClientError) as excinfo:
        patch(client, QUEUE, "q", ops)

    assert error_of(excinfo) == (
        400,
        "ValidationException",
        "Invalid patch update: readOnlyProperties [/properties/QueueUrl, /properties/Arn] cannot be updated",
    )


def test_a_patch_that_replaces_the_whole_document_must_leave_an_object(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    # A type whose properties are all updatable: a patch of the whole document touches nothing protected.
    cloudcontrol.register_type(ResourceType(type_name=PRIVATE_TYPE, primary_identifier=("/properties/Name",)))
    cloudcontrol.seed_resource(PRIVATE_TYPE, {"Name": "t1"})

    with pytest.raises(ClientError) as excinfo:
        patch(client, PRIVATE_TYPE, "t1", [{"op": "replace", "path": "", "value": ["not", "an", "object"]}])

    assert error_of(excinfo) == (
        400,
        "ValidationException",
        "Invalid patch update: the properties must stay an object",
    )
    assert cloudcontrol.requests == []


def test_update_of_missing_resource_is_resource_not_found_in_handler_template(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException) as excinfo:
        patch(client, LOG_GROUP, "nope", [{"op": "add", "path": "/RetentionInDays", "value": 1}])

    status_code, code, message = error_of(excinfo)
    assert (status_code, code) == (400, "ResourceNotFoundException")
    match = HANDLER_TEMPLATE.fullmatch(message)
    assert match, message
    assert match["type"] == LOG_GROUP
    assert match["message"] == "Resource of type 'AWS::Logs::LogGroup' with identifier 'nope' was not found."
    assert match["code"] == "NotFound"
    assert UUID4.fullmatch(match["token"])
    assert cloudcontrol.requests == []


# -- DeleteResource --------------------------------------------------------------------------------


def test_delete_removes_the_resource(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g"})

    event = client.delete_resource(TypeName=LOG_GROUP, Identifier="g")["ProgressEvent"]

    assert (event["Operation"], event["OperationStatus"], event["Identifier"]) == (
        "DELETE",
        "IN_PROGRESS",
        "g",
    )
    assert status(client, event["RequestToken"])["OperationStatus"] == "SUCCESS"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_resource(TypeName=LOG_GROUP, Identifier="g")
    with pytest.raises(UnknownResourceError):
        cloudcontrol.get_resource(LOG_GROUP, "g")


def test_delete_of_missing_resource_is_accepted_then_fails_not_found(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    answer = client.delete_resource(TypeName=LOG_GROUP, Identifier="ghost")

    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert answer["ProgressEvent"]["OperationStatus"] == "IN_PROGRESS"
    event = status(client, answer["ProgressEvent"]["RequestToken"])
    assert event["OperationStatus"] == "FAILED"
    assert event["ErrorCode"] == "NotFound"
    assert event["StatusMessage"] == (
        "Resource of type 'AWS::Logs::LogGroup' with identifier 'ghost' was not found."
    )


# -- one operation per resource at a time ----------------------------------------------------------

IN_FLIGHT = re.compile(r"RequestToken\s+([a-fA-F0-9-]+)")


@pytest.mark.parametrize(
    "second",
    [
        lambda c: c.update_resource(
            TypeName=LOG_GROUP,
            Identifier="g",
            PatchDocument='[{"op":"add","path":"/RetentionInDays","value":1}]',
        ),
        lambda c: c.delete_resource(TypeName=LOG_GROUP, Identifier="g"),
    ],
    ids=["update", "delete"],
)
@pytest.mark.parametrize("first", ["update", "delete"])
def test_second_write_while_one_is_in_flight_is_concurrent_operation(
    cloudcontrol: FakeCloudControl, client: Any, first: str, second: Any
) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g"})
    cloudcontrol.progression = Progression.manual()
    if first == "update":
        token = patch(client, LOG_GROUP, "g", [{"op": "add", "path": "/RetentionInDays", "value": 3}])[
            "RequestToken"
        ]
    else:
        token = client.delete_resource(TypeName=LOG_GROUP, Identifier="g")["ProgressEvent"]["RequestToken"]

    with pytest.raises(client.exceptions.ConcurrentOperationException) as excinfo:
        second(client)

    status_code, _, message = error_of(excinfo)
    assert status_code == 400
    match = IN_FLIGHT.search(message)
    assert match
    assert match.group(1) == token
    assert len(cloudcontrol.requests) == 1

    # Once the first finishes, the resource takes writes again.
    cloudcontrol.complete(token)
    if first == "update":
        second(client)


def test_second_create_of_same_identifier_in_flight_is_concurrent_operation(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.progression = Progression.manual()
    token = create(client, LOG_GROUP, {"LogGroupName": "g"})["RequestToken"]

    with pytest.raises(client.exceptions.ConcurrentOperationException) as excinfo:
        create(client, LOG_GROUP, {"LogGroupName": "g"})

    match = IN_FLIGHT.search(error_of(excinfo)[2])
    assert match
    assert match.group(1) == token
    # Another identifier is not blocked.
    create(client, LOG_GROUP, {"LogGroupName": "other"})


# -- ClientToken -----------------------------------------------------------------------------------


def test_same_client_token_and_input_replays_the_first_request(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    first = create(client, LOG_GROUP, {"LogGroupName": "g"}, ClientToken="ct-1")
    again = create(client, LOG_GROUP, {"LogGroupName": "g"}, ClientToken="ct-1")

    assert again["RequestToken"] == first["RequestToken"]
    assert len(cloudcontrol.requests) == 1
    # The replay did not run a second create (which would have failed AlreadyExists).
    assert status(client, first["RequestToken"])["OperationStatus"] == "SUCCESS"
    assert [r.identifier for r in cloudcontrol.resources] == ["g"]


def test_changing_the_call_log_does_not_change_what_a_retry_must_repeat(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    first = create(client, LOG_GROUP, {"LogGroupName": "g"}, ClientToken="ct-1")
    cloudcontrol.calls[-1].params["DesiredState"] = "changed by the test"

    again = create(client, LOG_GROUP, {"LogGroupName": "g"}, ClientToken="ct-1")

    assert again["RequestToken"] == first["RequestToken"]


def test_same_client_token_with_different_input_conflicts(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    first = create(client, LOG_GROUP, {"LogGroupName": "g"}, ClientToken="ct-1")

    with pytest.raises(client.exceptions.ClientTokenConflictException) as excinfo:
        create(client, LOG_GROUP, {"LogGroupName": "h"}, ClientToken="ct-1")

    assert error_of(excinfo) == (
        400,
        "ClientTokenConflictException",
        f"ClientToken ct-1 is already associated with an existing operation with RequestToken "
        f"{first['RequestToken']}",
    )
    # A different operation with the same ClientToken conflicts too.
    with pytest.raises(client.exceptions.ClientTokenConflictException):
        client.delete_resource(TypeName=LOG_GROUP, Identifier="g", ClientToken="ct-1")
    assert len(cloudcontrol.requests) == 1


def test_client_token_is_forgotten_after_36_virtual_hours(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    first = create(client, LOG_GROUP, {"LogGroupName": "g"}, ClientToken="ct-1")

    cloudcontrol.advance(36 * 3600 - 1)
    with pytest.raises(client.exceptions.ClientTokenConflictException):
        create(client, LOG_GROUP, {"LogGroupName": "h"}, ClientToken="ct-1")

    cloudcontrol.advance(1)
    later = create(client, LOG_GROUP, {"LogGroupName": "h"}, ClientToken="ct-1")
    assert later["RequestToken"] != first["RequestToken"]
    assert status(client, later["RequestToken"])["OperationStatus"] == "SUCCESS"


# -- unknown and unsupported types -----------------------------------------------------------------

RESOURCE_OPERATIONS = {
    "create": lambda c, t: c.create_resource(TypeName=t, DesiredState='{"Name": "x"}'),
    "update": lambda c, t: c.update_resource(
        TypeName=t, Identifier="x", PatchDocument='[{"op":"add","path":"/A","value":1}]'
    ),
    "delete": lambda c, t: c.delete_resource(TypeName=t, Identifier="x"),
    "read": lambda c, t: c.get_resource(TypeName=t, Identifier="x"),
    "list": lambda c, t: c.list_resources(TypeName=t),
}


@pytest.mark.parametrize("action", sorted(RESOURCE_OPERATIONS))
def test_unknown_type_is_type_not_found(cloudcontrol: FakeCloudControl, client: Any, action: str) -> None:
    with pytest.raises(client.exceptions.TypeNotFoundException) as excinfo:
        RESOURCE_OPERATIONS[action](client, "AWS::Nope::Thing")

    assert error_of(excinfo) == (400, "TypeNotFoundException", "The type 'AWS::Nope::Thing' cannot be found.")
    assert cloudcontrol.requests == []


@pytest.mark.parametrize("action", ["list", "update"])
def test_missing_handler_is_unsupported_action(
    cloudcontrol: FakeCloudControl, client: Any, action: str
) -> None:
    with pytest.raises(client.exceptions.UnsupportedActionException) as excinfo:
        RESOURCE_OPERATIONS[action](client, NO_LIST_NO_UPDATE_TYPE)

    assert error_of(excinfo) == (
        400,
        "UnsupportedActionException",
        f"Resource type {NO_LIST_NO_UPDATE_TYPE} does not support {action.upper()} action",
    )


@pytest.mark.parametrize("action", sorted(RESOURCE_OPERATIONS))
def test_type_without_handlers_is_not_supported(
    cloudcontrol: FakeCloudControl, client: Any, action: str
) -> None:
    with pytest.raises(client.exceptions.UnsupportedActionException) as excinfo:
        RESOURCE_OPERATIONS[action](client, NO_HANDLERS_TYPE)

    assert (
        error_of(excinfo)[2] == f"The resource {NO_HANDLERS_TYPE} is not yet supported via Cloud Control API"
    )


# -- GetResource / ListResources -------------------------------------------------------------------


def test_get_resource_returns_properties_as_json_string(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g", "RetentionInDays": 14})

    answer = client.get_resource(TypeName=LOG_GROUP, Identifier="g")

    description = answer["ResourceDescription"]
    assert set(answer) - {"ResponseMetadata"} == {"TypeName", "ResourceDescription"}
    assert set(description) == {"Identifier", "Properties"}
    assert isinstance(description["Properties"], str)
    properties = json.loads(description["Properties"])
    assert properties["LogGroupName"] == "g"
    assert properties["RetentionInDays"] == 14


def test_get_missing_resource_is_not_found_in_handler_template(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException) as excinfo:
        client.get_resource(TypeName=LOG_GROUP, Identifier="nope")

    match = HANDLER_TEMPLATE.fullmatch(error_of(excinfo)[2])
    assert match
    assert match["code"] == "NotFound"
    assert match["type"] == LOG_GROUP
    assert match["message"] == "Resource of type 'AWS::Logs::LogGroup' with identifier 'nope' was not found."


def test_list_resources_paginates_250_resources_exactly_once_each(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    names = [f"group-{n:03d}" for n in range(250)]
    for name in names:
        cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": name})

    pages = list(client.get_paginator("list_resources").paginate(TypeName=LOG_GROUP))

    assert len(pages) >= 2
    assert all(page["TypeName"] == LOG_GROUP for page in pages)
    assert "NextToken" not in pages[-1]
    identifiers = [d["Identifier"] for page in pages for d in page["ResourceDescriptions"]]
    assert sorted(identifiers) == names
    assert len(identifiers) == len(set(identifiers)) == 250
    for page in pages:
        for description in page["ResourceDescriptions"]:
            assert json.loads(description["Properties"])["LogGroupName"] == description["Identifier"]


@pytest.mark.parametrize("bogus", ["bogus", "djE6YWJj"])
def test_list_resources_with_a_next_token_never_given_out_is_invalid_request(
    cloudcontrol: FakeCloudControl, client: Any, bogus: str
) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g"})

    with pytest.raises(ClientError) as excinfo:
        client.list_resources(TypeName=LOG_GROUP, NextToken=bogus)

    assert error_of(excinfo) == (400, "InvalidRequestException", "Invalid NextToken")


def test_list_resources_of_a_type_with_none_is_empty(cloudcontrol: FakeCloudControl, client: Any) -> None:
    answer = client.list_resources(TypeName=LOG_GROUP)

    assert answer["ResourceDescriptions"] == []
    assert "NextToken" not in answer


def test_parent_scoped_list_needs_its_resource_model(cloudcontrol: FakeCloudControl, client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidRequestException) as excinfo:
        client.list_resources(TypeName=NODEGROUP)

    assert error_of(excinfo) == (
        400,
        "InvalidRequestException",
        "Missing or invalid ResourceModel property in AWS::EKS::Nodegroup list handler request "
        "input.Required property: (#: required key [ClusterName] not found)",
    )


def test_parent_scoped_list_returns_only_the_parents_children(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    base = {"NodeRole": "arn:aws:iam::123456789012:role/n", "Subnets": ["subnet-1"]}
    c1 = [
        cloudcontrol.seed_resource(NODEGROUP, {**base, "ClusterName": "c1", "NodegroupName": f"a{n}"})
        for n in range(3)
    ]
    cloudcontrol.seed_resource(NODEGROUP, {**base, "ClusterName": "c2", "NodegroupName": "b"})

    answer = client.list_resources(TypeName=NODEGROUP, ResourceModel=json.dumps({"ClusterName": "c1"}))

    assert sorted(d["Identifier"] for d in answer["ResourceDescriptions"]) == sorted(r.identifier for r in c1)
    # The list handler returns the primary identifier's properties only (a Nodegroup's is its Id).
    assert [json.loads(d["Properties"]) for d in answer["ResourceDescriptions"]] == [
        {"Id": d["Identifier"]} for d in answer["ResourceDescriptions"]
    ]


@pytest.mark.cloudcontrol(accounts={"AKIAOTHERACCOUNT": "210987654321"})
def test_resources_are_isolated_per_region_and_account(cloudcontrol: FakeCloudControl, client: Any) -> None:
    west = boto3.client("cloudcontrol", region_name="us-west-2")
    other_account = boto3.client(
        "cloudcontrol",
        region_name=cloudcontrol.region,
        aws_access_key_id="AKIAOTHERACCOUNT",
        aws_secret_access_key="secret",
    )
    token = create(client, LOG_GROUP, {"LogGroupName": "g"})["RequestToken"]
    status(client, token)

    for other in (west, other_account):
        with pytest.raises(other.exceptions.ResourceNotFoundException):
            other.get_resource(TypeName=LOG_GROUP, Identifier="g")
        assert other.list_resources(TypeName=LOG_GROUP)["ResourceDescriptions"] == []
        with pytest.raises(other.exceptions.RequestTokenNotFoundException):
            other.get_resource_request_status(RequestToken=token)

    # The same name may exist elsewhere independently.
    west_token = create(west, LOG_GROUP, {"LogGroupName": "g", "RetentionInDays": 1})["RequestToken"]
    assert status(west, west_token)["OperationStatus"] == "SUCCESS"
    west_arn = read(west, LOG_GROUP, "g")["Arn"]
    assert ":us-west-2:" in west_arn
    other_token = create(other_account, LOG_GROUP, {"LogGroupName": "g"})["RequestToken"]
    assert status(other_account, other_token)["OperationStatus"] == "SUCCESS"
    assert ":210987654321:" in read(other_account, LOG_GROUP, "g")["Arn"]
    assert "RetentionInDays" not in read(client, LOG_GROUP, "g")

    scopes = sorted((r.account_id, r.region) for r in cloudcontrol.resources)
    assert scopes == [
        ("123456789012", "us-east-1"),
        ("123456789012", "us-west-2"),
        ("210987654321", "us-east-1"),
    ]
    assert cloudcontrol.get_resource(LOG_GROUP, "g", region="us-west-2").properties["RetentionInDays"] == 1


# -- identifiers: a string, or JSON ----------------------------------------------------------------
# [DOC] User guide, "Identifying resources" (and the API reference's Identifier members): "Primary
# identifiers can be specified as a string or JSON; secondary identifiers must be specified as JSON";
# "For compound identifiers specified as JSON, property order is not required".

APPLICATION = "AWS::AppConfig::Application"  # primary [ApplicationId] (read-only), additional [[Name]]
ENVIRONMENT = "AWS::AppConfig::Environment"  # primary [ApplicationId, EnvironmentId], additional
# [[ApplicationId, Name]]


def test_the_types_behind_the_identifier_tests_have_that_shape(cloudcontrol: FakeCloudControl) -> None:
    from pytest_cloudcontrol.resource_types import ResourceTypeCatalog

    application = ResourceTypeCatalog().get(APPLICATION)
    environment = ResourceTypeCatalog().get(ENVIRONMENT)
    assert application is not None
    assert environment is not None
    assert application.primary_identifier == ("/properties/ApplicationId",)
    assert application.additional_identifiers == (("/properties/Name",),)
    assert environment.primary_identifier == ("/properties/ApplicationId", "/properties/EnvironmentId")
    assert environment.additional_identifiers == (("/properties/ApplicationId", "/properties/Name"),)


def _every_operation(client: Any, type_name: str, identifier: str) -> list[str]:
    """GetResource, UpdateResource, DeleteResource by ``identifier``: the Identifier each answers."""
    described = client.get_resource(TypeName=type_name, Identifier=identifier)["ResourceDescription"]
    ops = [{"op": "add", "path": "/Description", "value": "by JSON"}]
    updated = patch(client, type_name, identifier, ops)
    status(client, updated["RequestToken"])
    deleted = client.delete_resource(TypeName=type_name, Identifier=identifier)["ProgressEvent"]
    assert status(client, deleted["RequestToken"])["OperationStatus"] == "SUCCESS"
    return [described["Identifier"], updated["Identifier"], deleted["Identifier"]]


def test_a_primary_identifier_given_as_json_names_the_resource(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    """Answers name the resource by its primary identifier's string form."""
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g"})
    described = client.get_resource(TypeName=LOG_GROUP, Identifier='{"LogGroupName": "g"}')

    assert described["ResourceDescription"]["Identifier"] == "g"
    event = patch(
        client, LOG_GROUP, '{"LogGroupName":"g"}', [{"op": "add", "path": "/RetentionInDays", "value": 7}]
    )
    assert event["Identifier"] == "g"
    assert status(client, event["RequestToken"])["OperationStatus"] == "SUCCESS"
    assert cloudcontrol.get_resource(LOG_GROUP, "g").properties["RetentionInDays"] == 7
    deleted = client.delete_resource(TypeName=LOG_GROUP, Identifier='{ "LogGroupName" : "g" }')
    assert deleted["ProgressEvent"]["Identifier"] == "g"
    assert status(client, deleted["ProgressEvent"]["RequestToken"])["OperationStatus"] == "SUCCESS"
    assert cloudcontrol.resources == []


def test_a_compound_identifier_as_json_may_list_its_keys_in_any_order(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.seed_resource(COMPOUND_TYPE, {"RestApiId": "abc123", "StageName": "prod"})

    for identifier in (
        '{"RestApiId": "abc123", "StageName": "prod"}',
        '{"StageName": "prod", "RestApiId": "abc123"}',
    ):
        described = client.get_resource(TypeName=COMPOUND_TYPE, Identifier=identifier)["ResourceDescription"]
        assert described["Identifier"] == "abc123|prod"
    assert (
        _every_operation(client, COMPOUND_TYPE, '{"StageName": "prod", "RestApiId": "abc123"}')
        == ["abc123|prod"] * 3
    )


def test_a_secondary_identifier_as_json_names_the_resource_by_its_primary_identifier(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.seed_resource(APPLICATION, {"Description": "no name"})
    application_id = cloudcontrol.seed_resource(APPLICATION, {"Name": "shop"}).identifier
    cloudcontrol.seed_resource(APPLICATION, {"Name": "other"})

    assert _every_operation(client, APPLICATION, '{"Name": "shop"}') == [application_id] * 3
    assert [r.properties.get("Name") for r in cloudcontrol.resources] == [None, "other"]


def test_a_compound_secondary_identifier_as_json(cloudcontrol: FakeCloudControl, client: Any) -> None:
    identifier = cloudcontrol.seed_resource(ENVIRONMENT, {"ApplicationId": "app1", "Name": "prod"}).identifier
    cloudcontrol.seed_resource(ENVIRONMENT, {"ApplicationId": "app2", "Name": "prod"})

    named = '{"Name": "prod", "ApplicationId": "app1"}'
    described = client.get_resource(TypeName=ENVIRONMENT, Identifier=named)["ResourceDescription"]

    assert described["Identifier"] == identifier
    assert identifier.startswith("app1|")


def test_a_nested_identifier_as_json_is_named_by_its_path(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    """AWS::SageMaker::Device's primary identifier is /properties/Device/DeviceName.

    [INF] How AWS names a nested identifier property in JSON is not documented: the fake takes its path
    below /properties.
    """
    cloudcontrol.seed_resource(
        "AWS::SageMaker::Device", {"DeviceFleetName": "f", "Device": {"DeviceName": "d"}}
    )

    described = client.get_resource(
        TypeName="AWS::SageMaker::Device", Identifier='{"Device/DeviceName": "d"}'
    )

    assert described["ResourceDescription"]["Identifier"] == "d"


def test_a_write_by_json_waits_for_one_in_flight_by_string(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    """Both name one resource: the second write is a concurrent operation on it."""
    application_id = cloudcontrol.seed_resource(APPLICATION, {"Name": "shop"}).identifier
    cloudcontrol.progression = Progression.manual()
    first = client.delete_resource(TypeName=APPLICATION, Identifier=application_id)["ProgressEvent"]

    with pytest.raises(client.exceptions.ConcurrentOperationException) as excinfo:
        client.delete_resource(TypeName=APPLICATION, Identifier='{"Name": "shop"}')

    assert first["RequestToken"] in error_of(excinfo)[2]


def test_a_secondary_identifier_as_a_string_is_not_found(cloudcontrol: FakeCloudControl, client: Any) -> None:
    """A string is the primary identifier; secondary identifiers "must be specified as JSON"."""
    cloudcontrol.seed_resource(APPLICATION, {"Name": "shop"})

    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_resource(TypeName=APPLICATION, Identifier="shop")


@pytest.mark.parametrize(
    "identifier",
    [
        '{"Name": "nope"}',  # an additional identifier that no resource has
        '{"Name": "shop", "ApplicationId": "x"}',  # two identifiers' keys: "only one identifier"
        '{"Nome": "shop"}',  # no identifier's key
        '{"Name": "shop", "Extra": 1}',  # an extra key
        "{}",  # missing keys
        '{"Name": ',  # not JSON: a string that starts with a brace
        '["shop"]',  # JSON, but not an object
        '{"Name": ' + "[" * 1010,  # too deep for the JSON parser
    ],
)
def test_a_json_identifier_that_names_no_resource_is_not_found(
    cloudcontrol: FakeCloudControl, client: Any, identifier: str
) -> None:
    """Answered as a missing resource is answered: ResourceNotFoundException, or a delete that fails.

    [INF] AWS's answer to keys that are no identifier's is not documented: the fake takes only an exact
    set of keys and answers any other as a resource that does not exist, named as given.
    """
    cloudcontrol.seed_resource(APPLICATION, {"Name": "shop"})
    not_found = f"Resource of type '{APPLICATION}' with identifier '{identifier}' was not found."

    for call in (
        lambda: client.get_resource(TypeName=APPLICATION, Identifier=identifier),
        lambda: patch(client, APPLICATION, identifier, [{"op": "add", "path": "/Description", "value": "d"}]),
    ):
        with pytest.raises(client.exceptions.ResourceNotFoundException) as excinfo:
            call()
        match = HANDLER_TEMPLATE.fullmatch(error_of(excinfo)[2])
        assert match
        assert match["message"] == not_found
    deleted = client.delete_resource(TypeName=APPLICATION, Identifier=identifier)["ProgressEvent"]
    assert deleted["Identifier"] == identifier
    failed = status(client, deleted["RequestToken"])
    assert (failed["OperationStatus"], failed["ErrorCode"], failed["StatusMessage"]) == (
        "FAILED",
        "NotFound",
        not_found,
    )
    assert len(cloudcontrol.resources) == 1


def test_a_primary_identifier_as_json_that_names_no_resource_is_not_found_by_its_string(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException) as excinfo:
        client.get_resource(TypeName=LOG_GROUP, Identifier='{"LogGroupName": "nope"}')

    match = HANDLER_TEMPLATE.fullmatch(error_of(excinfo)[2])
    assert match
    assert match["message"] == f"Resource of type '{LOG_GROUP}' with identifier 'nope' was not found."


# -- the facade's resource helpers -----------------------------------------------------------------


def test_seed_resource_is_visible_through_the_api(cloudcontrol: FakeCloudControl, client: Any) -> None:
    seeded = cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "seeded", "RetentionInDays": 3})

    assert seeded.identifier == "seeded"
    assert seeded.properties["Arn"]  # read-only generated
    properties = read(client, LOG_GROUP, "seeded")
    assert properties == seeded.properties
    # seeded resources can be updated and deleted through the API like any other
    patch(client, LOG_GROUP, "seeded", [{"op": "replace", "path": "/RetentionInDays", "value": 5}])
    assert cloudcontrol.get_resource(LOG_GROUP, "seeded").properties["RetentionInDays"] == 5


def test_seed_resource_with_explicit_identifier_and_scope(cloudcontrol: FakeCloudControl) -> None:
    cloudcontrol.seed_resource(BUCKET, {"BucketName": "b"}, region="eu-west-1")

    with pytest.raises(UnknownResourceError):
        cloudcontrol.get_resource(BUCKET, "b")
    west = boto3.client("cloudcontrol", region_name="eu-west-1")
    assert read(west, BUCKET, "b")["BucketName"] == "b"
    assert cloudcontrol.get_resource(BUCKET, "b", region="eu-west-1").region == "eu-west-1"


def test_get_resource_and_resources_reflect_api_changes(cloudcontrol: FakeCloudControl, client: Any) -> None:
    assert cloudcontrol.resources == []
    create(client, LOG_GROUP, {"LogGroupName": "a"})
    create(client, LOG_GROUP, {"LogGroupName": "b"})

    assert sorted(r.identifier for r in cloudcontrol.resources) == ["a", "b"]
    resource = cloudcontrol.get_resource(LOG_GROUP, "a")
    assert resource.type_name == LOG_GROUP
    assert (resource.account_id, resource.region) == ("123456789012", "us-east-1")
    # copies: changing them changes nothing
    resource.properties["LogGroupName"] = "changed"
    assert cloudcontrol.get_resource(LOG_GROUP, "a").properties["LogGroupName"] == "a"
    with pytest.raises(UnknownResourceError):
        cloudcontrol.get_resource(LOG_GROUP, "zzz")


PRIVATE_TYPE = "MyOrg::Svc::Thing"
PRIVATE_SCHEMA: dict[str, Any] = {
    "typeName": PRIVATE_TYPE,
    "additionalProperties": False,
    "properties": {
        "Name": {"type": "string"},
        "Arn": {"type": "string"},
        "Secret": {"type": "string"},
        "Size": {"type": "integer"},
    },
    "primaryIdentifier": ["/properties/Name"],
    "createOnlyProperties": ["/properties/Name"],
    "readOnlyProperties": ["/properties/Arn"],
    "writeOnlyProperties": ["/properties/Secret"],
    "handlers": {h: {"permissions": []} for h in ("create", "read", "update", "delete", "list")},
}


@pytest.mark.parametrize("how", ["ResourceType", "schema"])
def test_registered_private_type_works_through_the_api(
    cloudcontrol: FakeCloudControl, client: Any, how: str
) -> None:
    with pytest.raises(client.exceptions.TypeNotFoundException):
        client.list_resources(TypeName=PRIVATE_TYPE)
    if how == "ResourceType":
        registered = cloudcontrol.register_type(
            ResourceType(
                type_name=PRIVATE_TYPE,
                primary_identifier=("/properties/Name",),
                create_only=("/properties/Name",),
                read_only=("/properties/Arn",),
                write_only=("/properties/Secret",),
            )
        )
    else:
        registered = cloudcontrol.register_type(PRIVATE_SCHEMA)
    assert registered.type_name == PRIVATE_TYPE

    event = create(client, PRIVATE_TYPE, {"Name": "t1", "Secret": "s", "Size": 1})
    assert event["Identifier"] == "t1"
    assert status(client, event["RequestToken"])["OperationStatus"] == "SUCCESS"
    properties = read(client, PRIVATE_TYPE, "t1")
    assert properties["Name"] == "t1"
    assert properties["Size"] == 1
    assert properties["Arn"].startswith("arn:aws:svc:us-east-1:123456789012:thing/")
    assert "Secret" not in properties
    with pytest.raises(client.exceptions.NotUpdatableException):
        patch(client, PRIVATE_TYPE, "t1", [{"op": "replace", "path": "/Name", "value": "t2"}])
    patch(client, PRIVATE_TYPE, "t1", [{"op": "replace", "path": "/Size", "value": 2}])
    assert read(client, PRIVATE_TYPE, "t1")["Size"] == 2
    # The list handler returns the primary identifier's properties only.
    assert [
        json.loads(d["Properties"])
        for d in client.list_resources(TypeName=PRIVATE_TYPE)["ResourceDescriptions"]
    ] == [{"Name": "t1"}]
    delete_token = client.delete_resource(TypeName=PRIVATE_TYPE, Identifier="t1")["ProgressEvent"][
        "RequestToken"
    ]
    assert status(client, delete_token)["OperationStatus"] == "SUCCESS"
    assert cloudcontrol.resources == []


def test_registered_type_with_fewer_handlers_is_unsupported(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.register_type(
        ResourceType(
            type_name=PRIVATE_TYPE,
            primary_identifier=("/properties/Name",),
            handlers=frozenset({"create", "read"}),
        )
    )

    with pytest.raises(client.exceptions.UnsupportedActionException) as excinfo:
        client.list_resources(TypeName=PRIVATE_TYPE)
    assert error_of(excinfo)[2] == f"Resource type {PRIVATE_TYPE} does not support LIST action"


# -- DesiredState validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "item"),
    [
        ({"LogGroupName": "g", "Nope": 1}, "#: extraneous key [Nope] is not permitted"),
        ({"LogGroupName": 5}, "#/LogGroupName: expected type: String, found: Integer"),
    ],
)
def test_validate_desired_state_rejects_bad_models(
    cloudcontrol: FakeCloudControl, client: Any, state: dict[str, Any], item: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(client, LOG_GROUP, state)

    assert error_of(excinfo) == (400, "ValidationException", f"Model validation failed ({item})")
    # The framework validator's error: its own namespace, lowercase "message".
    assert cloudcontrol.calls[-1].response == {
        "__type": "com.amazon.coral.validate#ValidationException",
        "message": f"Model validation failed ({item})",
    }
    assert cloudcontrol.requests == []


def test_validate_desired_state_accepts_a_valid_model(cloudcontrol: FakeCloudControl, client: Any) -> None:
    event = create(client, LOG_GROUP, {"LogGroupName": "g", "RetentionInDays": 7})
    assert status(client, event["RequestToken"])["OperationStatus"] == "SUCCESS"


@pytest.mark.cloudcontrol(validate_desired_state=False)
def test_without_validation_extraneous_keys_are_accepted(cloudcontrol: FakeCloudControl, client: Any) -> None:
    event = create(client, LOG_GROUP, {"LogGroupName": "g", "Nope": 1})
    assert status(client, event["RequestToken"])["OperationStatus"] == "SUCCESS"


def test_validate_desired_state_uses_a_registered_schema(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.register_type(PRIVATE_SCHEMA)

    with pytest.raises(ClientError) as excinfo:
        create(client, PRIVATE_TYPE, {"Name": "t", "Size": "big", "Extra": True})

    assert error_of(excinfo)[2] == (
        "Model validation failed (#: extraneous key [Extra] is not permitted\n"
        "#/Size: expected type: Integer, found: String)"
    )


def _nested(name: str, levels: int) -> dict[str, Any]:
    """A DesiredState that nests ``levels`` levels deep: the object, then lists, the innermost empty."""
    inner: list[Any] = []
    for _ in range(levels - 2):
        inner = [inner]
    return {"LogGroupName": name, "Deep": inner}


@pytest.mark.cloudcontrol(validate_desired_state=False)  # "Deep" is no LogGroup property; depth is the point
def test_desired_state_may_nest_100_levels_deep_but_not_101(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    event = create(client, LOG_GROUP, _nested("deep", 100))
    assert status(client, event["RequestToken"])["OperationStatus"] == "SUCCESS"

    with pytest.raises(ClientError) as excinfo:
        create(client, LOG_GROUP, _nested("deeper", 101))

    assert error_of(excinfo)[:2] == (400, "ValidationException")
    assert [r.identifier for r in cloudcontrol.resources] == ["deep"]


# -- cancelling a create ---------------------------------------------------------------------------


def test_cancelled_create_makes_no_resource_by_default(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.progression = Progression.manual()
    token = create(client, LOG_GROUP, {"LogGroupName": "g"})["RequestToken"]

    assert client.cancel_resource_request(RequestToken=token)["ProgressEvent"]["OperationStatus"] == (
        "CANCEL_IN_PROGRESS"
    )
    assert status(client, token)["OperationStatus"] == "CANCEL_COMPLETE"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_resource(TypeName=LOG_GROUP, Identifier="g")
    assert cloudcontrol.resources == []
    # the identifier is free again
    cloudcontrol.progression = Progression.immediate()
    again = create(client, LOG_GROUP, {"LogGroupName": "g"})
    assert status(client, again["RequestToken"])["OperationStatus"] == "SUCCESS"


@pytest.mark.cloudcontrol(cancel_applies_change=True, progression=Progression.manual())
def test_cancelled_create_may_still_create_when_configured(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    token = create(client, LOG_GROUP, {"LogGroupName": "g"})["RequestToken"]

    client.cancel_resource_request(RequestToken=token)

    assert status(client, token)["OperationStatus"] == "CANCEL_COMPLETE"
    assert read(client, LOG_GROUP, "g")["LogGroupName"] == "g"
    assert [r.identifier for r in cloudcontrol.resources] == ["g"]


def test_cancel_applies_change_constructor_option() -> None:
    with FakeCloudControl(cancel_applies_change=True, progression=Progression.manual()) as fake:
        client = fake.client()
        token = create(client, LOG_GROUP, {"LogGroupName": "g"})["RequestToken"]
        client.cancel_resource_request(RequestToken=token)
        assert status(client, token)["OperationStatus"] == "CANCEL_COMPLETE"
        assert fake.get_resource(LOG_GROUP, "g").identifier == "g"


def test_cancelled_delete_keeps_the_resource_by_default(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g"})
    cloudcontrol.progression = Progression.manual()
    token = client.delete_resource(TypeName=LOG_GROUP, Identifier="g")["ProgressEvent"]["RequestToken"]

    client.cancel_resource_request(RequestToken=token)

    assert status(client, token)["OperationStatus"] == "CANCEL_COMPLETE"
    assert read(client, LOG_GROUP, "g")["LogGroupName"] == "g"


@pytest.mark.parametrize(
    "ops",
    [
        [{"op": "replace", "path": "/RetentionInDays", "value": 30}],
        [{"op": "replace", "path": "/Tags/0/Value", "value": "one"}],
        [{"op": "move", "from": "/Tags/0", "path": "/Tags/1"}],
    ],
    ids=["top-level", "nested", "nested-move"],
)
def test_cancelled_update_leaves_the_resource_as_it_was(
    cloudcontrol: FakeCloudControl, client: Any, ops: list[dict[str, Any]]
) -> None:
    tags = [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g", "RetentionInDays": 7, "Tags": tags})
    before = read(client, LOG_GROUP, "g")
    cloudcontrol.progression = Progression.manual()
    token = patch(client, LOG_GROUP, "g", ops)["RequestToken"]

    client.cancel_resource_request(RequestToken=token)

    assert status(client, token)["OperationStatus"] == "CANCEL_COMPLETE"
    assert read(client, LOG_GROUP, "g") == before
    assert cloudcontrol.get_resource(LOG_GROUP, "g").properties == before


def test_request_tokens_are_fresh_uuids(cloudcontrol: FakeCloudControl, client: Any) -> None:
    tokens = {create(client, LOG_GROUP, {"LogGroupName": f"g{n}"})["RequestToken"] for n in range(20)}
    assert len(tokens) == 20
    assert all(str(uuid.UUID(token)) == token for token in tokens)


# -- found while testing ---------------------------------------------------------------------------


def test_nested_write_only_property_is_left_out_of_reads(cloudcontrol: FakeCloudControl, client: Any) -> None:
    # AWS::IAM::User: /properties/LoginProfile/Password is write-only, the rest of LoginProfile is not.
    state = {"UserName": "u", "LoginProfile": {"Password": "hunter2", "PasswordResetRequired": True}}
    status(client, create(client, "AWS::IAM::User", state)["RequestToken"])

    assert read(client, "AWS::IAM::User", "u")["LoginProfile"] == {"PasswordResetRequired": True}
    assert (
        cloudcontrol.get_resource("AWS::IAM::User", "u").properties["LoginProfile"]["Password"] == "hunter2"
    )


def test_patch_of_read_only_property_is_rejected(cloudcontrol: FakeCloudControl, client: Any) -> None:
    arn = cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g"}).properties["Arn"]

    with pytest.raises(ClientError) as excinfo:
        patch(client, LOG_GROUP, "g", [{"op": "add", "path": "/Arn", "value": arn + "-changed"}])

    assert error_of(excinfo) == (
        400,
        "ValidationException",
        "Invalid patch update: readOnlyProperties [/properties/Arn] cannot be updated",
    )
    assert cloudcontrol.requests == []
    assert cloudcontrol.get_resource(LOG_GROUP, "g").properties["Arn"] == arn


def test_patch_cannot_desynchronise_identifier_and_properties(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    nodegroup = cloudcontrol.seed_resource(
        NODEGROUP, {"ClusterName": "c1", "NodeRole": "r", "Subnets": ["s"], "NodegroupName": "n"}
    )
    try:
        token = patch(
            client, NODEGROUP, nodegroup.identifier, [{"op": "replace", "path": "/Id", "value": "zzz"}]
        )["RequestToken"]
        status(client, token)
    except ClientError:
        pass
    assert read(client, NODEGROUP, nodegroup.identifier)["Id"] == nodegroup.identifier


def test_update_while_create_in_flight_is_concurrent_operation(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.progression = Progression.manual()
    token = create(client, LOG_GROUP, {"LogGroupName": "g"})["RequestToken"]

    with pytest.raises(client.exceptions.ConcurrentOperationException) as excinfo:
        patch(client, LOG_GROUP, "g", [{"op": "add", "path": "/RetentionInDays", "value": 1}])

    match = IN_FLIGHT.search(error_of(excinfo)[2])
    assert match
    assert match.group(1) == token


# -- how deep a document may nest ------------------------------------------------------------------
# A document's depth counts every container and scalar on the way down: ``{"a": []}`` is 2 levels.


def _lists(levels: int) -> str:
    """Empty lists nested ``levels`` deep, written as compactly as JSON allows."""
    return "[" * levels + "]" * levels


@pytest.mark.cloudcontrol(validate_desired_state=False)  # "Deep" is no LogGroup property; depth is the point
@pytest.mark.parametrize("member", ["DesiredState", "ResourceModel"])
def test_a_document_of_100_levels_is_accepted(
    cloudcontrol: FakeCloudControl, client: Any, member: str
) -> None:
    document = '{"LogGroupName":"g","Deep":' + _lists(99) + "}"  # the object, then 99 lists

    if member == "DesiredState":
        event = client.create_resource(TypeName=LOG_GROUP, DesiredState=document)["ProgressEvent"]
        assert status(client, event["RequestToken"])["OperationStatus"] == "SUCCESS"
        assert json.loads(document) == {
            key: value for key, value in read(client, LOG_GROUP, "g").items() if key != "Arn"
        }
    else:
        answer = client.list_resources(TypeName=LOG_GROUP, ResourceModel=document)
        assert answer["ResourceDescriptions"] == []


@pytest.mark.parametrize("member", ["DesiredState", "ResourceModel"])
def test_a_document_of_101_levels_is_a_validation_exception(
    cloudcontrol: FakeCloudControl, client: Any, member: str
) -> None:
    document = '{"LogGroupName":"g","Deep":' + _lists(100) + "}"

    send = client.create_resource if member == "DesiredState" else client.list_resources

    with pytest.raises(ClientError) as excinfo:
        send(TypeName=LOG_GROUP, **{member: document})

    assert error_of(excinfo) == (
        400,
        "ValidationException",
        f"Model validation failed (#: {member} nests deeper than 100 levels)",
    )
    assert cloudcontrol.requests == []


@pytest.mark.cloudcontrol(validate_desired_state=False)  # "Deep" is no LogGroup property; depth is the point
def test_a_patch_value_of_100_levels_is_accepted(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g"})
    document = '[{"op":"add","path":"/Deep","value":' + _lists(100) + "}]"

    event = client.update_resource(TypeName=LOG_GROUP, Identifier="g", PatchDocument=document)[
        "ProgressEvent"
    ]

    assert status(client, event["RequestToken"])["OperationStatus"] == "SUCCESS"
    assert read(client, LOG_GROUP, "g")["Deep"] == json.loads(_lists(100))


def test_a_patch_value_of_101_levels_is_a_validation_exception(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g"})
    document = '[{"op":"add","path":"/Deep","value":' + _lists(101) + "}]"

    with pytest.raises(ClientError) as excinfo:
        client.update_resource(TypeName=LOG_GROUP, Identifier="g", PatchDocument=document)

    assert error_of(excinfo) == (
        400,
        "ValidationException",
        "Invalid patch document: nests deeper than 100 levels",
    )
    assert cloudcontrol.requests == []
    assert "Deep" not in read(client, LOG_GROUP, "g")
