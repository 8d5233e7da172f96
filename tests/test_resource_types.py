"""Resource-type metadata, the bundled table, and schema validation in AWS's words."""

from __future__ import annotations

import importlib.util
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from pytest_cloudcontrol import CloudControlUsageError
from pytest_cloudcontrol.resource_types import HANDLERS, ResourceType, ResourceTypeCatalog, bundled_type_names
from pytest_cloudcontrol.schema_validation import compact_schema
from pytest_cloudcontrol.schema_validation import violations as validate_properties

REGION = "us-east-1"
ACCOUNT = "123456789012"


@pytest.fixture
def catalog() -> ResourceTypeCatalog:
    """Make a catalog with only the bundled AWS types."""
    return ResourceTypeCatalog()


def bundled(type_name: str) -> ResourceType:
    """Return the bundled metadata of an AWS type that must exist."""
    resource_type = ResourceTypeCatalog().get(type_name)
    assert resource_type is not None, f"{type_name} missing from the bundled table"
    return resource_type


THING_SCHEMA: dict[str, Any] = {
    "typeName": "MyOrg::Svc::Thing",
    "additionalProperties": False,
    "properties": {
        "Name": {"type": "string", "maxLength": 8},
        "ThingId": {"type": "string"},
        "Endpoint": {"$ref": "#/definitions/Endpoint"},
        "Count": {"type": "integer"},
        "Ready": {"type": "boolean"},
        "Labels": {"type": "array", "items": {"type": "string"}},
        "Config": {
            "type": "object",
            "properties": {"Mode": {"type": "string"}, "Secret": {"type": "string"}},
            "required": ["Mode", "Generated"],
        },
    },
    "definitions": {"Endpoint": {"$ref": "#/definitions/Address"}, "Address": {"type": "object"}},
    "required": ["Name", "ThingId"],
    "primaryIdentifier": ["/properties/Name"],
    "additionalIdentifiers": [["/properties/ThingId"]],
    "createOnlyProperties": ["/properties/Name"],
    "readOnlyProperties": [
        "/properties/ThingId",
        "/properties/Endpoint",
        "/properties/Count",
        "/properties/Ready",
        "/properties/Labels",
        "/properties/Config/Generated",
    ],
    "writeOnlyProperties": ["/properties/Config/Secret"],
    "handlers": {
        "create": {"permissions": []},
        "read": {"permissions": []},
        "list": {"permissions": [], "handlerSchema": {"required": ["Parent"]}},
    },
}


# The bundled table


