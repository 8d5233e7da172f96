"""A client that is missing or broken skips its tests with the reason, or fails them when CI requires it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import subprocess_clients
from subprocess_clients import client_environment, find_aws_cli, find_node


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    return client_environment(tmp_path, "us-east-1")


@pytest.fixture
def broken_aws(tmp_path: Path) -> Path:
    """An ``aws`` that exits 1, as a pyenv shim does when no installed Python has the CLI."""
    script = tmp_path / "aws"
    script.write_text("#!/bin/sh\necho 'pyenv: aws: command not found' >&2\nexit 127\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.fixture(autouse=True)
def not_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLOUDCONTROL_REQUIRE_CLIENTS", raising=False)


def test_a_cli_that_does_not_run_skips_with_its_error(
    monkeypatch: pytest.MonkeyPatch, broken_aws: Path, environment: dict[str, str]
) -> None:
    monkeypatch.setenv("CLOUDCONTROL_AWS_CLI", str(broken_aws))

    with pytest.raises(pytest.skip.Exception) as skipped:
        find_aws_cli(environment)

    assert str(skipped.value) == (
        f"the AWS CLI at {broken_aws} cannot be used: {broken_aws} --version exited 127: "
        "pyenv: aws: command not found"
    )


def test_no_cli_at_all_skips_saying_how_to_give_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, environment: dict[str, str]
) -> None:
    monkeypatch.delenv("CLOUDCONTROL_AWS_CLI", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(pytest.skip.Exception, match=r"set CLOUDCONTROL_AWS_CLI=/path/to/aws"):
        find_aws_cli(environment)


def test_a_missing_client_fails_when_ci_requires_every_client(
    monkeypatch: pytest.MonkeyPatch, broken_aws: Path, environment: dict[str, str]
) -> None:
    monkeypatch.setenv("CLOUDCONTROL_AWS_CLI", str(broken_aws))
    monkeypatch.setenv("CLOUDCONTROL_REQUIRE_CLIENTS", "1")

    with pytest.raises(pytest.fail.Exception, match=r"CLOUDCONTROL_REQUIRE_CLIENTS=1: every client must run"):
        find_aws_cli(environment)


def test_node_without_the_sdk_skips_saying_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, environment: dict[str, str]
) -> None:
    monkeypatch.setattr(subprocess_clients, "JS_DIR", tmp_path)

    with pytest.raises(pytest.skip.Exception, match=rf"run `npm ci` in {tmp_path}"):
        find_node(environment)


def test_a_client_never_sees_the_users_aws_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://cloudcontrolapi.us-east-1.amazonaws.com")

    environment = client_environment(tmp_path, "eu-west-1")

    assert {name: value for name, value in environment.items() if name.startswith("AWS_")} == {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_REGION": "eu-west-1",
        "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
    }
    assert environment["HOME"] == str(tmp_path)
