"""Values a create makes up (read-only properties, generated identifiers) in each service's real format.

User code parses them (an ARN in an IAM policy, a QueueUrl handed to an SQS client), so the user-level
tests read them back through a real boto3 client; the unit tests below cover the template language
of the ``formats`` (``pytest_cloudcontrol.generated_values``) and check every bundled type's values
against the type's own schema.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

from pytest_cloudcontrol import FakeCloudControl, ResourceType
from pytest_cloudcontrol.generated_values import ValueFormat, default_format, scope_of
from pytest_cloudcontrol.resource_types import ResourceTypeCatalog, bundled_type_names
from pytest_cloudcontrol.schema_validation import compile_validator

REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE_ARN = "arn:aws:iam::123456789012:role/lambda"
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
NEW_YEAR = datetime(2024, 1, 1, tzinfo=timezone.utc)


def created(client: Any, type_name: str, state: dict[str, Any]) -> dict[str, Any]:
    """Create a resource, wait for it, and return what GetResource reads back (the identifier too)."""
    token = client.create_resource(TypeName=type_name, DesiredState=json.dumps(state))["ProgressEvent"][
        "RequestToken"
    ]
    event = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
    assert event["OperationStatus"] == "SUCCESS", event
    answer = client.get_resource(TypeName=type_name, Identifier=event["Identifier"])
    properties: dict[str, Any] = json.loads(answer["ResourceDescription"]["Properties"])
    return {"Identifier": event["Identifier"], **properties}


def bundled(type_name: str) -> ResourceType:
    """The bundled metadata of an AWS type that must exist."""
    resource_type = ResourceTypeCatalog().get(type_name)
    assert resource_type is not None
    return resource_type


# -- through the API -----------------------------------------------------------------------------


def test_s3_bucket_arn_has_no_region_or_account_and_domain_names_are_s3s(
    cloudcontrol: FakeCloudControl,
) -> None:
    bucket = created(
        cloudcontrol.client(region_name="eu-west-1"), "AWS::S3::Bucket", {"BucketName": "my-bucket"}
    )

    assert bucket["Arn"] == "arn:aws:s3:::my-bucket"
    assert bucket["DomainName"] == "my-bucket.s3.amazonaws.com"
    assert bucket["RegionalDomainName"] == "my-bucket.s3.eu-west-1.amazonaws.com"
    assert bucket["DualStackDomainName"] == "my-bucket.s3.dualstack.eu-west-1.amazonaws.com"
    assert bucket["WebsiteURL"] == "http://my-bucket.s3-website-eu-west-1.amazonaws.com"


def test_iam_role_arn_has_no_region_and_holds_the_path(client: Any) -> None:
    trust = {"Version": "2012-10-17", "Statement": []}
    role = created(
        client, "AWS::IAM::Role", {"RoleName": "app", "Path": "/service/", "AssumeRolePolicyDocument": trust}
    )
    unnamed = created(client, "AWS::IAM::Role", {"AssumeRolePolicyDocument": trust})

    assert role["Arn"] == "arn:aws:iam::123456789012:role/service/app"
    assert re.fullmatch(r"AROA[A-Z0-9]{17}", role["RoleId"])
    assert unnamed["Path"] == "/"
    assert unnamed["Arn"] == f"arn:aws:iam::123456789012:role/{unnamed['RoleName']}"
    assert unnamed["RoleId"] != role["RoleId"]


def test_log_group_arn_ends_in_the_name_and_a_star(client: Any) -> None:
    group = created(client, "AWS::Logs::LogGroup", {"LogGroupName": "/app/web"})

    assert group["Arn"] == "arn:aws:logs:us-east-1:123456789012:log-group:/app/web:*"


def test_lambda_function_arn_names_the_function(client: Any) -> None:
    state = {"FunctionName": "handler", "Role": ROLE_ARN, "Code": {"ZipFile": "def h(e, c): pass"}}
    function = created(client, "AWS::Lambda::Function", state)

    assert function["Arn"] == "arn:aws:lambda:us-east-1:123456789012:function:handler"


def test_sqs_queue_url_is_the_identifier_and_the_arn_names_the_queue(client: Any) -> None:
    queue = created(client, "AWS::SQS::Queue", {"QueueName": "orders"})

    assert (
        queue["Identifier"] == queue["QueueUrl"] == "https://sqs.us-east-1.amazonaws.com/123456789012/orders"
    )
    assert queue["Arn"] == "arn:aws:sqs:us-east-1:123456789012:orders"


def test_sqs_makes_up_a_missing_queue_name_fifo_ones_ending_in_fifo(client: Any) -> None:
    standard = created(client, "AWS::SQS::Queue", {})
    fifo = created(client, "AWS::SQS::Queue", {"FifoQueue": True})

    assert standard["QueueUrl"] == f"https://sqs.us-east-1.amazonaws.com/123456789012/{standard['QueueName']}"
    assert standard["Arn"] == f"arn:aws:sqs:us-east-1:123456789012:{standard['QueueName']}"
    assert not standard["QueueName"].endswith(".fifo")
    assert fifo["QueueName"].endswith(".fifo")
    assert fifo["QueueUrl"].endswith(f"/{fifo['QueueName']}")


def test_sns_topic_arn_is_the_identifier_and_ends_in_the_topic_name(client: Any) -> None:
    topic = created(client, "AWS::SNS::Topic", {"TopicName": "alerts"})

    assert topic["Identifier"] == topic["TopicArn"] == "arn:aws:sns:us-east-1:123456789012:alerts"


@pytest.mark.parametrize(
    ("type_name", "state", "prefix"),
    [
        ("AWS::EC2::VPC", {"CidrBlock": "10.0.0.0/16"}, "vpc"),
        ("AWS::EC2::Subnet", {"VpcId": "vpc-0123456789abcdef0", "CidrBlock": "10.0.0.0/24"}, "subnet"),
        ("AWS::EC2::SecurityGroup", {"GroupDescription": "web"}, "sg"),
        ("AWS::EC2::InternetGateway", {}, "igw"),
        ("AWS::EC2::RouteTable", {"VpcId": "vpc-0123456789abcdef0"}, "rtb"),
        ("AWS::EC2::NatGateway", {"SubnetId": "subnet-0123456789abcdef0"}, "nat"),
        ("AWS::EC2::Instance", {"ImageId": "ami-0123456789abcdef0"}, "i"),
        ("AWS::EC2::LaunchTemplate", {"LaunchTemplateData": {}}, "lt"),
        (
            "AWS::EC2::VPCEndpoint",
            {"VpcId": "vpc-0123456789abcdef0", "ServiceName": "com.amazonaws.s3"},
            "vpce",
        ),
        ("AWS::EC2::Volume", {"AvailabilityZone": "us-east-1a", "Size": 8}, "vol"),
    ],
)
def test_ec2_ids_are_their_prefix_and_17_hex_digits(
    client: Any, type_name: str, state: dict[str, Any], prefix: str
) -> None:
    resource = created(client, type_name, state)

    assert re.fullmatch(rf"{prefix}-[0-9a-f]{{17}}", resource["Identifier"])


def test_ec2_instance_addresses_and_state_look_real(client: Any) -> None:
    instance = created(client, "AWS::EC2::Instance", {"ImageId": "ami-0123456789abcdef0"})

    assert re.fullmatch(r"172\.31\.\d{1,3}\.\d{1,3}", instance["PrivateIp"])
    assert re.fullmatch(r"vpc-[0-9a-f]{17}", instance["VpcId"])
    assert instance["State"] == {"Code": "16", "Name": "running"}


def test_security_group_id_is_its_group_id(client: Any) -> None:
    group = created(client, "AWS::EC2::SecurityGroup", {"GroupDescription": "web"})

    assert group["Identifier"] == group["Id"] == group["GroupId"]


def test_kms_key_id_is_a_uuid_and_the_arn_ends_in_it(client: Any) -> None:
    key = created(client, "AWS::KMS::Key", {})

    assert UUID4.fullmatch(key["KeyId"])
    assert key["Arn"] == f"arn:aws:kms:us-east-1:123456789012:key/{key['KeyId']}"


@pytest.mark.cloudcontrol(start_time=NEW_YEAR)
def test_dynamodb_stream_arn_only_when_a_stream_is_configured(client: Any) -> None:
    keys = {
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    plain = created(client, "AWS::DynamoDB::Table", {"TableName": "plain", **keys})
    streamed = created(
        client,
        "AWS::DynamoDB::Table",
        {"TableName": "streamed", "StreamSpecification": {"StreamViewType": "NEW_IMAGE"}, **keys},
    )

    assert plain["Arn"] == "arn:aws:dynamodb:us-east-1:123456789012:table/plain"
    assert "StreamArn" not in plain
    # The stream label is the table's creation time, on the fake's clock.
    assert streamed["StreamArn"] == (
        "arn:aws:dynamodb:us-east-1:123456789012:table/streamed/stream/2024-01-01T00:00:00.000"
    )


def test_china_regions_have_their_partition_and_domain(cloudcontrol: FakeCloudControl) -> None:
    client = cloudcontrol.client(region_name="cn-north-1")

    queue = created(client, "AWS::SQS::Queue", {"QueueName": "q"})

    assert queue["QueueUrl"] == "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q"
    assert queue["Arn"] == "arn:aws-cn:sqs:cn-north-1:123456789012:q"


def test_seeded_random_makes_the_same_values(cloudcontrol: FakeCloudControl) -> None:
    random.seed(7)
    first = cloudcontrol.seed_resource("AWS::KMS::Key", {}).properties
    random.seed(7)
    second = cloudcontrol.seed_resource("AWS::KMS::Key", {}, region="us-west-2").properties

    assert first["KeyId"] == second["KeyId"]
    assert second["Arn"] == f"arn:aws:kms:us-west-2:123456789012:key/{first['KeyId']}"


def test_given_values_are_kept(client: Any) -> None:
    queue = created(client, "AWS::SQS::Queue", {"QueueName": "given"})
    key = created(client, "AWS::KMS::Key", {"Description": "d"})

    assert queue["QueueName"] == "given"
    assert key["Description"] == "d"


# -- every bundled type --------------------------------------------------------------------------


def _property_schema(schema: dict[str, Any], segments: list[str]) -> dict[str, Any] | None:
    """The subschema of the property at ``segments`` in a compact schema ($refs followed on the way)."""
    node: Any = schema
    for segment in segments:
        while isinstance(node, dict) and "$ref" in node:
            node = schema["definitions"][node["$ref"].removeprefix("#/definitions/")]
        node = node.get("properties", {}).get(segment) if isinstance(node, dict) else None
        if node is None:
            return None
    return dict(node)


def _generated_keys(resource_type: ResourceType) -> set[str]:
    """The properties a create may make up: top-level read-only ones, the identifier, the formats'."""
    pointers = [p for p in resource_type.read_only if p.count("/") == 2] + list(
        resource_type.primary_identifier
    )
    return {p.removeprefix("/properties/") for p in pointers} | set(resource_type.formats)