def generator() -> Any:
    """The generator script as a module (it needs cfn-lint, a test dependency)."""
    pytest.importorskip("cfnlint")
    path = Path(__file__).parents[1] / "scripts" / "generate_resource_types.py"
    spec = importlib.util.spec_from_file_location("generate_resource_types", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_table_names_the_cfn_lint_version_and_has_one_type_per_line() -> None:
    text = resources.files("pytest_cloudcontrol").joinpath("data/resource_types.json").read_text()
    table = json.loads(text)
    assert re.fullmatch(r"\d+\.\d+\.\d+", table["cfn_lint_version"])
    assert len(table["types"]) > 1000
    assert len(text.splitlines()) == len(table["types"]) + 6
    assert list(table["types"]) == sorted(table["types"])
    assert bundled_type_names() == list(table["types"])
    # Compact: the schemas without descriptions and annotations (cfn-lint's files hold 14 MB).
    assert len(text.encode()) < 8_000_000


def test_catalog_knows_bundled_types_and_parses_each_once(catalog: ResourceTypeCatalog) -> None:
    assert "AWS::S3::Bucket" in catalog
    assert "Nope::Such::Type" not in catalog
    assert catalog.get("Nope::Such::Type") is None
    assert catalog.get("AWS::S3::Bucket") is ResourceTypeCatalog().get("AWS::S3::Bucket")


def test_s3_bucket_metadata() -> None:
    bucket = bundled("AWS::S3::Bucket")
    assert bucket.primary_identifier == ("/properties/BucketName",)
    assert "/properties/BucketName" in bucket.create_only
    assert {"/properties/Arn", "/properties/DomainName"} <= set(bucket.read_only)
    assert "/properties/LifecycleConfiguration/Rules/*/Transition" in bucket.write_only
    assert bucket.handlers == HANDLERS
    assert bucket.list_required == ()
    assert bucket.required == ()
    assert bucket.property_types["Arn"] == "string"
    assert bucket.schema is None  # the bundled table holds its validation part only
    assert bucket.validation_schema is not None
    assert bucket.validation_schema["properties"]["BucketName"]["maxLength"] == 63
    assert "description" not in json.dumps(bucket.validation_schema)


def test_kinesis_stream_metadata() -> None:
    stream = bundled("AWS::Kinesis::Stream")
    assert stream.primary_identifier == ("/properties/Name",)
    assert "/properties/Name" in stream.create_only
    assert "/properties/Arn" in stream.read_only
    assert stream.property_types["Name"] == "string"
    assert stream.handlers == HANDLERS


def test_eks_nodegroup_needs_its_cluster_to_list() -> None:
    nodegroup = bundled("AWS::EKS::Nodegroup")
    assert nodegroup.list_required == ("ClusterName",)
    assert nodegroup.primary_identifier == ("/properties/Id",)
    assert {"ClusterName", "NodeRole", "Subnets"} <= set(nodegroup.required)
    assert "/properties/ClusterName" in nodegroup.create_only


def test_logs_log_group_metadata() -> None:
    log_group = bundled("AWS::Logs::LogGroup")
    assert log_group.primary_identifier == ("/properties/LogGroupName",)
    assert log_group.create_only == ("/properties/LogGroupName",)
    assert log_group.read_only == ("/properties/Arn",)
    assert log_group.handlers == HANDLERS


@pytest.mark.parametrize("type_name", ["AWS::S3::Bucket", "AWS::Logs::LogGroup", "AWS::Lambda::Function"])
def test_bundled_rows_are_what_the_generator_builds(type_name: str) -> None:
    script = generator()
    import cfnlint.version

    table = json.loads(
        resources.files("pytest_cloudcontrol").joinpath("data/resource_types.json").read_text()
    )
    if cfnlint.version.__version__ != table["cfn_lint_version"]:
        # Another release's schemas make other rows (the oldest-dependencies env gets an older cfn-lint).
        pytest.skip(
            f"the table was generated with cfn-lint {table['cfn_lint_version']}; "
            f"{cfnlint.version.__version__} is installed"
        )
    schema = script.load_cfn_lint_schema(type_name)
    assert schema is not None
    row = script.table_row(schema, script.load_extras().get(type_name, {}))
    assert ResourceType.from_table_row(type_name, row).to_table_row() == row
    assert bundled(type_name).to_table_row() == row, "regenerate: python scripts/generate_resource_types.py"


def test_every_curated_type_exists_and_cites_its_evidence() -> None:
    script = generator()
    extras = script.load_extras()
    assert extras
    for type_name, row in extras.items():
        assert bundled(type_name).type_name == type_name
        assert row.get("_evidence"), f"{type_name}: say where its values come from"
    assert json.loads(script.EXTRAS.read_text())["property_formats"]["_evidence"]
    assert script.load_property_formats()["AccountId"] == "{account}"


# Identifiers


def test_compound_identifier_is_joined_with_a_bar() -> None:
    certificate = bundled("AWS::ACMPCA::Certificate")
    assert certificate.primary_identifier == (
        "/properties/Arn",
        "/properties/CertificateAuthorityArn",
    )
    assert certificate.identifier_of({"Arn": "arn:c", "CertificateAuthorityArn": "arn:ca"}) == (
        "arn:c|arn:ca"
    )
    assert certificate.identifier_of({"Arn": "arn:c"}) is None


def test_identifier_of_non_string_and_nested_values() -> None:
    thing = ResourceType(
        type_name="MyOrg::Svc::Thing",
        primary_identifier=("/properties/Parent/Name", "/properties/Index"),
    )
    assert thing.identifier_of({"Parent": {"Name": "p"}, "Index": 3}) == "p|3"
    assert thing.identifier_of({"Parent": {}, "Index": 3}) is None


# Create-only


def create_only_touched(resource_type: ResourceType, *paths: str) -> list[str]:
    """The create-only pointers a patch with ``paths`` touches."""
    return list(resource_type.patch_violations(paths)[0])


def test_create_only_violations_match_equal_ancestor_and_descendant_paths() -> None:
    thing = ResourceType(
        type_name="MyOrg::Svc::Thing",
        primary_identifier=("/properties/Name",),
        create_only=("/properties/Name", "/properties/Config/Mode", "/properties/Rules/*/Key"),
    )
    assert create_only_touched(thing, "/Name") == ["/properties/Name"]
    assert create_only_touched(thing, "/Config") == ["/properties/Config/Mode"]
    assert create_only_touched(thing, "/Config/Mode/Deep") == ["/properties/Config/Mode"]
    assert create_only_touched(thing, "/Config/Other", "/Names", "/Tags/0") == []
    assert create_only_touched(thing, "/Rules/3/Key") == ["/properties/Rules/*/Key"]
    assert create_only_touched(thing, "/Rules/-") == ["/properties/Rules/*/Key"]
    assert create_only_touched(thing, "/Rules/0/Value", "/Rules/Key") == []
    assert create_only_touched(thing, "/Rules/0/Key", "/Name", "/Rules") == [
        "/properties/Name",
        "/properties/Rules/*/Key",
    ]


def test_s3_bucket_name_is_create_only_but_tags_are_not() -> None:
    bucket = bundled("AWS::S3::Bucket")
    assert create_only_touched(bucket, "/BucketName") == ["/properties/BucketName"]
    assert create_only_touched(bucket, "/Tags/0", "/VersioningConfiguration") == []


# Write-only


def test_without_write_only_strips_every_array_item_and_keeps_the_input() -> None:
    bucket = bundled("AWS::S3::Bucket")
    properties = {
        "BucketName": "b",
        "AccessControl": "Private",
        "LifecycleConfiguration": {
            "Rules": [
                {"Id": "r1", "Status": "Enabled", "Transition": {"StorageClass": "GLACIER"}},
                {"Id": "r2", "Status": "Enabled"},
            ]
        },
    }
    original = json.loads(json.dumps(properties))

    stripped = bucket.without_write_only(properties)

    assert stripped == {
        "BucketName": "b",
        "LifecycleConfiguration": {
            "Rules": [{"Id": "r1", "Status": "Enabled"}, {"Id": "r2", "Status": "Enabled"}]
        },
    }
    assert properties == original
    stripped["LifecycleConfiguration"]["Rules"].clear()
    assert properties == original


def test_without_write_only_ignores_shapes_that_do_not_match() -> None:
    thing = ResourceType(
        type_name="MyOrg::Svc::Thing",
        primary_identifier=("/properties/Name",),
        write_only=("/properties/Rules/*/Secret", "/properties/Config/Secret"),
    )
    properties = {"Name": "n", "Rules": {"Secret": "kept"}, "Config": "not-an-object"}
    assert thing.without_write_only(properties) == properties


# Custom types


def test_registered_type_has_every_handler_and_stays_in_its_catalog(
    catalog: ResourceTypeCatalog,
) -> None:
    thing = ResourceType(type_name="MyOrg::Svc::Thing", primary_identifier=("/properties/Name",))
    catalog.register(thing)
    assert catalog.get("MyOrg::Svc::Thing") is thing
    assert "MyOrg::Svc::Thing" in catalog
    assert thing.handlers == HANDLERS
    assert "MyOrg::Svc::Thing" not in ResourceTypeCatalog()


def test_registered_type_overrides_the_bundled_one() -> None:
    bucket = ResourceType(
        type_name="AWS::S3::Bucket",
        primary_identifier=("/properties/BucketName",),
        handlers=frozenset({"read"}),
    )
    catalog = ResourceTypeCatalog([bucket])
    assert catalog.get("AWS::S3::Bucket") is bucket
    assert bundled("AWS::S3::Bucket").handlers == HANDLERS


def test_resource_type_is_immutable_and_hashable() -> None:
    thing = ResourceType(type_name="MyOrg::Svc::Thing", primary_identifier=("/properties/Name",))
    with pytest.raises(AttributeError):
        thing.type_name = "Other::Svc::Thing"  # type: ignore[misc]
    with pytest.raises(TypeError):
        thing.property_types["Name"] = "integer"  # type: ignore[index]
    assert hash(thing) == hash(
        ResourceType(type_name="MyOrg::Svc::Thing", primary_identifier=("/properties/Name",))
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"handlers": {"create", "patch"}}, r"unknown handlers \['patch'\]"),
        ({"create_only": ("Name",)}, r"'Name' must start with '/properties/'"),
    ],
)
def test_resource_type_rejects_bad_metadata(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ResourceType(type_name="MyOrg::Svc::Thing", primary_identifier=("/properties/Name",), **arguments)


@pytest.mark.parametrize("json_type", ["null", "str", 5])
def test_property_types_must_be_json_types(json_type: Any) -> None:
    with pytest.raises(
        CloudControlUsageError,
        match=r"MyOrg::Svc::Thing: property_types maps property names to JSON types \(array, boolean, "
        r"integer, number, object, string\); got \{'Count': ",
    ):
        ResourceType(
            type_name="MyOrg::Svc::Thing",
            primary_identifier=("/properties/Name",),
            read_only=("/properties/Count",),
            property_types={"Name": "string", "Count": json_type},
        )


def test_from_schema_reads_every_field() -> None:
    thing = ResourceType.from_schema(THING_SCHEMA)
    assert thing.type_name == "MyOrg::Svc::Thing"
    assert thing.primary_identifier == ("/properties/Name",)
    assert thing.additional_identifiers == (("/properties/ThingId",),)
    assert thing.create_only == ("/properties/Name",)
    assert thing.read_only[0] == "/properties/ThingId"
    assert thing.write_only == ("/properties/Config/Secret",)
    assert thing.required == ("Name", "ThingId")
    assert thing.handlers == frozenset({"create", "read", "list"})
    assert thing.list_required == ("Parent",)
    assert dict(thing.property_types) == {
        "Count": "integer",
        "Endpoint": "object",
        "Labels": "array",
        "Name": "string",
        "Ready": "boolean",
        "ThingId": "string",
    }
    assert thing.schema is THING_SCHEMA


# Schema validation


def test_valid_model_has_no_violations() -> None:
    assert validate_properties(bundled("AWS::S3::Bucket"), {"BucketName": "my-bucket"}) == []


def test_extraneous_keys_at_the_top_and_inside_array_items() -> None:
    items = validate_properties(
        bundled("AWS::Kinesis::Stream"),
        {"Name": "s", "Colour": "red", "Tags": [{"Key": "k", "Value": "v", "Extra": 1}]},
    )
    assert items == [
        "#: extraneous key [Colour] is not permitted",
        "#/Tags/0: extraneous key [Extra] is not permitted",
    ]


def test_wrong_type_names_aws_types() -> None:
    items = validate_properties(bundled("AWS::S3::Bucket"), {"BucketName": True, "Tags": {"Key": "k"}})
    assert items == [
        "#/BucketName: expected type: String, found: Boolean",
        "#/Tags: expected type: JSONArray, found: JSONObject",
    ]


def test_missing_required_keys_one_item_each() -> None:
    assert validate_properties(bundled("AWS::Lambda::Function"), {}) == [
        "#: required key [Code] not found",
        "#: required key [Role] not found",
    ]


def test_length_limits() -> None:
    component = bundled("AWS::ImageBuilder::Component")
    model = {"Name": "component", "Platform": "Linux", "Version": "1.0.0", "Data": "x" * 16001}
    assert validate_properties(component, model) == ["#/Data: expected maxLength: 16000"]
    log_group = bundled("AWS::Logs::LogGroup")
    assert validate_properties(log_group, {"LogGroupName": ""}) == [
        "#/LogGroupName: expected minLength: 1",
        "#/LogGroupName: failed validation constraint for keyword [pattern]",
    ]


def test_other_keywords_are_scrubbed() -> None:
    items = validate_properties(
        bundled("AWS::Lambda::Function"), {"Code": {}, "Role": "not-a-role-arn", "Timeout": 0}
    )
    assert items == [
        "#/Role: failed validation constraint for keyword [pattern]",
        "#/Timeout: failed validation constraint for keyword [minimum]",
    ]
    assert validate_properties(bundled("AWS::Logs::LogGroup"), {"RetentionInDays": 2}) == [
        "#/RetentionInDays: failed validation constraint for keyword [enum]"
    ]


def test_java_style_patterns_are_understood() -> None:
    # cfn-lint keeps some of the registry's Java regexes, e.g. \p{L}, which Python's re rejects.
    thing = ResourceType.from_schema(
        {**THING_SCHEMA, "properties": {"Name": {"type": "string", "pattern": r"^[\p{L}]+$"}}}
    )
    assert validate_properties(thing, {"Name": "Zoë"}) == []
    assert validate_properties(thing, {"Name": "a1"}) == [
        "#/Name: failed validation constraint for keyword [pattern]"
    ]


def test_read_only_properties_are_neither_required_nor_rejected() -> None:
    thing = ResourceType.from_schema(THING_SCHEMA)
    # ThingId is required and read-only: the compiled check neither wants it nor looks at it.
    assert thing.accepts({"Name": "n"})
    assert thing.accepts({"Name": "n", "ThingId": 5})
    assert validate_properties(thing, {"Name": "n"}) == []
    assert validate_properties(thing, {"Name": "n", "ThingId": "t", "Config": {"Mode": "m"}}) == []
    assert validate_properties(thing, {"Name": "too-long-name", "Config": {}, "Bad": 1}) == [
        "#: extraneous key [Bad] is not permitted",
        "#/Config: required key [Mode] not found",
        "#/Name: expected maxLength: 8",
    ]


def test_type_without_a_schema_is_not_checked() -> None:
    thing = ResourceType(type_name="MyOrg::Svc::Unknown", primary_identifier=("/properties/Name",))
    assert thing.validator() is None
    assert validate_properties(thing, {"Anything": True}) == []


def test_compact_schema_keeps_constraints_only() -> None:
    schema = {
        "description": "a thing",
        "properties": {
            "A": {"type": "string", "description": "d", "insertionOrder": False, "format": "AWS::X::Y.Arn"},
            "B": {"anyOf": [{"format": "uri"}, {"format": "AWS::X::Y.Id"}], "maxLength": 3},
            "C": {"$ref": "#/definitions/C"},
        },
        "definitions": {"C": {"type": "integer", "title": "c"}, "Unused": {"type": "string"}},
        "readOnlyProperties": ["/properties/A"],
    }
    assert compact_schema(schema) == {
        "properties": {"A": {"type": "string"}, "B": {"maxLength": 3}, "C": {"$ref": "#/definitions/C"}},
        "definitions": {"C": {"type": "integer"}},
    }


def test_compact_schema_reduces_every_subschema() -> None:
    described = {"type": "string", "description": "d"}
    keywords = ("additionalProperties", "additionalItems", "not", "if", "then", "else")
    schema = {
        **{keyword: described for keyword in keywords},
        "items": [described, True],
        "pattern": 5,  # not a regular expression: left out
        "properties": {"A": {"$ref": "#/definitions/Gone"}},  # a definition that is not there
    }
    assert compact_schema(schema) == {
        **{keyword: {"type": "string"} for keyword in keywords},
        "items": [{"type": "string"}, True],
        "properties": {"A": {"$ref": "#/definitions/Gone"}},
    }


@pytest.mark.parametrize(
    ("pattern", "compiled"),
    [
        (r"^[a-z]+\Z", r"^[a-z]+$"),  # Java's end of input
        (r"\A[a-z]+$", r"^[a-z]+$"),
        (r"^[\p{L}]+$", r"^[\p{L}]+$"),
        (r"^[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF]*$", None),  # surrogates: left out
        (r"^(?s).+$", None),  # an inline flag after the start: left out
    ],
)
def test_java_patterns_are_translated_or_left_out(pattern: str, compiled: str | None) -> None:
    schema = compact_schema({"properties": {"P": {"type": "string", "pattern": pattern}}})
    assert schema["properties"]["P"].get("pattern") == compiled


def test_every_bundled_schema_compiles() -> None:
    catalog = ResourceTypeCatalog()
    for type_name in bundled_type_names():
        resource_type = catalog.get(type_name)
        assert resource_type is not None
        assert resource_type.validator() is not None, type_name
