"""The fake against botocore's model of Cloud Control: enums, every output on the wire, every error.

A representative run drives every operation into every status and most errors through a real
boto3 client, capturing each raw HTTP answer (``before-parse`` event) before botocore parses it.
Each 200 body is checked structurally against the operation's output shape, and botocore's parsed
result against the same shape; each error body against the wire form AWS uses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import Shape

from pytest_cloudcontrol import (
    FakeCloudControl,
    HandlerErrorCode,
    HookStatus,
    Operation,
    OperationStatus,
    Outcome,
    Progression,
)
from pytest_cloudcontrol.service_model import raw_model, service_model

LOG_GROUP = "AWS::Logs::LogGroup"
SERVICE_NAMESPACE = "com.amazon.cloudapiservice"
# Errors the AWS front door answers for any Coral JSON service; they are not in the service model.
FRAMEWORK_ERRORS = {
    "ValidationException": ("com.amazon.coral.validate", "message"),
    "SerializationException": ("com.amazon.coral.service", "Message"),
    "UnknownOperationException": ("com.amazon.coral.service", None),
    "MissingAuthenticationTokenException": ("com.amazon.coral.service", "message"),
    "ThrottlingException": ("com.amazon.coral.availability", "message"),
}
MODEL = service_model()
EXCEPTION_SHAPES = sorted(
    name for name in MODEL.shape_names if MODEL.shape_for(name).metadata.get("exception")
)
# botocore's Shape drops the "fault" flag; read it from the raw model.
FAULTS = sorted(name for name, shape in raw_model()["shapes"].items() if shape.get("fault"))


def is_fault(name: str) -> bool:
    return name in FAULTS


# -- enums -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("enum", [Operation, OperationStatus, HandlerErrorCode], ids=lambda e: e.__name__)
def test_public_enums_equal_the_models_enums_in_order(enum: Any) -> None:
    assert [member.value for member in enum] == MODEL.shape_for(enum.__name__).enum
    assert [member.name for member in enum] == [member.value for member in enum]


def test_hook_status_values_fit_the_models_free_form_shape() -> None:
    shape = MODEL.shape_for("HookStatus")
    assert shape.type_name == "string"
    assert not shape.enum
    for member in HookStatus:
        check_wire(shape, member.value, "HookStatus")


def test_models_waiter_enums_are_statuses() -> None:
    waiter = boto3.client("cloudcontrol", region_name="us-east-1").get_waiter("resource_request_success")
    expected = {a.expected for a in waiter.config.acceptors if a.matcher == "path"}
    assert expected == {"SUCCESS", "FAILED", "CANCEL_COMPLETE"}
    assert expected <= {s.value for s in OperationStatus}


# -- the structural checkers -----------------------------------------------------------------------


def is_number(value: Any) -> bool:
    """A JSON number (bool is not one, although Python says it is an int)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_wire(shape: Shape, value: Any, path: str) -> None:
    """Check a value of the raw wire JSON against a botocore shape; raise AssertionError if off."""
    assert value is not None, f"{path}: null on the wire (optional members must be left out)"
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        assert isinstance(value, dict), f"{path}: expected an object, got {value!r}"
        unknown = set(value) - set(shape.members)
        assert not unknown, f"{path}: members not in {shape.name}: {sorted(unknown)}"
        for name in shape.required_members:
            assert name in value, f"{path}: required member {name} missing"
        for name, member_value in value.items():
            check_wire(shape.members[name], member_value, f"{path}.{name}")
    elif kind == "list":
        assert isinstance(value, list), f"{path}: expected a list, got {value!r}"
        for index, item in enumerate(value):
            check_wire(shape.member, item, f"{path}[{index}]")
    elif kind == "map":
        assert isinstance(value, dict), f"{path}: expected a map, got {value!r}"
        for key, item in value.items():
            check_wire(shape.key, key, f"{path} key")
            check_wire(shape.value, item, f"{path}[{key!r}]")
    elif kind == "string":
        assert isinstance(value, str), f"{path}: expected a string, got {value!r}"
        if shape.enum:
            assert value in shape.enum, f"{path}: {value!r} not in {shape.name} enum {shape.enum}"
        if "min" in meta:
            assert len(value) >= meta["min"], f"{path}: shorter than {meta['min']}"
        if "max" in meta:
            assert len(value) <= meta["max"], f"{path}: longer than {meta['max']}"
        if "pattern" in meta:
            assert re.fullmatch(meta["pattern"], value), f"{path}: {value!r} !~ {meta['pattern']}"
    elif kind == "timestamp":
        assert is_number(value), f"{path}: a timestamp must be a JSON number of epoch seconds, got {value!r}"
        assert round(value, 3) == value, f"{path}: more than millisecond precision: {value!r}"
        assert 1e9 < value < 1e10, f"{path}: not epoch seconds: {value!r}"
    elif kind in ("integer", "long"):
        assert is_number(value), f"{path}: expected an integer"
        assert isinstance(value, int), f"{path}: expected an integer"
    elif kind in ("float", "double"):
        assert is_number(value), f"{path}: expected a number"
    elif kind == "boolean":
        assert isinstance(value, bool), f"{path}: expected a boolean"
    else:  # pragma: no cover - the Cloud Control model has no other kinds
        raise AssertionError(f"{path}: unexpected shape type {kind}")


