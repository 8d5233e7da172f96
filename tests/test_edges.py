"""Edges of the public API: a test's own mistakes, the fake's safety net, transport corner cases."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from typing import Any

import botocore.endpoint
import pytest
import requests
import responses

from pytest_cloudcontrol import CloudControlUsageError, FakeCloudControl, ResourceType
from pytest_cloudcontrol.http import body_bytes


def test_seeding_a_token_twice_is_refused(cloudcontrol: FakeCloudControl) -> None:
    cloudcontrol.seed_request("AWS::Logs::LogGroup", request_token="abc")

    with pytest.raises(CloudControlUsageError, match="'abc' is already seeded"):
        cloudcontrol.seed_request("AWS::Logs::LogGroup", request_token="abc")

    assert len(cloudcontrol.requests) == 1


def test_seeding_a_bad_value_names_it(cloudcontrol: FakeCloudControl) -> None:
    message = r"hooks\[0\]\.hook_type_name: Input should be a valid string"
    with pytest.raises(CloudControlUsageError, match=message):
        cloudcontrol.seed_request("AWS::Logs::LogGroup", hooks=[{"hook_type_name": 5}])


def test_seeding_a_resource_of_an_unknown_type_says_how_to_register_it(
    cloudcontrol: FakeCloudControl,
) -> None:
    with pytest.raises(CloudControlUsageError, match="register_type"):
        cloudcontrol.seed_resource("MyOrg::Svc::Thing", {"Name": "x"})


def test_seeding_a_resource_twice_is_refused(cloudcontrol: FakeCloudControl) -> None:
    cloudcontrol.seed_resource("AWS::Logs::LogGroup", {"LogGroupName": "g"})

    with pytest.raises(CloudControlUsageError, match="already exists"):
        cloudcontrol.seed_resource("AWS::Logs::LogGroup", {"LogGroupName": "g"})


def test_a_failure_of_the_fake_itself_is_a_500_fault_not_a_traceback(
    cloudcontrol: FakeCloudControl, cloudcontrol_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(params: dict[str, Any], scope: tuple[str, str]) -> dict[str, Any]:
        raise KeyError("boom")

    monkeypatch.setitem(cloudcontrol._service._handlers, "ListResourceRequests", broken)
    client = cloudcontrol.client(config=botocore.config.Config(retries={"total_max_attempts": 1}))

    with pytest.raises(client.exceptions.ServiceInternalErrorException) as raised:
        client.list_resource_requests()

    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert raised.value.response["Error"]["Message"] == (
        "pytest-cloudcontrol failed on this request (KeyError: 'boom'); "
        "please report it with the request that caused it"
    )


def test_botocore_keeps_the_rest_of_the_time_module_while_sleeps_are_virtual(
    cloudcontrol: FakeCloudControl,
) -> None:
    before = cloudcontrol.clock.time()
    botocore.endpoint.time.sleep(30)
    assert cloudcontrol.clock.time() == before + 30
    assert abs(botocore.endpoint.time.time() - time.time()) < 60
    assert botocore.endpoint.time.monotonic is time.monotonic


# Bodies are made per run: a file object made at collection is read once, and a second session in
# the same process (mutmut runs the suite twice in one) would see it empty.
@pytest.mark.parametrize(
    ("make_body", "expected"),
    [
        (lambda: None, b""),
        (lambda: b"x", b"x"),
        (lambda: bytearray(b"x"), b"x"),
        (lambda: "x", b"x"),
        (lambda: io.BytesIO(b"x"), b"x"),
        (lambda: io.StringIO("x"), b"x"),
    ],
    ids=["none", "bytes", "bytearray", "str", "bytes-file", "text-file"],
)
def test_request_bodies_of_every_kind_reach_the_protocol_as_bytes(
    make_body: Callable[[], object], expected: bytes
) -> None:
    assert body_bytes(make_body()) == expected


def test_a_route_the_test_removed_from_its_own_mock_is_not_removed_twice(
    cloudcontrol: FakeCloudControl,
) -> None:
    with responses.RequestsMock() as mine, cloudcontrol.mock_requests(mine):
        mine.reset()

    assert mine.registered() == []


def test_requests_without_a_signature_are_refused(cloudcontrol: FakeCloudControl) -> None:
    with cloudcontrol.mock_requests():
        answer = requests.post(
            "https://cloudcontrolapi.us-east-1.amazonaws.com/",
            data=json.dumps({"RequestToken": "x"}),
            headers={"X-Amz-Target": "CloudApiService.GetResourceRequestStatus"},
            timeout=5,
        )

    assert answer.status_code == 400
    assert answer.json() == {
        "__type": "com.amazon.coral.service#MissingAuthenticationTokenException",
        "message": "Request is missing Authentication Token",
    }


def test_a_registered_schema_with_pattern_properties_is_validated(cloudcontrol: FakeCloudControl) -> None:
    pytest.importorskip("jsonschema")
    cloudcontrol._service.validate_desired_state = True
    cloudcontrol.register_type(
        {
            "typeName": "MyOrg::Svc::Thing",
            "primaryIdentifier": ["/properties/Name"],
            "additionalProperties": False,
            "properties": {
                "Name": {"type": "string", "pattern": "^[\\p{L}]+$"},
                "Labels": {
                    "type": "object",
                    "patternProperties": {"^[a-z]+$": {"type": "string"}},
                    "additionalProperties": False,
                },
            },
            "handlers": {"create": {}, "read": {}},
        }
    )
    client = cloudcontrol.client()

    good = client.create_resource(
        TypeName="MyOrg::Svc::Thing", DesiredState=json.dumps({"Name": "ok", "Labels": {"a": "b"}})
    )
    with pytest.raises(client.exceptions.ClientError) as raised:
        client.create_resource(
            TypeName="MyOrg::Svc::Thing",
            DesiredState=json.dumps({"Name": "x1", "Labels": {"a": 1, "B": "c"}}),
        )

    assert good["ProgressEvent"]["OperationStatus"] == "IN_PROGRESS"
    assert raised.value.response["Error"]["Message"] == (
        "Model validation failed (#/Labels: extraneous key [B] is not permitted\n"
        "#/Labels/a: expected type: String, found: Integer\n"
        "#/Name: failed validation constraint for keyword [pattern])"
    )


def test_a_hand_written_type_is_served_by_every_handler(cloudcontrol: FakeCloudControl) -> None:
    cloudcontrol.register_type(
        ResourceType(type_name="MyOrg::Svc::Widget", primary_identifier=("/properties/Id",))
    )
    client = cloudcontrol.client()

    token = client.create_resource(TypeName="MyOrg::Svc::Widget", DesiredState="{}")["ProgressEvent"][
        "RequestToken"
    ]
    identifier = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]["Identifier"]
    listed = client.list_resources(TypeName="MyOrg::Svc::Widget")["ResourceDescriptions"]

    assert [d["Identifier"] for d in listed] == [identifier]


def test_every_public_name_is_exported() -> None:
    import pytest_cloudcontrol

    assert set(pytest_cloudcontrol.__all__) == set(pytest_cloudcontrol._MODULE_OF)
    for name in pytest_cloudcontrol.__all__:
        assert getattr(pytest_cloudcontrol, name).__name__ == name
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = pytest_cloudcontrol.Nope


def test_the_requests_fixture_serves_signed_requests(
    cloudcontrol: FakeCloudControl, cloudcontrol_requests: responses.RequestsMock
) -> None:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    token = cloudcontrol.seed_request("AWS::Logs::LogGroup", region="eu-west-1").request_token
    url = "https://cloudcontrolapi.eu-west-1.amazonaws.com/"
    signed = AWSRequest(
        "POST",
        url,
        data=json.dumps({"RequestToken": token}),
        headers={"X-Amz-Target": "CloudApiService.CancelResourceRequest"},
    )
    SigV4Auth(Credentials("testing", "testing"), "cloudcontrolapi", "eu-west-1").add_auth(signed)

    answer = requests.post(url, data=signed.body, headers=dict(signed.headers), timeout=5)

    assert answer.status_code == 200
    assert answer.json()["ProgressEvent"]["OperationStatus"] == "CANCEL_IN_PROGRESS"
    assert answer.headers["content-type"] == "application/x-amz-json-1.0"
    cloudcontrol.assert_cancelled(token)
    assert cloudcontrol.calls[-1].region == "eu-west-1"
