"""Model validation, list handlers and handler texts as AWS's resource level answers them, by default.

Evidence: LocalStack's AWS-validated snapshots of 2023-02-01
(``tests/aws/services/cloudcontrol/test_cloudcontrol_api.snapshot.json`` in localstack/localstack)
recorded ``Model validation failed (#/BucketName: expected type: String, found: Boolean)``, ``(#:
extraneous key [DOESNOTEXIST] is not permitted)``, a ListResources of S3 buckets showing only
``BucketName``, and S3's handler texts ``Bucket not found`` and ``The bucket Already Exists``. The
other texts are in ``/work/shared/reference/cloudcontrol-behaviour.md`` ([OBS]).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pytest_cloudcontrol import CloudControlUsageError, FakeCloudControl, Progression, ResourceType

BUCKET = "AWS::S3::Bucket"
LOG_GROUP = "AWS::Logs::LogGroup"
QUEUE = "AWS::SQS::Queue"
ROLE = "AWS::IAM::Role"
TRUST = {"Version": "2012-10-17", "Statement": []}


def create(client: Any, type_name: str, state: dict[str, Any]) -> dict[str, Any]:
    event: dict[str, Any] = client.create_resource(TypeName=type_name, DesiredState=json.dumps(state))[
        "ProgressEvent"
    ]
    return event


def refusal(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response = excinfo.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


# -- CreateResource ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_name", "state", "message"),
    [
        (
            BUCKET,
            {"BucketName": True},
            "Model validation failed (#/BucketName: expected type: String, found: Boolean)",
        ),
        (
            BUCKET,
            {"DOESNOTEXIST": 1},
            "Model validation failed (#: extraneous key [DOESNOTEXIST] is not permitted)",
        ),
        (
            ROLE,
            {"RoleName": "r"},
            "Model validation failed (#: required key [AssumeRolePolicyDocument] not found)",
        ),
        (
            LOG_GROUP,
            {"LogGroupName": ""},
            "Model validation failed (#/LogGroupName: expected minLength: 1\n"
            "#/LogGroupName: failed validation constraint for keyword [pattern])",
        ),
    ],
)
def test_a_model_that_breaks_the_schema_is_refused_by_default(
    cloudcontrol: FakeCloudControl, client: Any, type_name: str, state: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(client, type_name, state)

    assert refusal(excinfo) == (400, "ValidationException", message)
    # The framework validator's error: its own namespace, lower-case "message".
    assert cloudcontrol.calls[-1].response == {
        "__type": "com.amazon.coral.validate#ValidationException",
        "message": message,
    }
    assert cloudcontrol.requests == []
    assert cloudcontrol.resources == []


def test_every_violation_is_listed_one_per_line(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(client, BUCKET, {"BucketName": 7, "Colour": "red", "Tags": {"Key": "k"}})

    assert refusal(excinfo)[2] == (
        "Model validation failed (#: extraneous key [Colour] is not permitted\n"
        "#/BucketName: expected type: String, found: Integer\n"
        "#/Tags: expected type: JSONArray, found: JSONObject)"
    )


def test_a_valid_model_is_created(client: Any) -> None:
    event = create(client, ROLE, {"RoleName": "app", "AssumeRolePolicyDocument": TRUST})
    assert event["OperationStatus"] == "IN_PROGRESS"
    assert client.get_resource(TypeName=ROLE, Identifier="app")["ResourceDescription"]["Identifier"] == "app"


@pytest.mark.cloudcontrol(validate_desired_state=False)
def test_validation_can_be_turned_off(cloudcontrol: FakeCloudControl, client: Any) -> None:
    create(client, BUCKET, {"BucketName": "true", "Colour": "red"})
    assert [r.identifier for r in cloudcontrol.resources] == ["true"]


# -- UpdateResource ---------------------------------------------------------------------------------


def test_an_update_is_checked_as_the_patched_model(cloudcontrol: FakeCloudControl, client: Any) -> None:
    queue = cloudcontrol.seed_resource(QUEUE, {"QueueName": "jobs", "DelaySeconds": 0})
    patch = json.dumps([{"op": "replace", "path": "/DelaySeconds", "value": "soon"}])

    with pytest.raises(ClientError) as excinfo:
        client.update_resource(TypeName=QUEUE, Identifier=queue.identifier, PatchDocument=patch)

    assert refusal(excinfo) == (
        400,
        "ValidationException",
        "Model validation failed (#/DelaySeconds: expected type: Integer, found: String)",
    )
    assert cloudcontrol.requests == []
    assert cloudcontrol.get_resource(QUEUE, queue.identifier).properties["DelaySeconds"] == 0


def test_an_update_does_not_check_the_handlers_read_only_values(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    # Arn and QueueUrl are read-only: the handler's values, whatever they look like, are not the caller's.
    cloudcontrol.seed_resource(QUEUE, {"QueueName": "jobs", "QueueUrl": "q", "Arn": 5})
    patch = json.dumps([{"op": "add", "path": "/DelaySeconds", "value": 30}])

    event = client.update_resource(TypeName=QUEUE, Identifier="q", PatchDocument=patch)["ProgressEvent"]

    assert (
        client.get_resource_request_status(RequestToken=event["RequestToken"])["ProgressEvent"][
            "OperationStatus"
        ]
        == "SUCCESS"
    )
    assert cloudcontrol.get_resource(QUEUE, "q").properties["DelaySeconds"] == 30


# -- ListResources ----------------------------------------------------------------------------------


def test_list_returns_what_the_list_handler_returns(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.seed_resource(
        BUCKET, {"BucketName": "logs", "VersioningConfiguration": {"Status": "Enabled"}}
    )
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "app", "RetentionInDays": 7})

    buckets = client.list_resources(TypeName=BUCKET)["ResourceDescriptions"]
    groups = client.list_resources(TypeName=LOG_GROUP)["ResourceDescriptions"]

    assert buckets == [{"Identifier": "logs", "Properties": '{"BucketName":"logs"}'}]
    assert groups == [{"Identifier": "app", "Properties": '{"LogGroupName":"app"}'}]
    # GetResource still reads every property.
    properties = json.loads(
        client.get_resource(TypeName=BUCKET, Identifier="logs")["ResourceDescription"]["Properties"]
    )
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}


def test_page_size_is_the_handlers(cloudcontrol: FakeCloudControl, client: Any) -> None:
    for index in range(1001):
        cloudcontrol.seed_resource(BUCKET, {"BucketName": f"bucket-{index:04}"})
        cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": f"group-{index:04}"})

    buckets = client.list_resources(
        TypeName=BUCKET, MaxResults=10
    )  # MaxResults is ignored, as AWS ignores it
    groups = client.list_resources(TypeName=LOG_GROUP)

    assert len(buckets["ResourceDescriptions"]) == 1000
    assert "NextToken" in buckets
    assert len(groups["ResourceDescriptions"]) == 100
    pages = client.get_paginator("list_resources").paginate(TypeName=BUCKET)
    assert sum(len(page["ResourceDescriptions"]) for page in pages) == 1001


# -- handler texts ----------------------------------------------------------------------------------


def test_s3_says_what_s3_says(cloudcontrol: FakeCloudControl, client: Any) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException) as excinfo:
        client.get_resource(TypeName=BUCKET, Identifier="missing")
    message = refusal(excinfo)[2]
    assert message.startswith(
        "AWS::S3::Bucket Handler returned status FAILED: Bucket not found "
        "(HandlerErrorCode: NotFound, RequestToken: "
    )

    cloudcontrol.seed_resource(BUCKET, {"BucketName": "taken"})
    token = create(client, BUCKET, {"BucketName": "taken"})["RequestToken"]
    event = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
    assert (event["OperationStatus"], event["ErrorCode"], event["StatusMessage"]) == (
        "FAILED",
        "AlreadyExists",
        "The bucket Already Exists",
    )


def test_other_types_keep_cloudformations_generic_texts(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.progression = Progression.immediate()
    token = client.delete_resource(TypeName=LOG_GROUP, Identifier="gone")["ProgressEvent"]["RequestToken"]
    event = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
    assert (
        event["StatusMessage"]
        == "Resource of type 'AWS::Logs::LogGroup' with identifier 'gone' was not found."
    )


# -- a registered type's own handler knowledge ------------------------------------------------------

THING = "Acme::Svc::Thing"
# A registry schema's handlers: the type supports every operation.
HANDLERS: dict[str, Any] = {
    name: {"permissions": []} for name in ("create", "read", "update", "delete", "list")
}


def test_a_registered_type_lists_pages_and_fails_in_its_own_words(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.register_type(
        ResourceType(
            type_name=THING,
            primary_identifier=("/properties/Name",),
            read_only=("/properties/Arn",),
            list_properties=("Name", "Size"),
            list_page_size=2,
            handler_messages={
                "NotFound": "No thing called {identifier}",
                "AlreadyExists": "{type_name} taken",
            },
            formats={"Arn": "arn:{partition}:svc:{region}:{account}:thing/{Name}"},
        )
    )
    for index in range(3):
        create(client, THING, {"Name": f"t{index}", "Size": index, "Colour": "red"})

    first = client.list_resources(TypeName=THING)
    assert [json.loads(d["Properties"]) for d in first["ResourceDescriptions"]] == [
        {"Name": "t0", "Size": 0},
        {"Name": "t1", "Size": 1},
    ]
    rest = client.list_resources(TypeName=THING, NextToken=first["NextToken"])["ResourceDescriptions"]
    assert [d["Identifier"] for d in rest] == ["t2"]
    properties = json.loads(
        client.get_resource(TypeName=THING, Identifier="t0")["ResourceDescription"]["Properties"]
    )
    assert properties["Arn"] == "arn:aws:svc:us-east-1:123456789012:thing/t0"

    with pytest.raises(client.exceptions.ResourceNotFoundException) as excinfo:
        client.get_resource(TypeName=THING, Identifier="nope")
    assert (
        "Handler returned status FAILED: No thing called nope (HandlerErrorCode: NotFound"
        in refusal(excinfo)[2]
    )
    token = create(client, THING, {"Name": "t0"})["RequestToken"]
    event = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
    assert (event["ErrorCode"], event["StatusMessage"]) == ("AlreadyExists", f"{THING} taken")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"list_page_size": 0}, "list_page_size must be a positive int, got 0"),
        ({"list_page_size": 2.5}, "list_page_size must be a positive int, got 2.5"),
        ({"handler_messages": {"Missing": "x"}}, "handler_messages maps HandlerErrorCode names"),
        ({"handler_messages": {"NotFound": 1}}, "handler_messages maps HandlerErrorCode names"),
    ],
)
def test_bad_handler_knowledge_is_a_usage_error(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(CloudControlUsageError, match=message):
        ResourceType(type_name=THING, primary_identifier=("/properties/Name",), **arguments)


# -- found types and registered schemas -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "found"),
    [(None, "Null"), (1.5, "Number"), ([], "JSONArray"), ({}, "JSONObject"), (False, "Boolean")],
)
def test_the_found_type_is_named_as_aws_names_it(client: Any, value: Any, found: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(client, BUCKET, {"BucketName": value})

    assert refusal(excinfo)[2] == (
        f"Model validation failed (#/BucketName: expected type: String, found: {found})"
    )


def register(cloudcontrol: FakeCloudControl, properties: dict[str, Any], **schema: Any) -> None:
    """Register THING from a registry schema: ``Name`` (its identifier) and ``properties``, no others."""
    cloudcontrol.register_type(
        {
            "typeName": THING,
            "properties": {"Name": {"type": "string"}, **properties},
            "additionalProperties": False,
            "primaryIdentifier": ["/properties/Name"],
            "handlers": HANDLERS,
            **schema,
        }
    )


def outcome(client: Any, state: dict[str, Any]) -> str:
    """What a create of THING with ``state`` gets: the refusal's message, or "accepted"."""
    try:
        create(client, THING, {"Name": "n", **state})
    except ClientError as error:
        return str(error.response["Error"]["Message"])
    return "accepted"


