"""Cancel Cloud Control resource requests that have been stuck in flight for too long.

A small operations job, as a team would run it on a schedule: list the requests that are still
PENDING or IN_PROGRESS, keep those whose last event is older than a cutoff, and cancel them.

It is safe to run again at any time: a request that finished between the listing and the cancel is
skipped, a request that is gone is skipped, and a cancel that fails for another reason is reported
as failed without stopping the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from botocore.client import BaseClient

# The application's client, made once when the module is imported, as real applications do.
client = boto3.client("cloudcontrol")

IN_FLIGHT = ("PENDING", "IN_PROGRESS")


def _default_client() -> BaseClient:
    """The module-level client (looked up at call time, so a test may replace it)."""
    return client


@dataclass
class CancelReport:
    """What a run did: the tokens it cancelled, skipped (finished or gone) and failed to cancel."""

    cancelled: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # token -> AWS error code


def find_stuck_requests(
    older_than: timedelta,
    *,
    now: datetime | None = None,
    client: BaseClient | None = None,
) -> list[dict[str, Any]]:
    """The in-flight requests whose last event (``EventTime``) is more than ``older_than`` before ``now``.

    Every page of ListResourceRequests is read (through botocore's paginator), filtered on the
    server to PENDING and IN_PROGRESS. ``now`` defaults to the wall time.
    """
    cutoff = (now or datetime.now(timezone.utc)) - older_than
    return [event for event in _in_flight(client or _default_client()) if event["EventTime"] < cutoff]


def _in_flight(client: BaseClient) -> Iterator[dict[str, Any]]:
    paginator = client.get_paginator("list_resource_requests")
    pages = paginator.paginate(ResourceRequestStatusFilter={"OperationStatuses": list(IN_FLIGHT)})
    for page in pages:
        yield from page["ResourceRequestStatusSummaries"]


def cancel_requests(tokens: Iterable[str], *, client: BaseClient | None = None) -> CancelReport:
    """Cancel each request; tolerate the ones that finished meanwhile or no longer exist.

    - cancelled: CancelResourceRequest succeeded (cancelling twice is harmless, so a retry is fine);
    - skipped: the request is already finished (``ValidationException`` "... already in status ...")
      or unknown (``RequestTokenNotFoundException``);
    - failed: any other error, by its code; the other requests are still cancelled.
    """
    client = client or _default_client()
    report = CancelReport()
    for token in tokens:
        try:
            client.cancel_resource_request(RequestToken=token)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            message = error.response["Error"].get("Message", "")
            if code == "RequestTokenNotFoundException" or (
                code == "ValidationException" and "already in status" in message
            ):
                report.skipped.append(token)
            else:
                report.failed[token] = code
        else:
            report.cancelled.append(token)
    return report


def cancel_stuck_requests(
    older_than: timedelta = timedelta(hours=1),
    *,
    now: datetime | None = None,
    client: BaseClient | None = None,
) -> CancelReport:
    """Find the requests stuck in flight for more than ``older_than`` and cancel them."""
    stuck = find_stuck_requests(older_than, now=now, client=client)
    return cancel_requests((event["RequestToken"] for event in stuck), client=client)


if __name__ == "__main__":  # pragma: no cover - the scheduled job's entry point
    print(cancel_stuck_requests())