def test_every_generated_value_of_every_type_satisfies_its_property_schema() -> None:
    catalog = ResourceTypeCatalog()
    random.seed(0)
    failures = []
    checked = 0
    for type_name in bundled_type_names():
        resource_type = catalog.get(type_name)
        assert resource_type is not None
        schema = dict(resource_type.validation_schema or {})
        model = resource_type.generate_read_only({}, region=REGION, account_id=ACCOUNT)
        for key in sorted(_generated_keys(resource_type)):
            segments = key.split("/")
            node = _property_schema(schema, segments)
            value: Any = model
            for segment in segments:
                value = value.get(segment) if isinstance(value, dict) else None
            if node is None or value is None:  # not in the schema, or made only when a property is set
                continue
            checked += 1
            validator = compile_validator({**node, "definitions": schema.get("definitions", {})})
            if not validator.is_valid(value):
                failures.append(f"{type_name} {key}={value!r}")

    assert failures == []
    assert checked > 6000


# -- the template language -----------------------------------------------------------------------


def make(spec: Any, values: dict[str, Any] | None = None, region: str = REGION) -> Any:
    """Compile one format and make its value."""
    return ValueFormat.compile(("P",), spec).make(values or {}, scope_of(region, ACCOUNT), 1704067200.25)


@pytest.mark.parametrize(
    ("template", "pattern"),
    [
        ("{hex:17}", r"[0-9a-f]{17}"),
        ("{HEX:4}", r"[0-9A-F]{4}"),
        ("{digits:12}", r"[0-9]{12}"),
        ("{lower:10}", r"[a-z0-9]{10}"),
        ("AROA{upper:17}", r"AROA[A-Z0-9]{17}"),
        ("{letters:3}", r"[a-z]{3}"),
        ("{mixed:6}", r"[a-zA-Z0-9]{6}"),
        ("{uuid}", UUID4.pattern),
        ("{octet}", r"([1-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])"),
        ("{timestamp}Z", r"2024-01-01T00:00:00\.250Z"),
        ("{{literal}}", r"\{literal\}"),
    ],
)
def test_template_fields(template: str, pattern: str) -> None:
    assert re.fullmatch(pattern, make(template))


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("us-east-1", "arn:aws:svc:us-east-1:123456789012 amazonaws.com"),
        ("cn-northwest-1", "arn:aws-cn:svc:cn-northwest-1:123456789012 amazonaws.com.cn"),
        ("us-gov-west-1", "arn:aws-us-gov:svc:us-gov-west-1:123456789012 amazonaws.com"),
    ],
)
def test_scope_fields_follow_the_region(region: str, expected: str) -> None:
    assert make("arn:{partition}:svc:{region}:{account} {domain}", region=region) == expected