def test_pattern_properties_use_java_anchors_and_leave_out_what_cannot_compile(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    labels = {
        "type": "object",
        # \A and \Z are Java's start and end of input; the inline flag after the start cannot compile.
        "patternProperties": {r"\A[a-z]+\Z": {"type": "string"}, r"^(?s)[A-Z]+$": {"type": "integer"}},
        "additionalProperties": False,
    }
    register(cloudcontrol, {"Labels": labels})

    assert outcome(client, {"Labels": {"abc": "x"}}) == "accepted"
    assert outcome(client, {"Labels": {"abc": 1}}) == (
        "Model validation failed (#/Labels/abc: expected type: String, found: Integer)"
    )
    assert outcome(client, {"Labels": {"ABC": 1}}) == (
        "Model validation failed (#/Labels: extraneous key [ABC] is not permitted)"
    )


@pytest.mark.parametrize(
    ("subschema", "value", "message"),
    [
        # allOf keeps a branch that lost every constraint (cfn-lint's format): the others still hold.
        ({"type": "string", "allOf": [{"format": "uri"}, {"maxLength": 3}]}, "abcd", "expected maxLength: 3"),
        # oneOf of two formats: both become {"type": "string"}, so the oneOf is dropped, not failed.
        ({"oneOf": [{"type": "string", "format": "a"}, {"type": "string", "format": "b"}]}, "x", None),
        ({"oneOf": [{"type": "string", "format": "a"}, {"type": "string", "format": "b"}]}, 5, None),
        # A pattern left out (an inline flag after the start) takes no other constraint with it.
        ({"type": "string", "pattern": "^(?s).+$", "maxLength": 3}, "abcd", "expected maxLength: 3"),
        # An enum that lists a value twice still holds.
        ({"enum": ["on", "off", "on"]}, "auto", "failed validation constraint for keyword [enum]"),
        # Boolean subschemas are kept as they are.
        ({"allOf": [True, {"maxLength": 3}]}, "abcd", "expected maxLength: 3"),
        (True, ["anything"], None),
    ],
)
def test_a_registered_schema_keeps_its_constraints(
    cloudcontrol: FakeCloudControl, client: Any, subschema: Any, value: Any, message: str | None
) -> None:
    register(cloudcontrol, {"Value": subschema})

    expected = "accepted" if message is None else f"Model validation failed (#/Value: {message})"
    assert outcome(client, {"Value": value}) == expected


def test_a_recursive_definition_is_checked_at_every_depth(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    node = {
        "type": "object",
        "properties": {"Value": {"type": "integer"}, "Child": {"$ref": "#/definitions/Node"}},
        "additionalProperties": False,
    }
    register(cloudcontrol, {"Tree": {"$ref": "#/definitions/Node"}}, definitions={"Node": node})

    assert outcome(client, {"Tree": {"Child": {"Child": {"Value": 1}}}}) == "accepted"
    assert outcome(client, {"Tree": {"Child": {"Child": {"Value": "x"}}}}) == (
        "Model validation failed (#/Tree/Child/Child/Value: expected type: Integer, found: String)"
    )


def test_a_read_only_property_inside_array_items_is_not_required(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    item = {
        "type": "object",
        "properties": {"Id": {"type": "string"}, "Label": {"type": "string"}},
        "required": ["Id", "Label"],
    }
    register(
        cloudcontrol,
        {"Items": {"type": "array", "items": item}},
        readOnlyProperties=["/properties/Items/*/Id"],
    )

    assert outcome(client, {"Items": [{"Label": "a"}]}) == "accepted"
    assert outcome(client, {"Items": [{"Label": "a"}, {}]}) == (
        "Model validation failed (#/Items/1: required key [Label] not found)"
    )


def test_a_schema_without_properties_still_leaves_read_only_ones_to_the_handler(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.register_type(
        {
            "typeName": THING,
            "primaryIdentifier": ["/properties/Id"],
            "readOnlyProperties": ["/properties/Id"],
            "required": ["Id"],
            "handlers": HANDLERS,
        }
    )

    token = create(client, THING, {})["RequestToken"]

    event = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
    assert event["OperationStatus"] == "SUCCESS"
    assert [r.identifier for r in cloudcontrol.resources] == [event["Identifier"]]


def test_formats_are_never_checked_even_in_a_hand_written_validation_schema(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.register_type(
        ResourceType(
            type_name=THING,
            primary_identifier=("/properties/Name",),
            validation_schema={"properties": {"Url": {"type": "string", "format": "uri"}}},
        )
    )

    assert outcome(client, {"Url": "not a uri"}) == "accepted"
    assert outcome(client, {"Url": 5}) == (
        "Model validation failed (#/Url: expected type: String, found: Integer)"
    )
