"""The README's examples run as written: its code blocks are the files of a pytest project."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"
# Files of the README's per-client sections whose tests drive a client in another process (node):
# tests/clients/test_readme_clients.py runs them, with the client installed.
OTHER_PROCESSES = {"test_cancel_stuck.py"}
# Files whose imports are not dependencies of the project: run only where they are installed.
OPTIONAL = {"test_with_moto.py": "moto", "test_async_client.py": "aiobotocore"}


def _blocks() -> dict[str, str]:
    """The README's Python and YAML blocks that start with a ``# <path>`` line, by path."""
    blocks = re.findall(
        r"```(?:python|yaml)\n(# ([\w/]+\.(?:py|yaml))[^\n]*\n.*?)```", README.read_text(), re.DOTALL
    )
    return {path: code for code, path in blocks}


def _readme_files() -> dict[str, str]:
    """The blocks this test runs."""
    return {path: code for path, code in _blocks().items() if path not in OTHER_PROCESSES}


def test_every_python_block_is_a_file() -> None:
    python_files = [path for path in _blocks() if path.endswith(".py")]
    assert README.read_text().count("```python\n") == len(python_files)


def test_the_readme_examples_pass(pytester: pytest.Pytester) -> None:
    files = _readme_files()
    assert {
        "app.py",
        "conftest.py",
        "test_app.py",
        "scenarios/stuck.yaml",
        "test_scenarios.py",
        "test_time_travel.py",
        "test_with_stubber.py",
        "test_with_moto.py",
        "test_faults.py",
        "test_marker.py",
        "test_async_client.py",
        "test_scripts.py",
    } <= set(files)
    for name, module in OPTIONAL.items():
        if importlib.util.find_spec(module) is None:
            compile(files.pop(name), name, "exec")  # at least valid Python
    for name, code in files.items():
        path = pytester.path / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(code)
    pytester.syspathinsert()
    tests = sum(code.count("\ndef test_") for name, code in files.items() if name.endswith(".py"))

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=tests)