def test_references_read_other_values_nested_ones_too() -> None:
    values = {"Name": "n", "Parent": {"Id": 7, "Tags": ["a", "b"]}, "Path": "/a/b", "Flat": "f"}

    assert make("{Name}/{Parent/Id}/{Path:unrooted}", values) == "n/7/a/b"
    # A value that is not a string reads as compact JSON.
    assert make("{Parent}", values) == '{"Id":7,"Tags":["a","b"]}'
    # Unknown (missing, or inside a value that is not an object): any unique text, 16 hex digits.
    random.seed(3)
    for template in ["{Missing}", "{Missing/Id}", "{Flat/Id}"] * 10:
        assert re.fullmatch(r"[0-9a-f]{16}", make(template, values)), template


@pytest.fixture
def tokyo_time() -> Iterator[None]:
    """Run with the process's local time zone nine hours ahead of UTC."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "Asia/Tokyo")
        time.tzset()
        yield
    time.tzset()


@pytest.mark.usefixtures("tokyo_time")
def test_timestamps_are_utc_whatever_the_local_time_zone() -> None:
    assert time.localtime(0).tm_hour == 9
    assert make("{timestamp}") == "2024-01-01T00:00:00.250"


def test_values_and_conditions() -> None:
    listed = ValueFormat.compile(("P",), {"value": []})
    first = listed.make({}, scope_of(REGION, ACCOUNT), None)
    first.append(1)
    assert listed.make({}, scope_of(REGION, ACCOUNT), None) == []  # a fresh copy each time
    nested = ValueFormat.compile(("P",), {"value": {"State": {"Code": 16}}})
    nested.make({}, scope_of(REGION, ACCOUNT), None)["State"]["Code"] = 0
    assert nested.make({}, scope_of(REGION, ACCOUNT), None) == {"State": {"Code": 16}}  # deep
    choices = [{"template": "{Name}.fifo", "when": "Fifo"}, "{Name}"]
    assert make(choices, {"Name": "q", "Fifo": True}) == "q.fifo"
    assert make(choices, {"Name": "q", "Fifo": False}) == "q"
    assert make({"value": 1, "when": "Stream"}, {}) is None  # nothing applies: not made


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("{hex}", r"\{hex\} needs a length, e\.g\. \{hex:8\}"),
        ("{region:x}", r"\{region:x\} takes no ':x'"),
        ("{Name:upper}", r"unknown form; expected one of \['unrooted'\]"),
        ("{Name!r}", r"conversion !r is not supported"),
        ("{unclosed", r"'\{unclosed'"),
        ({"template": "a", "value": 1}, r"expected a template string"),
        ({"template": "a", "if": "B"}, r"unknown keys \['if'\]"),
        ([], r"an empty list makes nothing"),
    ],
)
def test_bad_formats_are_named(spec: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ValueFormat.compile(("P",), spec)


def test_default_formats_by_name_and_type() -> None:
    identifier = [("Name",), ("Parent", "Id")]

    assert default_format("AWS::Svc::Thing", "Arn", "string", identifier) == (
        "arn:{partition}:svc:{region}:{account}:thing/{Name}/{Parent/Id}"
    )
    assert default_format("AWS::Svc::Thing", "Arn", "string") == (
        "arn:{partition}:svc:{region}:{account}:thing/{hex:16}"
    )
    assert default_format("AWS::Svc::Thing", "StreamARN", "string") == (
        "arn:{partition}:svc:{region}:{account}:thing/{hex:16}"
    )
    assert default_format("AWS::Svc::Thing", "ThingId", "string") == "{hex:17}"
    assert default_format("AWS::Svc::Thing", "OwnerID", "string") == "{hex:17}"
    assert default_format("AWS::Svc::Thing", "CreatedAt", "string") == "{timestamp}Z"
    assert default_format("AWS::Svc::Thing", "Label", "string") == "label-{hex:8}"
    assert default_format("AWS::Svc::Thing", "Count", "integer") == {"value": 0}


# -- formats on a resource type ------------------------------------------------------------------


def test_a_type_of_your_own_can_say_how_its_values_look() -> None:
    thing = ResourceType(
        type_name="MyOrg::Svc::Thing",
        primary_identifier=("/properties/Arn",),
        read_only=("/properties/Arn", "/properties/ThingId"),
        formats={"ThingId": "thing-{hex:8}", "Arn": "arn:{partition}:svc:{region}:{account}:thing/{ThingId}"},
    )

    model = thing.generate_read_only({"Label": "l"}, region=REGION, account_id=ACCOUNT)

    assert re.fullmatch(r"thing-[0-9a-f]{8}", model["ThingId"])
    assert model["Arn"] == f"arn:aws:svc:us-east-1:123456789012:thing/{model['ThingId']}"
    assert thing.to_table_row()["formats"] == dict(thing.formats)


def test_formats_that_read_each_other_in_a_circle_are_refused() -> None:
    with pytest.raises(
        ValueError, match=r"MyOrg::Svc::Thing: the formats read each other in a circle: A -> B -> A"
    ):
        ResourceType(
            type_name="MyOrg::Svc::Thing",
            primary_identifier=("/properties/A",),
            formats={"A": "{B}", "B": "{A}"},
        )


@pytest.mark.parametrize(
    ("formats", "message"),
    [
        ({"A": "{hex}"}, r"format of A: '\{hex\}'"),
        ({"A": {"template": "{hex}", "when": "B"}}, r"format of A: '\{hex\}'"),
        ({"A": "a", "Parent/Name": "{hex}"}, r"format of Parent/Name: '\{hex\}'"),
    ],
)
def test_bad_format_names_its_type_and_property(formats: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=rf"^MyOrg::Svc::Thing: {message}"):
        ResourceType(type_name="MyOrg::Svc::Thing", primary_identifier=("/properties/A",), formats=formats)


def test_a_condition_on_another_made_value_waits_for_it() -> None:
    # Label comes first, but its condition reads Stream, which a format makes: Stream is made first.
    thing = ResourceType(
        type_name="MyOrg::Svc::Thing",
        primary_identifier=("/properties/Name",),
        formats={"Label": {"value": "streamed", "when": "Stream"}, "Stream": {"value": True}},
    )

    model = thing.generate_read_only({"Name": "n"}, region=REGION, account_id=ACCOUNT)

    assert model == {"Name": "n", "Stream": True, "Label": "streamed"}


def test_a_format_makes_a_property_that_is_not_read_only_when_it_is_missing() -> None:
    queue = bundled("AWS::SQS::Queue")
    assert "/properties/QueueName" not in queue.read_only

    model = queue.generate_read_only({}, region=REGION, account_id=ACCOUNT)

    assert model["QueueName"]
    assert model["QueueUrl"].endswith("/" + model["QueueName"])


def test_generated_identifier_and_partition() -> None:
    stream = bundled("AWS::Kinesis::Stream")
    model = stream.generate_read_only({}, region="cn-north-1", account_id=ACCOUNT)
    assert model["Name"]
    assert model["Arn"] == f"arn:aws-cn:kinesis:cn-north-1:{ACCOUNT}:stream/{model['Name']}"
    assert model["WarmThroughputObject"] == {}


def test_generated_values_follow_json_types_and_keep_given_ones() -> None:
    thing = ResourceType.from_schema(
        {
            "typeName": "MyOrg::Svc::Thing",
            "properties": {
                "Name": {"type": "string"},
                "ThingId": {"type": "string"},
                "Count": {"type": "integer"},
                "Ready": {"type": "boolean"},
                "Labels": {"type": "array"},
                "Endpoint": {"type": "object"},
            },
            "primaryIdentifier": ["/properties/Name"],
            "readOnlyProperties": [
                "/properties/ThingId",
                "/properties/Count",
                "/properties/Ready",
                "/properties/Labels",
                "/properties/Endpoint",
            ],
        }
    )
    model = thing.generate_read_only({"Name": "n", "Count": 7}, region=REGION, account_id=ACCOUNT)
    assert model["Count"] == 7
    assert model["Ready"] is False
    assert model["Labels"] == []
    assert model["Endpoint"] == {}
    assert re.fullmatch(r"[0-9a-f]{17}", model["ThingId"])


def test_nested_identifier_is_generated_without_touching_the_input() -> None:
    device = bundled("AWS::SageMaker::Device")
    assert device.primary_identifier == ("/properties/Device/DeviceName",)
    properties = {"DeviceFleetName": "fleet", "Device": {"Description": "d"}}
    model = device.generate_read_only(properties, region=REGION, account_id=ACCOUNT)
    assert model["Device"]["Description"] == "d"
    assert device.identifier_of(model) == model["Device"]["DeviceName"]
    assert properties == {"DeviceFleetName": "fleet", "Device": {"Description": "d"}}


def test_arn_that_is_the_identifier_gets_a_unique_suffix() -> None:
    certificate = bundled("AWS::ACMPCA::Certificate")
    first = certificate.generate_read_only(
        {"CertificateAuthorityArn": "arn:ca"}, region=REGION, account_id=ACCOUNT
    )
    second = certificate.generate_read_only(
        {"CertificateAuthorityArn": "arn:ca"}, region=REGION, account_id=ACCOUNT
    )
    assert first["Arn"].startswith(f"arn:aws:acmpca:{REGION}:{ACCOUNT}:certificate/")
    assert first["Arn"] != second["Arn"]


def test_derived_formats_follow_the_schema_pattern() -> None:
    farm = bundled("AWS::Deadline::Farm")  # FarmId ^farm-[0-9a-f]{32}$, its ARN .../farm/<FarmId>

    model = farm.generate_read_only({}, region=REGION, account_id=ACCOUNT)

    assert re.fullmatch(r"farm-[0-9a-f]{32}", model["FarmId"])
    assert model["Arn"] == f"arn:aws:deadline:us-east-1:123456789012:farm/{model['FarmId']}"
