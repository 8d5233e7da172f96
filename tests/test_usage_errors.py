"""A test's own mistakes: every public input is checked where it is given.

A bad one raises a ``CloudControlUsageError`` that says what to pass, and leaves the fake as it was.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import pytest

from pytest_cloudcontrol import CloudControlUsageError, FakeCloudControl, Outcome, Progression, ResourceType
from pytest_cloudcontrol.settings import FakeSettings

TYPE = "AWS::Logs::LogGroup"
NAN, INF = math.nan, math.inf


def _nested(depth: int) -> dict[str, Any]:
    """A JSON object whose json depth (the object 1, each value one more) is ``depth``."""
    value: Any = 1
    for _ in range(depth - 1):
        value = {"a": value}
    return value  # type: ignore[no-any-return]


def _state(fake: FakeCloudControl) -> tuple[Any, ...]:
    return (
        [asdict(request) for request in fake.requests],
        [asdict(resource) for resource in fake.resources],
        fake.clock.time(),
        fake.pending_errors,
        [asdict(fault) for fault in fake.pending_faults],
        fake.progression,
        list(fake._service.scripts),
        len(fake.calls),
    )


Misuse = Callable[[FakeCloudControl, str], Any]


def _set_progression(fake: FakeCloudControl, value: Any) -> None:
    fake.progression = value


MISUSES: list[tuple[str, Misuse, str]] = [
    # time
    (
        "advance(nan)",
        lambda f, t: f.advance(NAN),
        r"advance\(seconds\) must be finite and 0 or more; got nan",
    ),
    ("advance(inf)", lambda f, t: f.advance(INF), "must be finite"),
    ("advance(1e12)", lambda f, t: f.advance(1e12), "keep the clock before 9999"),
    ("advance('5')", lambda f, t: f.advance("5"), r"must be a number of seconds \(int or float\); got '5'"),
    ("advance(-1)", lambda f, t: f.advance(-1), "finite and 0 or more; got -1"),
    ("advance(True)", lambda f, t: f.advance(True), "must be a number of seconds"),
    # progressions and outcomes
    ("Progression.after(nan)", lambda f, t: Progression.after(NAN), "finite duration.*Progression.manual"),
    ("Progression.after(inf)", lambda f, t: Progression.after(INF), "finite duration"),
    ("Progression.after('5')", lambda f, t: Progression.after("5"), "a number of seconds; got '5'"),
    ("Progression.after_reads(1.5)", lambda f, t: Progression.after_reads(1.5), "whole number of reads"),
    ("Outcome.failed('Oops')", lambda f, t: Outcome.failed("Oops"), "one of NotUpdatable.*got 'Oops'"),
    (
        "seed progression='manual'",
        lambda f, t: f.seed_request(TYPE, progression="manual"),
        "must be a Progression",
    ),
    ("seed outcome='FAILED'", lambda f, t: f.seed_request(TYPE, outcome="FAILED"), "must be an Outcome"),
    (
        "seed outcome FAILED without code",
        lambda f, t: f.seed_request(TYPE, outcome=Outcome("FAILED")),
        "FAILED with an error_code, or SUCCESS without one",
    ),
    (
        "seed outcome CANCEL_COMPLETE",
        lambda f, t: f.seed_request(TYPE, outcome=Outcome("CANCEL_COMPLETE")),
        r"outcome\.status must be SUCCESS or FAILED",
    ),
    (
        "fake.progression = 'immediate'",
        lambda f, t: _set_progression(f, "immediate"),
        "must be a Progression",
    ),
    (
        "set_progression(token, 'manual')",
        lambda f, t: f.set_progression(t, "manual"),
        "must be a Progression",
    ),
    ("script(progression='x')", lambda f, t: f.script(TYPE, progression="x"), "must be a Progression"),
    ("script(outcome='FAILED')", lambda f, t: f.script(TYPE, outcome="FAILED"), "must be an Outcome"),
    ("script(times=0)", lambda f, t: f.script(TYPE, times=0), "times must be between 1 and 1000"),
    ("script of an unknown type", lambda f, t: f.script("AWS::No::Such"), "unknown resource type"),
    # resource models
    ("resource_model bytes", lambda f, t: f.seed_request(TYPE, resource_model=b"{}"), "must be a dict"),
    ("resource_model set", lambda f, t: f.seed_request(TYPE, resource_model={"a"}), "must be a dict"),
    ("resource_model object", lambda f, t: f.seed_request(TYPE, resource_model=object()), "must be a dict"),
    ("resource_model list", lambda f, t: f.seed_request(TYPE, resource_model=[]), "must be a dict"),
    (
        "resource_model JSON text",
        lambda f, t: f.seed_request(TYPE, resource_model='{"a": 1}'),
        r"must be a dict of property names to JSON values \(not a JSON string\)",
    ),
    (
        "resource_model 900 deep",
        lambda f, t: f.seed_request(TYPE, resource_model=_nested(900)),
        "deeper than 100",
    ),
    (
        "resource_model 101 deep",
        lambda f, t: f.seed_request(TYPE, resource_model=_nested(101)),
        "deeper than 100",
    ),
    (
        "resource_model NaN",
        lambda f, t: f.seed_request(TYPE, resource_model={"X": NAN}),
        r"\['X'\] must be a finite",
    ),
    (
        "resource_model Infinity",
        lambda f, t: f.seed_request(TYPE, resource_model={"X": [INF]}),
        r"resource_model\['X'\]\[0\] must be a finite number",
    ),
    (
        "resource_model int key",
        lambda f, t: f.seed_request(TYPE, resource_model={1: "a"}),
        "key must be a string",
    ),
    (
        "resource_model of an object",
        lambda f, t: f.seed_request(TYPE, resource_model={"X": object()}),
        "must be a JSON value",
    ),
    # type names, tokens, identifiers, places
    (
        "unknown type",
        lambda f, t: f.seed_request("AWS::No::Such"),
        "unknown resource type 'AWS::No::Such'.*register_type",
    ),
    ("malformed type", lambda f, t: f.seed_request("LogGroup"), r"type_name must be a string of 10 to 196"),
    ("type that is not text", lambda f, t: f.seed_request(5), "type_name must be a string"),
    (
        "registered type with a malformed name",
        lambda f, t: f.register_type(
            ResourceType(type_name="Thing", primary_identifier=("/properties/Name",))
        ),
        r"type_name must be a string of 10 to 196 characters matching .*; got 'Thing'",
    ),
    (
        "registered schema with a malformed name",
        lambda f, t: f.register_type({"typeName": "Svc::Thing", "primaryIdentifier": ["/properties/Name"]}),
        r"type_name must be a string of 10 to 196 characters matching .*; got 'Svc::Thing'",
    ),
    (
        "empty token",
        lambda f, t: f.seed_request(TYPE, request_token=""),
        "request_token must be a string of 1 to 128",
    ),
    ("bad token", lambda f, t: f.seed_request(TYPE, request_token="bad token!"), r"\[-A-Za-z0-9\+/=\]\+"),
    ("long token", lambda f, t: f.seed_request(TYPE, request_token="a" * 129), "1 to 128 characters"),
    (
        "empty identifier",
        lambda f, t: f.seed_request(TYPE, identifier=""),
        "identifier must be a string of 1",
    ),
    ("region", lambda f, t: f.seed_request(TYPE, region="nowhere"), "region must be an AWS Region name"),
    ("account", lambda f, t: f.seed_request(TYPE, account_id=12), "12-digit account id"),
    (
        "error_code with SUCCESS",
        lambda f, t: f.seed_request(TYPE, status="SUCCESS", error_code="NotFound"),
        "error_code goes with status FAILED only",
    ),
    ("hooks=None", lambda f, t: f.seed_request(TYPE, hooks=None), "hooks must be a list"),
    ("hooks='x'", lambda f, t: f.seed_request(TYPE, hooks="Org::Hook"), "hooks must be a list"),
    ("hooks=[5]", lambda f, t: f.seed_request(TYPE, hooks=[5]), r"hooks\[0\] must be a HookProgressEvent"),
    (
        "identifier contradicting properties",
        lambda f, t: f.seed_resource(TYPE, {"LogGroupName": "a"}, identifier="b"),
        "identifier 'b' contradicts the properties: LogGroupName is 'a'",
    ),
    (
        "seed identifier contradicting the model",
        lambda f, t: f.seed_request(TYPE, identifier="b", resource_model={"LogGroupName": "a"}),
        "contradicts the properties",
    ),
    (
        "compound identifier with one part",
        lambda f, t: f.seed_resource("AWS::EC2::Route", {}, identifier="rtb-1"),
        "it has 2 part",
    ),
    ("resource properties as text", lambda f, t: f.seed_resource(TYPE, "{}"), "properties must be a dict"),
    # injected errors
    (
        "status_code '500'",
        lambda f, t: f.inject_error("CancelResourceRequest", "ThrottlingException", status_code="500"),
        r"an HTTP error status, an int from 400 to 599 \(or None\); got '500'",
    ),
    (
        "status_code 200",
        lambda f, t: f.inject_error("CancelResourceRequest", "ThrottlingException", status_code=200),
        "from 400 to 599",
    ),
    (
        "times 1.5",
        lambda f, t: f.inject_error("GetResource", "ThrottlingException", times=1.5),
        "a whole number",
    ),
    (
        "times '2'",
        lambda f, t: f.inject_error("GetResource", "ThrottlingException", times="2"),
        "a whole number",
    ),
    (
        "times None",
        lambda f, t: f.inject_error("GetResource", "ThrottlingException", times=None),
        "a whole number",
    ),
    (
        "times 10**7",
        lambda f, t: f.inject_error("GetResource", "ThrottlingException", times=10**7),
        "1 and 1000",
    ),
    (
        "operation list",
        lambda f, t: f.inject_error(["GetResource"], "ThrottlingException"),
        "unknown operation",
    ),
    # injected network errors and matchers
    (
        "network error kind",
        lambda f, t: f.inject_network_error("GetResource", "reset"),
        "kind must be one of 'connect', 'read_timeout', 'connection_closed'; got 'reset'",
    ),
    (
        "after -1",
        lambda f, t: f.inject_network_error("GetResource", after=-1),
        "after must be between 0 and 1000; got -1",
    ),
    (
        "token on ListResources",
        lambda f, t: f.inject_error("ListResources", "InternalFailure", token=t),
        "ListResources calls have none",
    ),
    (
        "type_name unknown",
        lambda f, t: f.inject_error("CreateResource", "InternalFailure", type_name="AWS::No::Such"),
        "unknown resource type 'AWS::No::Such'",
    ),
    # finishing requests
    (
        "complete SUCCESS with an error code",
        lambda f, t: f.complete(t, "SUCCESS", error_code="NotFound"),
        r"takes no error_code.*complete\(token, 'FAILED', error_code='NotFound'\)",
    ),
    (
        "set_status with a bad code",
        lambda f, t: f.set_status(t, "FAILED", error_code="Oops"),
        "error_code must be",
    ),
]


@pytest.mark.parametrize(("misuse", "match"), [(m, x) for _, m, x in MISUSES], ids=[i for i, _, _ in MISUSES])
def test_a_bad_argument_is_a_usage_error_and_changes_nothing(
    cloudcontrol: FakeCloudControl, client: Any, misuse: Misuse, match: str
) -> None:
    token = cloudcontrol.seed_request(TYPE, identifier="kept").request_token
    cloudcontrol.seed_resource(TYPE, {"LogGroupName": "existing"})
    before = _state(cloudcontrol)

    with pytest.raises(CloudControlUsageError, match=match):
        misuse(cloudcontrol, token)

    assert _state(cloudcontrol) == before
    # ... and the fake keeps working for the whole Region.
    listed = client.list_resource_requests()["ResourceRequestStatusSummaries"]
    assert [event["RequestToken"] for event in listed] == [token]
    cloudcontrol.advance(1)


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"region": "moon-1"}, "region must be an AWS Region name such as 'us-east-1'.*got 'moon-1'"),
        ({"region": "US-EAST-1"}, "region must be an AWS Region name"),
        ({"region": None}, "region must be an AWS Region name"),
        ({"account_id": "123"}, "account_id must be a 12-digit account id"),
        ({"account_id": 123456789012}, "account_id must be a 12-digit account id"),
        ({"accounts": {"AKIAOTHER": "1"}}, r"accounts\['AKIAOTHER'\] must be a 12-digit"),
        ({"accounts": ["AKIA"]}, "accounts must be a mapping"),
        ({"fast": "yes"}, "fast must be True or False; got 'yes'"),
        ({"virtual_time": 1}, "virtual_time must be True or False"),
        ({"progression": "immediate"}, "progression must be a Progression"),
        ({"start_time": NAN}, "start_time must be a time between 1970 and 9999"),
        ({"start_time": "now"}, "start_time must be a datetime, epoch seconds or None"),
    ],
)
def test_a_bad_option_is_a_usage_error_before_anything_starts(options: dict[str, Any], match: str) -> None:
    environment = dict(os.environ)

    with pytest.raises(CloudControlUsageError, match=match):
        FakeCloudControl(**options)

    assert dict(os.environ) == environment


def test_every_bad_option_is_named_at_once() -> None:
    with pytest.raises(CloudControlUsageError) as raised:
        FakeCloudControl(region="moon-1", fast="yes")

    assert str(raised.value).startswith("FakeCloudControl got bad options: region must be")
    assert "; fast must be True or False" in str(raised.value)


def test_regions_of_every_partition_are_accepted() -> None:
    for region in (
        "us-east-1",
        "eu-central-2",
        "cn-north-1",
        "us-gov-west-1",
        "us-isob-east-1",
        "il-central-1",
    ):
        assert FakeCloudControl(region=region).region == region


def test_a_model_exactly_as_deep_as_aws_accepts_is_seeded(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    token = cloudcontrol.seed_request(TYPE, resource_model=_nested(100)).request_token

    event = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]

    assert event["ResourceModel"].count("{") == 99


def test_a_seeded_model_is_a_copy(cloudcontrol: FakeCloudControl, client: Any) -> None:
    model = {"LogGroupName": "g", "Tags": [{"Key": "k", "Value": "v"}]}
    token = cloudcontrol.seed_request(TYPE, resource_model=model).request_token

    model["Tags"][0]["Value"] = "changed later"  # type: ignore[index]

    event = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
    assert '"Value":"v"' in event["ResourceModel"]


def test_a_seeded_resource_takes_its_identifier_into_its_properties(cloudcontrol: FakeCloudControl) -> None:
    resource = cloudcontrol.seed_resource("AWS::EC2::Route", {}, identifier="rtb-1|0.0.0.0/0")

    assert resource.identifier == "rtb-1|0.0.0.0/0"
    assert (resource.properties["RouteTableId"], resource.properties["CidrBlock"]) == ("rtb-1", "0.0.0.0/0")


def test_more_bad_arguments_name_what_to_pass(cloudcontrol: FakeCloudControl) -> None:
    with pytest.raises(CloudControlUsageError, match="status_message must be a string or None; got 5"):
        cloudcontrol.seed_request(TYPE, status_message=5)
    with pytest.raises(CloudControlUsageError, match="accounts must be keyed by access key ids"):
        FakeCloudControl(accounts={"not a key!": "123456789012"})
    with pytest.raises(CloudControlUsageError, match=r"hooks\[0\]\.colour: unknown field"):
        cloudcontrol.seed_request(TYPE, hooks=[{"hook_type_name": "Org::Svc::Hook", "colour": "red"}])
    with pytest.raises(CloudControlUsageError, match="unknown option 'regoin'"):
        FakeSettings.of({"regoin": "eu-west-1"})
    token = cloudcontrol.seed_request(TYPE, status="SUCCESS").request_token
    with pytest.raises(
        CloudControlUsageError, match=r"already finished \(SUCCESS\): a progression moves in-flight"
    ):
        cloudcontrol.set_progression(token, Progression.immediate())
    assert cloudcontrol.requests[0].status == "SUCCESS"


def test_good_arguments_of_every_kind_are_taken(cloudcontrol: FakeCloudControl, client: Any) -> None:
    from pytest_cloudcontrol import HookProgressEvent

    hook = HookProgressEvent(hook_type_name="Org::Svc::Hook")
    seeded = cloudcontrol.seed_request(
        TYPE,
        resource_model={"LogGroupName": "g", "Ratio": 1.5, "Tags": ({"Key": "k", "Value": "v"},), "On": None},
        hooks=[hook],
        outcome=Outcome(),
        status_message="working",
    )

    assert seeded.resource_model == {
        "LogGroupName": "g",
        "Ratio": 1.5,
        "Tags": [{"Key": "k", "Value": "v"}],
        "On": None,
    }
    assert client.get_resource_request_status(RequestToken=seeded.request_token)["HooksProgressEvent"]