def check_parsed(shape: Shape, value: Any, path: str) -> None:
    """Check botocore's parsed output against a shape (timestamps are aware datetimes)."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(value, dict), path
        unknown = set(value) - set(shape.members) - ({"ResponseMetadata"} if path == "$" else set())
        assert not unknown, f"{path}: {sorted(unknown)}"
        for name, member_value in value.items():
            if name != "ResponseMetadata":
                check_parsed(shape.members[name], member_value, f"{path}.{name}")
    elif kind == "list":
        assert isinstance(value, list), path
        for index, item in enumerate(value):
            check_parsed(shape.member, item, f"{path}[{index}]")
    elif kind == "timestamp":
        assert isinstance(value, datetime), f"{path}: {value!r}"
        assert value.tzinfo is not None, f"{path}: naive {value!r}"
    elif kind == "string":
        assert isinstance(value, str), path
        if shape.enum:
            assert value in shape.enum, path
    else:
        check_wire(shape, value, path)


def test_checker_catches_what_it_should() -> None:
    event_shape = MODEL.shape_for("ProgressEvent")
    good = {"RequestToken": "abc", "OperationStatus": "SUCCESS", "EventTime": 1700000000.123}
    check_wire(event_shape, good, "$")
    for bad in (
        {**good, "EventTime": "2024-01-01T00:00:00Z"},
        {**good, "EventTime": 1700000000.1234},
        {**good, "OperationStatus": "DONE"},
        {**good, "Identifier": None},
        {**good, "Extra": 1},
        {**good, "RequestToken": "bad token!"},
        {**good, "ResourceModel": {"A": 1}},
    ):
        with pytest.raises(AssertionError):
            check_wire(event_shape, bad, "$")


# -- the representative run ------------------------------------------------------------------------


@dataclass
class Exchange:
    """One HTTP answer as botocore received it, and what botocore made of it."""

    operation: str
    status: int
    headers: dict[str, str]
    body: dict[str, Any]
    parsed: dict[str, Any] | None = None


class Recorder:
    """Captures every raw answer a client gets, before botocore parses it."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.exchanges: list[Exchange] = []
        client.meta.events.register("before-parse.cloudcontrol", self._capture)

    def _capture(self, operation_model: Any, response_dict: dict[str, Any], **kwargs: Any) -> None:
        body = response_dict["body"]
        self.exchanges.append(
            Exchange(
                operation_model.name,
                response_dict["status_code"],
                {k.lower(): v for k, v in response_dict["headers"].items()},
                json.loads(body) if body else {},
            )
        )

    def call(self, method: str, **params: Any) -> dict[str, Any] | None:
        """Call, keep the parsed answer with the exchange; None for an error."""
        try:
            parsed: dict[str, Any] = getattr(self.client, method)(**params)
        except ClientError:
            return None
        self.exchanges[-1].parsed = parsed
        return parsed


