"""Clients in other processes, as users run them: the AWS CLI and a node script on the AWS SDK for JS v3.

Each is found once per session; absent, its tests skip with the reason, or fail when
``CLOUDCONTROL_REQUIRE_CLIENTS=1`` (CI sets it, so a broken install never passes as skipped). Every
process gets fake credentials and an empty configuration from ``client_environment``: the user's own
AWS configuration is never read.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import pytest
from botocore.model import Shape

from pytest_cloudcontrol.service_model import operation_model

JS_DIR = Path(__file__).parent / "js"
TIMEOUT = 60  # seconds a client process may take; the slowest, a CLI waiter, polls every 5 s


def unavailable(reason: str) -> NoReturn:
    """Skip the test for a client that is not installed, or fail when CI requires every client."""
    if os.environ.get("CLOUDCONTROL_REQUIRE_CLIENTS") == "1":
        pytest.fail(f"{reason} (CLOUDCONTROL_REQUIRE_CLIENTS=1: every client must run)", pytrace=False)
    pytest.skip(reason)


def client_environment(home: Path, region: str) -> dict[str, str]:
    """The environment of a client process: this one's without any AWS setting, plus fake ones.

    ``home`` (an empty directory) stands for the user's home, and the config and credentials files
    name files in it that do not exist, so no profile, SSO cache or credential process is ever used.
    """
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    environment.update(
        HOME=str(home),
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=region,
        AWS_REGION=region,
        AWS_CONFIG_FILE=str(home / "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_PAGER="",  # CLI v2 pages its output otherwise (v1 never does, and has no --no-cli-pager)
    )
    return environment


def _runs(command: list[str], environment: dict[str, str]) -> str | None:
    """Why ``command`` cannot run, or None when it exits 0."""
    try:
        done = subprocess.run(
            command, env=environment, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except OSError as error:
        return f"{command[0]} does not run: {error}"
    if done.returncode != 0:
        return f"{' '.join(command)} exited {done.returncode}: {(done.stderr or done.stdout).strip()[-300:]}"
    return None


def find_aws_cli(environment: dict[str, str]) -> str:
    """``$CLOUDCONTROL_AWS_CLI``, else ``aws`` on the PATH, once it is seen to run."""
    executable = os.environ.get("CLOUDCONTROL_AWS_CLI") or shutil.which("aws")
    if not executable:
        unavailable("the AWS CLI is not installed (set CLOUDCONTROL_AWS_CLI=/path/to/aws)")
    # A pyenv shim or a broken install is on the PATH as `aws` too: it has to answer.
    failure = _runs([executable, "--version"], environment)
    if failure:
        unavailable(f"the AWS CLI at {executable} cannot be used: {failure}")
    return executable


def find_node(environment: dict[str, str]) -> str:
    """``$CLOUDCONTROL_NODE``, else ``node`` on the PATH, with the SDK installed in ``js/``."""
    node = os.environ.get("CLOUDCONTROL_NODE") or shutil.which("node")
    if not node:
        unavailable("node is not installed (set CLOUDCONTROL_NODE=/path/to/node)")
    package = JS_DIR / "node_modules" / "@aws-sdk" / "client-cloudcontrol" / "package.json"
    if not package.is_file():
        unavailable(f"@aws-sdk/client-cloudcontrol is not installed: run `npm ci` in {JS_DIR}")
    failure = _runs([node, "--version"], environment)
    if failure:
        unavailable(f"node at {node} cannot be used: {failure}")
    return node


@dataclass(frozen=True)
class AwsCli:
    """The ``aws`` command of an AWS CLI install, pointed at one endpoint."""

    executable: str
    endpoint: str
    environment: dict[str, str]

    def run(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        """``aws cloudcontrol ARGUMENTS --endpoint-url ENDPOINT``; its exit code is left to the test."""
        command = [self.executable, "cloudcontrol", *arguments]
        command += ["--endpoint-url", self.endpoint, "--output", "json"]
        return subprocess.run(
            command, env=self.environment, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )

    def json(self, *arguments: str) -> Any:
        """The parsed JSON output of a command that must succeed (no output: None)."""
        done = self.run(*arguments)
        assert done.returncode == 0, f"aws {' '.join(arguments)} exited {done.returncode}: {done.stderr}"
        return json.loads(done.stdout) if done.stdout.strip() else None


@dataclass(frozen=True)
class JsSdk:
    """The AWS SDK for JS v3 pointed at one endpoint: one ``client.mjs`` job per node process."""

    node: str
    endpoint: str
    region: str
    environment: dict[str, str]

    def run(self, **job: Any) -> dict[str, Any]:
        """Run one job of ``client.mjs`` (``action``, ``operation``, ``input``, ...); its JSON answer."""
        done = subprocess.run(
            [self.node, str(JS_DIR / "client.mjs")],
            input=json.dumps({"endpoint": self.endpoint, "region": self.region, **job}),
            env=self.environment,
            cwd=JS_DIR,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, f"client.mjs exited {done.returncode}: {done.stderr}"
        answer: dict[str, Any] = json.loads(done.stdout)
        return answer

    def send(self, operation: str, **params: Any) -> dict[str, Any]:
        """``client.send(new <operation>Command(params))``: its answer, ``output`` or ``error``."""
        return self.run(action="send", operation=operation, input=params)

    def output(self, operation: str, **params: Any) -> dict[str, Any]:
        """The output of a call that must succeed."""
        answer = self.send(operation, **params)
        assert "output" in answer, f"{operation} failed: {answer}"
        output: dict[str, Any] = answer["output"]
        return output

    def wait(self, token: str, *, delay: int, max_wait_time: int) -> dict[str, Any]:
        """``waitUntilResourceRequestSuccess`` polling every ``delay`` seconds: its answer."""
        return self.run(action="wait", input={"RequestToken": token}, delay=delay, maxWaitTime=max_wait_time)

    def pages(self, operation: str, page_size: int, **params: Any) -> list[dict[str, Any]]:
        """Every page the SDK's paginator of ``operation`` yields with ``pageSize``."""
        answer = self.run(action="paginate", operation=operation, input=params, pageSize=page_size)
        assert "pages" in answer, f"paginating {operation} failed: {answer}"
        pages: list[dict[str, Any]] = answer["pages"]
        return pages


