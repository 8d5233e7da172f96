"""The README's CLI and JavaScript sections run as written, with the clients CI installs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from subprocess_clients import JS_DIR, TIMEOUT

README = Path(__file__).parent.parent.parent / "README.md"


def _block(fence: str, name: str) -> str:
    """The README's ``fence`` block whose first line is a comment naming the file ``name``."""
    blocks = re.findall(rf"```{fence}\n((?:#|//) ([\w.-]+)[^\n]*\n.*?)```", README.read_text(), re.DOTALL)
    named: list[str] = [code for code, file_name in blocks if file_name == name]
    assert len(named) == 1, f"README has {len(named)} {fence} blocks named {name}"
    return named[0]


def test_the_cli_session_script(tmp_path: Path, aws_executable: str, client_env: dict[str, str]) -> None:
    script = tmp_path / "cli-session.sh"
    script.write_text(_block("sh", "cli-session.sh"))
    # `python` is this environment's (it has the package), `aws` the CLI's own environment's.
    path = os.pathsep.join([str(Path(sys.executable).parent), str(Path(aws_executable).parent)])
    env = {**client_env, "PATH": path + os.pathsep + client_env.get("PATH", "")}

    done = subprocess.run(
        ["bash", "-euo", "pipefail", str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "LogGroupName": "app-logs",
        "Arn": "arn:aws:logs:us-east-1:123456789012:log-group:app-logs:*",
    }
    assert f"prints `{done.stdout.strip()}`" in README.read_text()


def test_the_node_script_and_its_test(
    pytester: pytest.Pytester, node_executable: str, client_env: dict[str, str]
) -> None:
    pytester.path.joinpath("cancel-stuck.mjs").write_text(_block("js", "cancel-stuck.mjs"))
    pytester.path.joinpath("test_cancel_stuck.py").write_text(_block("python", "test_cancel_stuck.py"))
    # The SDK as `npm install @aws-sdk/client-cloudcontrol` would put it beside the script.
    pytester.path.joinpath("node_modules").symlink_to(JS_DIR / "node_modules", target_is_directory=True)
    # The README's test runs `node` from the PATH: this one's first.
    path = str(Path(node_executable).parent) + os.pathsep + client_env.get("PATH", "")

    with pytest.MonkeyPatch.context() as patch:
        for name in [name for name in os.environ if name.startswith("AWS_")]:
            patch.delenv(name)
        patch.setenv("HOME", client_env["HOME"])
        patch.setenv("PATH", path)
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=TIMEOUT)

    result.assert_outcomes(passed=1)
