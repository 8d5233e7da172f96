"""Fixtures of the client tests: the AWS CLI and the JS SDK, pointed at ``cloudcontrol_server``."""

from __future__ import annotations

from pathlib import Path

import pytest
from subprocess_clients import AwsCli, JsSdk, client_environment, find_aws_cli, find_node

from pytest_cloudcontrol import CloudControlServer, FakeCloudControl


@pytest.fixture(scope="session")
def aws_executable(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The AWS CLI's ``aws``, found once (or the tests that need it skip, saying why)."""
    return find_aws_cli(client_environment(tmp_path_factory.mktemp("aws-home"), "us-east-1"))


@pytest.fixture(scope="session")
def node_executable(tmp_path_factory: pytest.TempPathFactory) -> str:
    """``node``, with the SDK installed next to ``client.mjs`` (or the tests skip, saying why)."""
    return find_node(client_environment(tmp_path_factory.mktemp("node-home"), "us-east-1"))


@pytest.fixture
def client_env(tmp_path: Path, cloudcontrol: FakeCloudControl) -> dict[str, str]:
    """A client process's environment: fake credentials, the fake's Region, no AWS configuration."""
    home = tmp_path / "home"
    home.mkdir()
    return client_environment(home, cloudcontrol.region)


@pytest.fixture
def aws(aws_executable: str, cloudcontrol_server: CloudControlServer, client_env: dict[str, str]) -> AwsCli:
    """``aws cloudcontrol ... --endpoint-url <the server>``."""
    return AwsCli(aws_executable, cloudcontrol_server.url, client_env)


@pytest.fixture
def js(
    node_executable: str,
    cloudcontrol: FakeCloudControl,
    cloudcontrol_server: CloudControlServer,
    client_env: dict[str, str],
) -> JsSdk:
    """A ``CloudControlClient`` of the JS SDK with ``endpoint: <the server>``."""
    return JsSdk(node_executable, cloudcontrol_server.url, cloudcontrol.region, client_env)
