"""Clients, canned responses and seeded fakes shared by the benchmark sections.

The *floor* is what botocore costs by itself: a client whose ``before-send`` handler answers every call
with a pre-encoded 200 response. It still serializes the input, signs the request, runs the retry
handler and parses the response, but no fake code runs. A fake can only add to that.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from email.utils import formatdate
from typing import Any

import botocore
import botocore.session
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.client import BaseClient

from pytest_cloudcontrol import FakeCloudControl

REGION = "us-east-1"
LOG_GROUP = "AWS::Logs::LogGroup"
BUCKET = "AWS::S3::Bucket"
CREDENTIALS = {
    "aws_access_key_id": "testing",
    "aws_secret_access_key": "testing",
    "aws_session_token": "testing",
}
_OPERATIONS = ("CREATE", "UPDATE", "DELETE")
_unique = itertools.count(1)


def unique(prefix: str) -> str:
    """A name never used before in this process, e.g. ``bench-create-17``."""
    return f"{prefix}-{next(_unique)}"


def new_client() -> BaseClient:
    """A fresh botocore ``cloudcontrol`` client from its own session, made as ``FakeCloudControl.client``."""
    return botocore.session.get_session().create_client(
        "cloudcontrol",
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["aws_access_key_id"],
        aws_secret_access_key=CREDENTIALS["aws_secret_access_key"],
        aws_session_token=CREDENTIALS["aws_session_token"],
    )


class _CannedBody(io.BytesIO):
    """A raw body botocore can ``stream()``, as it streams urllib3's."""

    def stream(self, amt: int = 1024 * 1024, decode_content: bool = True) -> Iterator[bytes]:
        yield self.getvalue()


class CannedResponder:
    """A ``before-send`` handler that answers with one pre-encoded 200 response (set with ``use``)."""

    def __init__(self) -> None:
        self.body = b"{}"
        self.headers: dict[str, str] = {}
        self.probe = False  # when set, the next request's signature is looked at (not while timing)
        self.signed: bool | None = None
        self.use(self.body)

    def use(self, body: bytes) -> None:
        """Answer with ``body`` from now on, with the headers the fake (and AWS) sends."""
        self.body = body
        self.headers = {
            "x-amzn-requestid": "5a2b7c3e-0000-4000-8000-000000000000",
            "content-type": "application/x-amz-json-1.0",
            "content-length": str(len(body)),
            "date": formatdate(usegmt=True),
        }

    def __call__(self, request: AWSPreparedRequest, **kwargs: Any) -> AWSResponse:
        """Answer one request: a new response object each time, as a transport would make."""
        if self.probe:
            self.signed = bool(request.headers.get("Authorization"))
        headers: Any = dict(self.headers)
        return AWSResponse(request.url, 200, headers, _CannedBody(self.body))


def floor_client(responder: CannedResponder, *, signed: bool = True) -> BaseClient:
    """A client answered by ``responder`` (registered first, so nothing else answers).

    ``signed=False`` skips SigV4 the way ``FakeCloudControl(fast=True)`` does (a ``choose-signer``
    handler that answers UNSIGNED): the least any fast fake can cost.

    Only while no fake is active: the package's ``before-send`` and ``choose-signer`` handlers are
    builtin on every ``cloudcontrol`` client, so an active fake answers this client itself, and an
    active ``fast=True`` fake makes it skip SigV4. Time the floor with every fake stopped.
    """
    client = new_client()
    handler: Any = responder
    client.meta.events.register_first("before-send.cloudcontrol", handler)
    if not signed:
        unsigned: Any = _unsigned
        client.meta.events.register_first("choose-signer.cloudcontrol", unsigned)
    return client


def _unsigned(**kwargs: Any) -> object:
    unsigned: object = botocore.UNSIGNED
    return unsigned


def seed_registry(fake: FakeCloudControl, size: int) -> None:
    """Put ``size`` finished and in-flight requests of mixed operations in the fake's registry."""
    statuses = ("SUCCESS",) * 6 + ("FAILED", "IN_PROGRESS", "CANCEL_COMPLETE", "SUCCESS")
    for index in range(size):
        status = statuses[index % len(statuses)]
        fake.seed_request(
            LOG_GROUP,
            operation=_OPERATIONS[index % 3],
            status=status,
            identifier=f"seed-{index}",
            error_code="NotFound" if status == "FAILED" else None,
        )
