"""The CLI and the JS SDK get, through the server, the answers boto3 gets in-process for the same state.

Every client parses the same wire answer its own way; ``normalised`` turns the members the model types
as timestamps into epoch milliseconds and keeps every other member as the client gave it. The clients'
own metadata (boto3's ``ResponseMetadata``, the JS SDK's ``$metadata``) is no part of the answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore import xform_name
from subprocess_clients import (
    AwsCli,
    JsSdk,
    boto3_timestamp,
    cli_timestamp,
    js_timestamp,
    normalised,
    output_shape,
)

from pytest_cloudcontrol import FakeCloudControl

LOG_GROUP = "AWS::Logs::LogGroup"
STUCK, FAILED, DONE = (f"5eed0000-0000-4000-8000-00000000000{n}" for n in range(3))

CALLS: list[tuple[str, dict[str, Any]]] = [
    ("GetResourceRequestStatus", {"RequestToken": STUCK}),
    ("GetResourceRequestStatus", {"RequestToken": FAILED}),
    ("GetResourceRequestStatus", {"RequestToken": DONE}),
    ("GetResource", {"TypeName": LOG_GROUP, "Identifier": "app-logs"}),
]
LISTS: list[tuple[str, dict[str, Any]]] = [
    ("ListResources", {"TypeName": LOG_GROUP}),
    ("ListResourceRequests", {}),
    (
        "ListResourceRequests",
        {"ResourceRequestStatusFilter": {"Operations": ["CREATE"], "OperationStatuses": ["IN_PROGRESS"]}},
    ),
]


@pytest.fixture(autouse=True)
def state(cloudcontrol: FakeCloudControl) -> None:
    """Requests in flight, failed and done, and resources, with hook events and read-only properties."""
    cloudcontrol.seed_request(
        LOG_GROUP,
        request_token=STUCK,
        identifier="stuck-logs",
        hooks=[{"hook_type_name": "Org::Audit::Hook", "hook_status": "HOOK_IN_PROGRESS"}],
    )
    cloudcontrol.advance(1.5)
    cloudcontrol.seed_request(
        LOG_GROUP,
        request_token=FAILED,
        status="FAILED",
        error_code="AlreadyExists",
        status_message="Resource of type 'AWS::Logs::LogGroup' with identifier 'taken' already exists.",
    )
    cloudcontrol.seed_request(LOG_GROUP, operation="DELETE", status="SUCCESS", request_token=DONE)
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "app-logs", "RetentionInDays": 7})
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "db-logs"})


def _boto3(client: Any, operation: str, params: dict[str, Any], *, paginated: bool = False) -> Any:
    """boto3's answer (every page merged, as the CLI merges them, when ``paginated``)."""
    method = xform_name(operation)
    if paginated:
        answer = client.get_paginator(method).paginate(**params).build_full_result()
    else:
        answer = getattr(client, method)(**params)
        assert answer.pop("ResponseMetadata")["HTTPStatusCode"] == 200
    return normalised(output_shape(operation), answer, boto3_timestamp)


def _cli_arguments(operation: str, params: dict[str, Any]) -> list[str]:
    """The CLI's command for an operation and its parameters (structures as JSON)."""
    arguments = [xform_name(operation, "-")]
    for name, value in params.items():
        arguments += [f"--{xform_name(name, '-')}", value if isinstance(value, str) else json.dumps(value)]
    return arguments


def _js(answer: dict[str, Any], operation: str) -> Any:
    """The JS SDK's output, without its ``$metadata``."""
    assert answer.pop("$metadata")["httpStatusCode"] == 200
    return normalised(output_shape(operation), answer, js_timestamp)


@pytest.mark.parametrize("timestamp_format", ["none", "iso8601"])
@pytest.mark.parametrize(("operation", "params"), CALLS + LISTS)
def test_the_cli_answers_as_boto3(
    aws: AwsCli, client: Any, operation: str, params: dict[str, Any], timestamp_format: str
) -> None:
    # `none` (the default) prints the wire's epoch seconds, `iso8601` the parsed datetime.
    config = aws.environment["AWS_CONFIG_FILE"]
    Path(config).write_text(f"[default]\ncli_timestamp_format = {timestamp_format}\n")
    paginated = operation.startswith("List")

    answer = aws.json(*_cli_arguments(operation, params))

    assert normalised(output_shape(operation), answer, cli_timestamp) == _boto3(
        client, operation, params, paginated=paginated
    )


@pytest.mark.parametrize(("operation", "params"), CALLS + LISTS)
def test_the_js_sdk_answers_as_boto3(js: JsSdk, client: Any, operation: str, params: dict[str, Any]) -> None:
    answer = js.output(operation, **params)

    assert _js(answer, operation) == _boto3(client, operation, params)


@pytest.mark.parametrize(("operation", "params"), LISTS)
def test_the_js_paginators_page_as_boto3s(
    js: JsSdk, client: Any, operation: str, params: dict[str, Any]
) -> None:
    pages = js.pages(operation, 2, **params)

    expected = [
        normalised(
            output_shape(operation),
            {k: v for k, v in page.items() if k != "ResponseMetadata"},
            boto3_timestamp,
        )
        for page in client.get_paginator(xform_name(operation)).paginate(
            **params, PaginationConfig={"PageSize": 2}
        )
    ]
    assert [_js(page, operation) for page in pages] == expected
