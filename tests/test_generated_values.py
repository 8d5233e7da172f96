"""The values a create makes up (read-only properties, generated identifiers).

The template language of a type's ``formats`` and its defaults, and every bundled type's values
checked against the type's own schema.
"""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from pytest_cloudcontrol import ResourceType
from pytest_cloudcontrol.generated_values import ValueFormat, default_format, scope_of
from pytest_cloudcontrol.resource_types import ResourceTypeCatalog, bundled_type_names
from pytest_cloudcontrol.schema_validation import compile_validator

REGION = "us-east-1"
ACCOUNT = "123456789012"
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def bundled(type_name: str) -> ResourceType:
    """The bundled metadata of an AWS type that must exist."""
    resource_type = ResourceTypeCatalog().get(type_name)
    assert resource_type is not None
    return resource_type


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
    values = {"Name": "n", "Parent": {"Id": 7}, "Path": "/a/b"}

    assert make("{Name}/{Parent/Id}/{Path:unrooted}", values) == "n/7/a/b"
    assert re.fullmatch(r"x-[0-9a-f]{16}", make("x-{Missing}", values))  # unknown: any unique text


def test_values_and_conditions() -> None:
    listed = ValueFormat.compile(("P",), {"value": []})
    first = listed.make({}, scope_of(REGION, ACCOUNT), None)
    first.append(1)
    assert listed.make({}, scope_of(REGION, ACCOUNT), None) == []  # a fresh copy each time
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
    assert default_format("AWS::Svc::Thing", "ThingId", "string") == "{hex:17}"
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


def test_bad_format_names_its_type() -> None:
    with pytest.raises(ValueError, match=r"MyOrg::Svc::Thing: format of A: '\{hex\}'"):
        ResourceType(
            type_name="MyOrg::Svc::Thing", primary_identifier=("/properties/A",), formats={"A": "{hex}"}
        )


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
