"""The control API: every route, its checks and its errors (``control.answer``, then over HTTP)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from pytest_cloudcontrol import FakeCloudControl
from pytest_cloudcontrol.control import answer

MakeWire = Callable[..., Any]  # conftest's wire fixture: url → WireClient


class Served:
    """A ``control.Target`` without a server: the fake it serves."""

    def __init__(self) -> None:
        self.fake = FakeCloudControl()


@pytest.fixture
def served() -> Served:
    return Served()


def ask(served: Served, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = b"" if body is None else json.dumps(body).encode()
    return answer(served, method, "/_cloudcontrol/" + path, data)


def test_a_seeded_request_is_answered_and_listed(served: Served) -> None:
    status, seeded = ask(
        served,
        "POST",
        "requests",
        {"type_name": "AWS::Logs::LogGroup", "operation": "DELETE", "identifier": "g", "region": "eu-west-1"},
    )

    assert status == 200
    assert seeded["operation"] == "DELETE"
    assert seeded["status"] == "IN_PROGRESS"
    assert seeded["region"] == "eu-west-1"
    assert seeded["event_time"] == served.fake.get_request(seeded["request_token"]).event_time.isoformat()
    assert ask(served, "GET", "requests") == (200, [seeded])
    assert ask(served, "GET", f"requests/{seeded['request_token']}") == (200, seeded)


def test_a_seeded_request_takes_a_progression_an_outcome_and_hooks(served: Served) -> None:
    _, seeded = ask(
        served,
        "POST",
        "requests",
        {
            "type_name": "AWS::Logs::LogGroup",
            "progression": {"after": 30},
            "outcome": {"status": "FAILED", "error_code": "NotStabilized", "status_message": "slow"},
            "hooks": [{"hook_type_name": "My::Hook::Type"}],
        },
    )
    token = seeded["request_token"]
    assert seeded["hooks"][0]["hook_type_name"] == "My::Hook::Type"

    assert ask(served, "POST", "clock/advance", {"seconds": 30}) == (200, {"time": served.fake.clock.time()})

    finished = served.fake.get_request(token)
    assert (finished.status, finished.error_code, finished.status_message) == (
        "FAILED",
        "NotStabilized",
        "slow",
    )


@pytest.mark.parametrize(
    ("progression", "reads_to_finish"),
    [("immediate", 1), ({"after_reads": 2}, 2)],
)
def test_progressions_by_reads(served: Served, progression: Any, reads_to_finish: int) -> None:
    _, seeded = ask(
        served, "POST", "requests", {"type_name": "AWS::Logs::LogGroup", "progression": progression}
    )
    client = served.fake.client()
    with served.fake:
        statuses = [
            client.get_resource_request_status(RequestToken=seeded["request_token"])["ProgressEvent"][
                "OperationStatus"
            ]
            for _ in range(reads_to_finish)
        ]
    assert statuses[-1] == "SUCCESS"
    assert "SUCCESS" not in statuses[:-1]


def test_set_status_and_complete(served: Served) -> None:
    _, first = ask(served, "POST", "requests", {"type_name": "AWS::Logs::LogGroup", "progression": "manual"})
    _, second = ask(served, "POST", "requests", {"type_name": "AWS::Logs::LogGroup"})

    status, stuck = ask(
        served, "POST", f"requests/{first['request_token']}/status", {"status": "CANCEL_IN_PROGRESS"}
    )
    done = ask(
        served,
        "POST",
        f"requests/{second['request_token']}/complete",
        {"status": "FAILED", "error_code": "AccessDenied"},
    )

    assert (status, stuck["status"]) == (200, "CANCEL_IN_PROGRESS")
    assert done[0] == 200
    assert (done[1]["status"], done[1]["error_code"]) == ("FAILED", "AccessDenied")


def test_a_seeded_resource_is_answered_and_listed(served: Served) -> None:
    status, resource = ask(
        served, "POST", "resources", {"type_name": "AWS::Logs::LogGroup", "properties": {"LogGroupName": "g"}}
    )

    assert status == 200
    assert resource["identifier"] == "g"
    assert resource["properties"]["Arn"].endswith(":log-group:g:*")
    assert ask(served, "GET", "resources") == (200, [resource])


def test_an_injected_error_is_pending(served: Served) -> None:
    status, pending = ask(
        served,
        "POST",
        "errors",
        {"operation": "GetResource", "error_code": "ThrottlingException", "times": 2},
    )

    assert status == 200
    assert pending["pending"] == [{"operation": "GetResource", "error_code": "ThrottlingException"}] * 2
    (fault,) = pending["faults"]
    assert (fault["kind"], fault["code"], fault["times"], fault["raised"]) == (
        "error",
        "ThrottlingException",
        2,
        0,
    )
    assert ask(served, "GET", "errors") == (200, pending)


def test_an_injected_network_error_is_pending(served: Served) -> None:
    status, pending = ask(
        served, "POST", "network-errors", {"operation": "CancelResourceRequest", "kind": "connection_closed"}
    )

    assert status == 200
    assert pending["pending"] == [], "pending_errors lists wire errors only"
    (fault,) = pending["faults"]
    assert (fault["operation"], fault["kind"]) == ("CancelResourceRequest", "connection_closed")


def test_the_call_log(served: Served) -> None:
    with served.fake:
        served.fake.client("eu-west-1").list_resource_requests()

    status, calls = ask(served, "GET", "calls")

    assert status == 200
    (call,) = calls
    assert set(call) == {
        "operation",
        "params",
        "status_code",
        "error_code",
        "region",
        "account_id",
        "request_id",
        "answer_lost",
    }
    assert (call["operation"], call["status_code"], call["region"]) == (
        "ListResourceRequests",
        200,
        "eu-west-1",
    )


def test_reset_empties_the_same_fake_as_a_new_one_starts(served: Served) -> None:
    before = served.fake
    before.register_type({"typeName": "Org::Private::Thing", "primaryIdentifier": ["/properties/Id"]})
    ask(served, "POST", "requests", {"type_name": "AWS::Logs::LogGroup"})
    ask(served, "POST", "resources", {"type_name": "AWS::S3::Bucket", "properties": {"BucketName": "b"}})
    ask(served, "POST", "errors", {"operation": "GetResource", "error_code": "ThrottlingException"})

    assert ask(served, "POST", "reset") == (200, {})

    assert served.fake is before
    assert ask(served, "GET", "requests") == (200, [])
    assert ask(served, "GET", "resources") == (200, [])
    assert ask(served, "GET", "errors") == (200, {"pending": [], "faults": []})
    # As a new fake starts: the registered type is gone too (fake.reset() in Python).
    status, answered = ask(served, "POST", "requests", {"type_name": "Org::Private::Thing"})
    assert status == 400
    assert "unknown resource type 'Org::Private::Thing'" in answered["error"]


def test_a_scenario_seeds_everything_or_nothing(served: Served) -> None:
    good = {
        "resources": [{"type_name": "AWS::S3::Bucket", "properties": {"BucketName": "b"}}],
        "requests": [{"type_name": "AWS::Logs::LogGroup", "progression": {"after": 60}}],
    }
    bad = {
        "requests": [{"type_name": "AWS::Logs::LogGroup"}, {"type_name": "AWS::Logs::LogGroup", "status": 7}]
    }

    assert ask(served, "POST", "scenario", good) == (200, {"requests": 1, "resources": 1})
    status, answered = ask(served, "POST", "scenario", bad)

    assert status == 400
    assert "requests[1].status" in answered["error"]
    assert len(served.fake.requests) == 1  # the bad scenario seeded nothing
    ask(served, "POST", "clock/advance", {"seconds": 60})
    assert served.fake.requests[0].status == "SUCCESS"


def test_about_the_fake(served: Served) -> None:
    assert ask(served, "GET", "") == (
        200,
        {"region": "us-east-1", "account_id": "123456789012", "time": served.fake.clock.time()},
    )


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        ("POST", "requests", {"type_name": "AWS::No::Such"}, 400, "unknown resource type 'AWS::No::Such'"),
        ("POST", "requests", {}, 400, "seed_request needs 'type_name'"),
        (
            "POST",
            "requests",
            {"type_name": "AWS::Logs::LogGroup", "colour": 1},
            400,
            "takes no argument 'colour'",
        ),
        (
            "POST",
            "requests",
            {"type_name": "AWS::Logs::LogGroup", "progression": "soon"},
            400,
            "progression must",
        ),
        ("POST", "requests", {"type_name": "AWS::Logs::LogGroup", "outcome": "FAILED"}, 400, "outcome must"),
        ("POST", "requests", {"type_name": "AWS::Logs::LogGroup", "status": "DONE"}, 400, "status"),
        ("POST", "requests/nope/complete", {}, 400, "no request with token 'nope'"),
        ("GET", "requests/nope", None, 400, "no request with token 'nope'"),
        (
            "POST",
            "errors",
            {"operation": "GetResource", "error_code": "Oops"},
            400,
            "unknown error code 'Oops'",
        ),
        ("POST", "clock/advance", {"seconds": -1}, 400, "advance"),
        ("POST", "network-errors", {"operation": "GetResource", "kind": "flood"}, 400, "kind"),
        ("POST", "reset", {"everything": True}, 400, "takes no argument 'everything'"),
        ("GET", "nothing/here", None, 404, "no control route '/_cloudcontrol/nothing/here'"),
        ("GET", "requests/a/b/c", None, 404, "no control route"),
        ("DELETE", "requests", None, 405, "/_cloudcontrol/requests takes GET, POST, not DELETE"),
        ("GET", "reset", None, 405, "takes POST, not GET"),
    ],
)
def test_bad_control_input_is_a_4xx_with_the_reason(
    served: Served, method: str, path: str, body: Any, status: int, message: str
) -> None:
    before = (
        served.fake.requests,
        served.fake.resources,
        served.fake.pending_errors,
        served.fake.clock.time(),
    )

    answered = ask(served, method, path, body)

    assert answered[0] == status
    assert message in answered[1]["error"]
    assert (
        served.fake.requests,
        served.fake.resources,
        served.fake.pending_errors,
        served.fake.clock.time(),
    ) == before


@pytest.mark.parametrize(
    ("body", "message"), [(b"{not json", "the body must be a JSON object"), (b"[1]", "got a list")]
)
def test_a_body_that_is_not_a_json_object_is_a_400(served: Served, body: bytes, message: str) -> None:
    status, error = answer(served, "POST", "/_cloudcontrol/requests", body)

    assert status == 400
    assert message in error["error"]


def test_over_http(wire: MakeWire) -> None:
    with FakeCloudControl().serve() as server:
        client = wire(server.url)
        seeded = client.control("POST", "requests", {"type_name": "AWS::Logs::LogGroup"})
        bad_json = client.control("POST", "requests", b"{")
        unknown = client.control("GET", "nowhere")
        wrong_method = client.control("PUT", "calls")
        _, status = client.call("GetResourceRequestStatus", {"RequestToken": seeded[1]["request_token"]})

    assert seeded[0] == 200
    assert bad_json[0] == 400
    assert unknown[0] == 404
    assert wrong_method[0] == 405
    assert status["ProgressEvent"]["OperationStatus"] == "IN_PROGRESS"
    assert [call.operation for call in server.fake.calls] == ["GetResourceRequestStatus"], (
        "control calls are not Cloud Control calls"
    )


def test_a_path_outside_the_prefix_is_a_404(served: Served) -> None:
    assert answer(served, "GET", "/elsewhere", b"") == (
        404,
        {"error": "no control route '/elsewhere'; the routes are in pytest_cloudcontrol/control.py"},
    )