def output_shape(operation: str) -> Shape:
    """The output shape of a Cloud Control operation, from botocore's model."""
    shape = operation_model(operation).output_shape
    assert shape is not None
    return shape


def normalised(shape: Shape, value: Any, timestamp: Callable[[Any], int]) -> Any:
    """``value`` (an answer of ``shape``) with each timestamp member given to ``timestamp``.

    The model says which members are timestamps, so each client's own form of them (boto3's datetime,
    the CLI's number or text, the JS SDK's Date) becomes epoch milliseconds, the wire's precision,
    where and only where the model has one; every other member is compared as it came.
    """
    if shape.type_name == "timestamp":
        return timestamp(value)
    if shape.type_name == "structure" and isinstance(value, dict):
        members = shape.members  # type: ignore[attr-defined]
        return {
            name: normalised(members[name], item, timestamp) if name in members else item
            for name, item in value.items()
        }
    if shape.type_name == "list" and isinstance(value, list):
        return [normalised(shape.member, item, timestamp) for item in value]  # type: ignore[attr-defined]
    return value


def boto3_timestamp(value: datetime) -> int:
    """boto3's datetime in epoch milliseconds (it must be aware: a naive one would be a local time)."""
    assert isinstance(value, datetime), f"boto3 gave {value!r} for a timestamp"
    assert value.tzinfo is not None, f"boto3 gave a naive datetime {value!r}"
    return round(value.timestamp() * 1000)


def cli_timestamp(value: Any) -> int:
    """The CLI's timestamp in epoch milliseconds.

    A number as received with ``cli_timestamp_format = none`` (its default), ISO 8601 text with
    ``iso8601``.
    """
    if isinstance(value, str):
        return round(datetime.fromisoformat(value).timestamp() * 1000)
    assert isinstance(value, (int, float)), f"the CLI gave {value!r} for a timestamp"
    return round(value * 1000)


def js_timestamp(value: Any) -> int:
    """The JS SDK's Date, as ``client.mjs`` writes it (``{"$date": epoch milliseconds}``)."""
    assert isinstance(value, dict), f"the JS SDK gave no Date but {value!r}"
    assert set(value) == {"$date"}, f"the JS SDK gave no Date but {value!r}"
    milliseconds: int = value["$date"]
    return milliseconds