def representative_run(fake: FakeCloudControl) -> list[Exchange]:
    """Drive every operation through every status and the errors the fake makes on its own."""
    client = boto3.client(
        "cloudcontrol", region_name=fake.region, config=Config(retries={"total_max_attempts": 1})
    )
    r = Recorder(client)
    full_hook = {
        "hook_type_name": "Org::Svc::Hook",
        "hook_status": "HOOK_COMPLETE_FAILED",
        "hook_type_version_id": "00000002",
        "hook_type_arn": "arn:aws:cloudformation:us-east-1:123456789012:type/hook/Org-Svc-Hook",
        "invocation_point": "PRE_PROVISION",
        "hook_event_time": fake.clock.time(),
        "hook_status_message": "Hook failed: not compliant",
        "failure_mode": "WARN",
    }
    minimal_hook = {"hook_type_name": "Org::Svc::Other", "hook_status": "HOOK_PENDING"}

    # every status, through GetResourceRequestStatus
    tokens = {}
    for status in OperationStatus:
        kwargs: dict[str, Any] = {"status": status.value, "identifier": f"seed-{status.value.lower()}"}
        if status == OperationStatus.FAILED:
            kwargs.update(error_code="NotStabilized", status_message="did not stabilize")
        if status == OperationStatus.SUCCESS:
            kwargs["resource_model"] = {"LogGroupName": "seed-success", "Nested": {"A": [1, 2]}}
        tokens[status] = fake.seed_request(LOG_GROUP, **kwargs).request_token
    hooked = fake.seed_request(LOG_GROUP, operation="UPDATE", hooks=[full_hook, minimal_hook]).request_token
    for token in (*tokens.values(), hooked):
        r.call("get_resource_request_status", RequestToken=token)
    r.call("get_resource_request_status", RequestToken="0" * 36)  # RequestTokenNotFound
    r.call("get_resource_request_status", RequestToken="bad token!")  # framework validation

    # CancelResourceRequest in every answer it has
    for status in (OperationStatus.PENDING, OperationStatus.IN_PROGRESS):
        r.call("cancel_resource_request", RequestToken=tokens[status])
    r.call("cancel_resource_request", RequestToken=tokens[OperationStatus.CANCEL_COMPLETE])
    r.call("cancel_resource_request", RequestToken=tokens[OperationStatus.CANCEL_IN_PROGRESS])
    r.call("cancel_resource_request", RequestToken=tokens[OperationStatus.SUCCESS])  # ValidationException
    r.call("cancel_resource_request", RequestToken=tokens[OperationStatus.FAILED])  # ValidationException
    r.call("cancel_resource_request", RequestToken="f" * 36)  # RequestTokenNotFound
    fake.inject_error("CancelResourceRequest", "ConcurrentModificationException")
    r.call("cancel_resource_request", RequestToken=hooked)

    # writes: successes, and the errors the fake answers on its own
    fake.progression = Progression.after_reads(2)
    created = r.call("create_resource", TypeName=LOG_GROUP, DesiredState='{"LogGroupName": "g"}')
    assert created is not None
    r.call("get_resource_request_status", RequestToken=created["ProgressEvent"]["RequestToken"])
    r.call("get_resource_request_status", RequestToken=created["ProgressEvent"]["RequestToken"])
    fake.progression = Progression.immediate()
    bucket = r.call("create_resource", TypeName="AWS::S3::Bucket", DesiredState="{}", ClientToken="ct-1")
    assert bucket is not None
    r.call("create_resource", TypeName="AWS::S3::Bucket", DesiredState="{}", ClientToken="ct-1")  # replay
    r.call(
        "create_resource",
        TypeName="AWS::S3::Bucket",
        DesiredState='{"BucketName":"other"}',
        ClientToken="ct-1",
    )
    r.call("create_resource", TypeName="AWS::Nope::Thing", DesiredState="{}")
    r.call("create_resource", TypeName="AWS::AppMesh::Mesh", DesiredState="{}")
    r.call("create_resource", TypeName=LOG_GROUP, DesiredState="[1, 2]")
    r.call("create_resource", TypeName=LOG_GROUP, DesiredState='{"LogGroupName": "g"}')  # AlreadyExists later
    fake.script(
        LOG_GROUP, "UPDATE", hooks=[full_hook], outcome=Outcome.failed("InternalFailure", "x"), times=1
    )
    updated = r.call(
        "update_resource",
        TypeName=LOG_GROUP,
        Identifier="g",
        PatchDocument='[{"op": "add", "path": "/RetentionInDays", "value": 7}]',
    )
    assert updated is not None
    r.call("get_resource_request_status", RequestToken=updated["ProgressEvent"]["RequestToken"])
    r.call(
        "update_resource",
        TypeName=LOG_GROUP,
        Identifier="g",
        PatchDocument='[{"op":"remove","path":"/LogGroupName"}]',
    )
    r.call(
        "update_resource",
        TypeName=LOG_GROUP,
        Identifier="g",
        PatchDocument='[{"op":"remove","path":"/Nope"}]',
    )
    r.call("update_resource", TypeName=LOG_GROUP, Identifier="nope", PatchDocument="[]")
    r.call("update_resource", TypeName="AWS::ACMPCA::Permission", Identifier="x", PatchDocument="[]")
    fake.progression = Progression.manual()
    deleting = r.call("delete_resource", TypeName=LOG_GROUP, Identifier="g")
    assert deleting is not None
    r.call("delete_resource", TypeName=LOG_GROUP, Identifier="g")  # ConcurrentOperation
    fake.complete(deleting["ProgressEvent"]["RequestToken"])
    fake.progression = Progression.immediate()
    r.call("delete_resource", TypeName=LOG_GROUP, Identifier="ghost")
    r.call("get_resource_request_status", RequestToken=r.exchanges[-1].body["ProgressEvent"]["RequestToken"])

    # reads
    for n in range(150):
        fake.seed_resource(
            LOG_GROUP, {"LogGroupName": f"lg-{n:03d}", "Tags": [{"Key": "n", "Value": str(n)}]}
        )
    r.call("get_resource", TypeName=LOG_GROUP, Identifier="lg-000")
    r.call("get_resource", TypeName=LOG_GROUP, Identifier="nope")
    first = r.call("list_resources", TypeName=LOG_GROUP)
    assert first is not None
    assert "NextToken" in first
    r.call("list_resources", TypeName=LOG_GROUP, NextToken=first["NextToken"])
    r.call("list_resources", TypeName="AWS::EKS::Nodegroup")
    r.call("list_resources", TypeName="AWS::EKS::Nodegroup", ResourceModel='{"ClusterName": "none"}')
    r.call("list_resources", TypeName=LOG_GROUP, NextToken="not-a-token")
    r.call("list_resources", TypeName="AWS::ACMPCA::Permission")

    # request listings
    page = r.call("list_resource_requests", MaxResults=3)
    assert page is not None
    assert "NextToken" in page
    r.call("list_resource_requests", MaxResults=100, NextToken=page["NextToken"])
    r.call(
        "list_resource_requests",
        ResourceRequestStatusFilter={"Operations": ["UPDATE", "DELETE"], "OperationStatuses": ["FAILED"]},
    )
    r.call("list_resource_requests", ResourceRequestStatusFilter={"OperationStatuses": ["PENDING"]})
    r.call("list_resource_requests", MaxResults=101)  # framework validation, beyond the model's max
    return r.exchanges


