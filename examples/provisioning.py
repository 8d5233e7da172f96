"""Provision CloudWatch Logs log groups through Cloud Control, wait for them, read them, clean up.

The functions take the client they use: the caller builds it (``boto3.client("cloudcontrol")``) with
the Region, credentials and retry configuration it wants.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from botocore.exceptions import WaiterError

if TYPE_CHECKING:
    from botocore.client import BaseClient

LOG_GROUP = "AWS::Logs::LogGroup"  # primary identifier: LogGroupName


def wait_for(client: BaseClient, request_token: str) -> None:
    """Wait until a resource request succeeds (botocore's ``resource_request_success`` waiter).

    Raises:
        botocore.exceptions.WaiterError: the request FAILED or was cancelled (its last progress event
            is in ``error.last_response["ProgressEvent"]``), or it did not finish in time.

    """
    client.get_waiter("resource_request_success").wait(RequestToken=request_token)


def create_log_group(client: BaseClient, name: str, *, retention_days: int | None = None) -> dict[str, Any]:
    """Create a log group, wait until it exists, and return its properties as AWS reports them.

    Raises:
        botocore.exceptions.WaiterError: the create failed, e.g. ``AlreadyExists``.

    """
    desired: dict[str, Any] = {"LogGroupName": name}
    if retention_days is not None:
        desired["RetentionInDays"] = retention_days
    started = client.create_resource(TypeName=LOG_GROUP, DesiredState=json.dumps(desired))
    wait_for(client, started["ProgressEvent"]["RequestToken"])
    return get_log_group(client, name)


def get_log_group(client: BaseClient, name: str) -> dict[str, Any]:
    """The current properties of a log group (GetResource)."""
    answer = client.get_resource(TypeName=LOG_GROUP, Identifier=name)
    properties: dict[str, Any] = json.loads(answer["ResourceDescription"]["Properties"])
    return properties


def delete_log_group(client: BaseClient, name: str) -> bool:
    """Delete a log group and wait; returns False when it was already gone.

    A delete that FAILED with ``ErrorCode`` NotFound counts as success: the group is gone either way,
    so cleanup code can call this without checking first.
    """
    started = client.delete_resource(TypeName=LOG_GROUP, Identifier=name)
    try:
        wait_for(client, started["ProgressEvent"]["RequestToken"])
    except WaiterError as error:
        event = (error.last_response or {}).get("ProgressEvent", {})
        if event.get("OperationStatus") == "FAILED" and event.get("ErrorCode") == "NotFound":
            return False
        raise
    return True