@pytest.fixture
def exchanges(cloudcontrol: FakeCloudControl) -> list[Exchange]:
    return representative_run(cloudcontrol)


def events_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The ProgressEvents in an answer body: its ProgressEvent and any request summaries."""
    events = [body["ProgressEvent"]] if "ProgressEvent" in body else []
    return events + list(body.get("ResourceRequestStatusSummaries", []))


def test_run_covers_every_operation_status_and_hook(exchanges: list[Exchange]) -> None:
    ok_operations = {e.operation for e in exchanges if e.status == 200}
    assert ok_operations == set(MODEL.operation_names)

    statuses = set()
    for exchange in exchanges:
        if exchange.status != 200:
            continue
        events = events_of(exchange.body)
        statuses |= {event["OperationStatus"] for event in events}
    assert statuses == {s.value for s in OperationStatus}
    assert any("HooksProgressEvent" in e.body for e in exchanges)
    error_codes = {e.body["__type"].rpartition("#")[2] for e in exchanges if e.status != 200}
    assert error_codes >= {
        "RequestTokenNotFoundException",
        "ValidationException",
        "ConcurrentModificationException",
        "ClientTokenConflictException",
        "TypeNotFoundException",
        "UnsupportedActionException",
        "NotUpdatableException",
        "ResourceNotFoundException",
        "ConcurrentOperationException",
        "InvalidRequestException",
    }


def test_every_200_body_fits_the_output_shape_on_the_wire(exchanges: list[Exchange]) -> None:
    checked = 0
    for exchange in exchanges:
        if exchange.status == 200:
            shape = MODEL.operation_model(exchange.operation).output_shape
            check_wire(shape, exchange.body, f"{exchange.operation}$")
            checked += 1
    assert checked >= 30


def test_botocores_parsed_output_fits_the_output_shape(exchanges: list[Exchange]) -> None:
    parsed = [e for e in exchanges if e.status == 200 and e.parsed is not None]
    assert len(parsed) >= 30
    for exchange in parsed:
        assert exchange.parsed is not None
        shape = MODEL.operation_model(exchange.operation).output_shape
        check_parsed(shape, exchange.parsed, "$")
        # the parse loses nothing: every wire member is in the parsed output
        assert set(exchange.body) <= set(exchange.parsed)
        assert exchange.parsed["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_json_documents_in_strings_are_json_objects(exchanges: list[Exchange]) -> None:
    seen = 0
    for exchange in exchanges:
        if exchange.status != 200:
            continue
        events = events_of(exchange.body)
        documents = [e["ResourceModel"] for e in events if "ResourceModel" in e]
        documents += [d["Properties"] for d in exchange.body.get("ResourceDescriptions", [])]
        if "ResourceDescription" in exchange.body:
            documents.append(exchange.body["ResourceDescription"]["Properties"])
        for document in documents:
            assert isinstance(json.loads(document), dict)
            seen += 1
    assert seen > 100


def test_every_answer_has_the_aws_headers(exchanges: list[Exchange]) -> None:
    request_ids = set()
    for exchange in exchanges:
        assert exchange.headers["content-type"] == "application/x-amz-json-1.0"
        assert re.fullmatch(
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            exchange.headers["x-amzn-requestid"],
        )
        assert "x-amzn-errortype" not in exchange.headers
        request_ids.add(exchange.headers["x-amzn-requestid"])
    assert len(request_ids) == len(exchanges)


def test_every_error_body_is_in_aws_wire_form(exchanges: list[Exchange]) -> None:
    errors = [e for e in exchanges if e.status != 200]
    assert len(errors) > 15
    for exchange in errors:
        namespace, _, code = exchange.body["__type"].partition("#")
        if code in FRAMEWORK_ERRORS and namespace != SERVICE_NAMESPACE:
            expected_namespace, message_key = FRAMEWORK_ERRORS[code]
            assert namespace == expected_namespace, exchange
        else:
            assert namespace == SERVICE_NAMESPACE, exchange
            message_key = "Message"
            shape = MODEL.shape_for(code)
            assert shape.metadata.get("exception"), code
            # modeled errors the fake makes on its own are ones the operation declares
            assert code in {s.name for s in MODEL.operation_model(exchange.operation).error_shapes}, (
                exchange.operation,
                code,
            )
            assert exchange.status == (500 if is_fault(code) else 400), (code, exchange.status)
        assert set(exchange.body) == {"__type", message_key}, exchange.body
        assert isinstance(exchange.body[message_key], str)
        assert exchange.body[message_key]


def test_framework_validation_uses_coral_wording(exchanges: list[Exchange]) -> None:
    bad_token = next(
        e
        for e in exchanges
        if e.operation == "GetResourceRequestStatus" and "ValidationException" in e.body.get("__type", "")
    )
    assert bad_token.body == {
        "__type": "com.amazon.coral.validate#ValidationException",
        "message": "1 validation error detected: Value 'bad token!' at 'requestToken' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [-A-Za-z0-9+/=]+",
    }


# -- every modeled error, injected -----------------------------------------------------------------


def no_retry_client(fake: FakeCloudControl) -> Any:
    return boto3.client(
        "cloudcontrol", region_name=fake.region, config=Config(retries={"total_max_attempts": 1})
    )


def _calls(client: Any) -> Iterator[tuple[str, Any]]:
    yield "GetResource", lambda: client.get_resource(TypeName=LOG_GROUP, Identifier="x")
    yield (
        "CreateResource",
        lambda: client.create_resource(TypeName=LOG_GROUP, DesiredState='{"LogGroupName": "x"}'),
    )
    yield "ListResourceRequests", lambda: client.list_resource_requests()


@pytest.mark.parametrize("error_name", EXCEPTION_SHAPES)
def test_every_modeled_error_can_be_injected_and_reaches_the_client(
    cloudcontrol: FakeCloudControl, error_name: str
) -> None:
    client = no_retry_client(cloudcontrol)
    exception_class = getattr(client.exceptions, error_name)
    shape = MODEL.shape_for(error_name)
    fault = is_fault(error_name)
    assert shape.metadata.get("exception")

    for operation, call in _calls(client):
        cloudcontrol.inject_error(operation, error_name, message=f"injected {error_name}")
        with pytest.raises(exception_class) as excinfo:
            call()
        response = excinfo.value.response
        assert type(excinfo.value) is exception_class
        assert response["Error"]["Code"] == error_name
        assert response["Error"]["Message"] == f"injected {error_name}"
        status = response["ResponseMetadata"]["HTTPStatusCode"]
        assert status == (500 if fault else 400)
        assert "x-amzn-errortype" not in response["ResponseMetadata"]["HTTPHeaders"]
    # the failing calls changed nothing
    assert cloudcontrol.requests == []
    assert cloudcontrol.resources == []
    assert cloudcontrol.pending_errors == []


@pytest.mark.parametrize("error_name", EXCEPTION_SHAPES)
def test_injected_error_without_message_keeps_the_wire_form(
    cloudcontrol: FakeCloudControl, error_name: str
) -> None:
    client = no_retry_client(cloudcontrol)
    cloudcontrol.inject_error("GetResource", error_name)

    with pytest.raises(getattr(client.exceptions, error_name)):
        client.get_resource(TypeName=LOG_GROUP, Identifier="x")

    body = cloudcontrol.calls[-1].response
    namespace, _, code = body["__type"].partition("#")
    assert code == error_name
    if namespace == SERVICE_NAMESPACE:
        assert set(body) <= {"__type", "Message"}
    else:
        # ThrottlingException goes out as the framework's, as AWS was seen sending it
        assert (namespace, error_name) == ("com.amazon.coral.availability", "ThrottlingException")
        assert body["message"] == "Rate exceeded"


def test_injected_modeled_errors_without_message_carry_a_default_message(
    cloudcontrol: FakeCloudControl,
) -> None:
    client = no_retry_client(cloudcontrol)
    missing = []
    for error_name in EXCEPTION_SHAPES:
        cloudcontrol.inject_error("GetResource", error_name)
        with pytest.raises(ClientError) as excinfo:
            client.get_resource(TypeName=LOG_GROUP, Identifier="x")
        if not excinfo.value.response["Error"].get("Message"):
            missing.append(error_name)
    assert missing == []


def test_the_model_has_the_documented_faults() -> None:
    assert FAULTS == [
        "ConcurrentModificationException",
        "HandlerFailureException",
        "HandlerInternalFailureException",
        "NetworkFailureException",
        "ServiceInternalErrorException",
    ]


@pytest.mark.parametrize("error_name", FAULTS)
def test_faults_are_retried_by_botocore(cloudcontrol: FakeCloudControl, error_name: str) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "x"})
    cloudcontrol.inject_error("GetResource", error_name, times=2)
    client = boto3.client("cloudcontrol", region_name=cloudcontrol.region)

    answer = client.get_resource(TypeName=LOG_GROUP, Identifier="x")

    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert [c.status_code for c in cloudcontrol.calls_to("GetResource")] == [500, 500, 200]


def test_injected_status_code_is_honoured(cloudcontrol: FakeCloudControl) -> None:
    client = no_retry_client(cloudcontrol)
    cloudcontrol.inject_error("GetResource", "ResourceNotFoundException", status_code=404)

    with pytest.raises(client.exceptions.ResourceNotFoundException) as excinfo:
        client.get_resource(TypeName=LOG_GROUP, Identifier="x")

    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
